"""The study-hour ledger (学时登记): every credited hour has a source and an audit trail."""
from models.base import utcnow
from studio.extensions import db

SOURCES = ("task", "manual", "activity")


class HourEntry(db.Model):
    __tablename__ = "hour_entries"

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    amount = db.Column(db.Numeric(6, 1, asdecimal=False), nullable=False)
    source = db.Column(db.String(16), nullable=False)
    # A completed assignment credits its hours once: the unique constraint makes a double
    # click, a retried request or a race between two processes unable to credit twice.
    assignment_id = db.Column(db.Integer, db.ForeignKey("assignments.id"), nullable=True,
                              unique=True)
    reason = db.Column(db.String(500), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User", foreign_keys=[user_id])
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    assignment = db.relationship("Assignment")
