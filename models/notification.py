"""In-app notifications (the bell)."""
from models.base import utcnow
from studio.extensions import db

KINDS = ("task_assigned", "case_submitted", "review_received", "changes_requested",
         "case_approved", "case_recommended", "assignment_submitted", "assignment_returned",
         "assignment_completed", "video_comment", "mentioned", "task_due_soon", "task_overdue",
         "review_waiting", "plan_written", "plan_revised", "plan_commented",
         "project_report_submitted", "project_report_approved", "project_report_returned",
         "activity_scheduled", "leave_requested", "leave_decided", "plan_section_assigned",
         "certification_applied", "certification_returned", "certification_certified",
         "assessment_published",
         "briefing_published",
         "showcase_requested", "showcase_consented", "showcase_declined", "showcase_published",
         "showcase_withdrawn", "showcase_unpublished")
# The scheduled reminders (``flask send-reminders``): sent once per key, see ReminderSent.
REMINDER_KINDS = ("task_due_soon", "task_overdue", "review_waiting")


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


class ReminderSent(db.Model):
    """A reminder that went out, so it goes out once: the unique key is claimed in the same
    transaction as the notification (``INSERT ... ON CONFLICT DO NOTHING``), so a rerun or
    two runs at once never notify twice. ``subject_id`` is the assignment (task reminders) or
    the case (review_waiting); ``round`` is the due date, or the time the case was handed in,
    so a moved due date or a case handed in again is reminded again."""
    __tablename__ = "reminders_sent"
    __table_args__ = (db.UniqueConstraint("kind", "subject_id", "user_id", "round",
                                          name="uq_reminder_sent"),)

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(32), nullable=False)
    subject_id = db.Column(db.Integer, nullable=False)
    # no foreign key: a log of keys, like subject_id (dropping it then locks no other table)
    user_id = db.Column(db.Integer, nullable=False)
    round = db.Column(db.String(32), nullable=False, default="")
    sent_at = db.Column(db.DateTime, nullable=False, default=utcnow)
