"""Audit trail: who changed what, when and why."""
from models.base import utcnow
from studio.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=True, index=True)
    action = db.Column(db.String(64), nullable=False)
    target_type = db.Column(db.String(32), nullable=False, default="")
    target_id = db.Column(db.Integer, nullable=True)
    detail = db.Column(db.Text, nullable=False, default="")

    actor = db.relationship("User", lazy="joined")


def record(action, actor=None, studio=None, target=None, detail=""):
    """Add an audit row to the session (the caller commits)."""
    entry = AuditLog(
        action=action,
        actor_id=getattr(actor, "id", None),
        studio_id=getattr(studio, "id", None),
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        detail=detail,
    )
    db.session.add(entry)
    return entry
