"""SQLAlchemy models, one module per domain. Importing this package registers them all."""
from models.audit import AuditLog
from models.imports import ImportBatch
from models.studio import MentorGroup, MentorGroupMember, Membership, Studio
from models.user import User

__all__ = [
    "AuditLog", "ImportBatch", "MentorGroup", "MentorGroupMember", "Membership", "Studio", "User",
]
