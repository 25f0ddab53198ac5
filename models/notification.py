"""In-app notifications (the bell)."""
from models.base import utcnow
from studio.extensions import db

KINDS = ("task_assigned", "case_submitted", "review_received", "changes_requested",
         "case_approved", "case_recommended", "assignment_submitted", "assignment_returned",
         "assignment_completed", "video_comment", "mentioned")


class Notification(db.Model):
    __tablename__ = "notifications"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=True)
    kind = db.Column(db.String(32), nullable=False)
    subject = db.Column(db.String(255), nullable=False, default="")
    actor_name = db.Column(db.String(64), nullable=False, default="")
    link = db.Column(db.String(255), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    read_at = db.Column(db.DateTime, nullable=True)
