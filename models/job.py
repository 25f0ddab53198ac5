"""Background jobs (后台任务): one row per piece of work put on the product's job queue.

The row is the job's public face: its state, its progress in percent, a message for the
person who started it (why it failed, what it is doing) and, when it made a file, that file
(a ``StoredFile``, served with the Range-aware helpers of ``studio/storage.py``). The queue
itself (RQ on Redis, or a thread in-process) lives in ``studio/jobs.py``.
"""
from sqlalchemy import select

from models.base import utcnow
from studio.extensions import db

JOB_STATES = ("queued", "running", "done", "failed")
ACTIVE_STATES = ("queued", "running")
JOB_KINDS = ("archive",)  # issue 13 adds the video jobs here


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        db.CheckConstraint("progress BETWEEN 0 AND 100", name="job_progress_range"),
        db.Index("ix_jobs_studio_kind_state", "studio_id", "kind", "state"),
    )

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(32), nullable=False)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=True)
    requested_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False,
                                index=True)
    state = db.Column(db.String(16), nullable=False, default="queued")
    progress = db.Column(db.Integer, nullable=False, default=0)
    message = db.Column(db.String(1000), nullable=False, default="")
    options = db.Column(db.JSON, nullable=True)          # what was asked (e.g. recordings)
    result_file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    started_at = db.Column(db.DateTime, nullable=True)
    finished_at = db.Column(db.DateTime, nullable=True)

    studio = db.relationship("Studio")
    requested_by = db.relationship("User", lazy="joined")
    result_file = db.relationship("StoredFile", lazy="joined")

    def __repr__(self):
        return f"<Job {self.id} {self.kind} {self.state}>"

    @property
    def is_active(self):
        return self.state in ACTIVE_STATES

    def option(self, name, default=None):
        return (self.options or {}).get(name, default)

    # --- authorization -----------------------------------------------------------------------
    def can_view(self, user):
        """Its requester; for a studio's job also the master and the overseeing office."""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.id == self.requested_by_id:
            return True
        return self.studio is not None and (user.role_in(self.studio) == "master"
                                            or user.oversees(self.studio))

    def can_download(self, user):
        return self.state == "done" and self.result_file_id is not None and self.can_view(user)

    @staticmethod
    def visible_to(studio, user, kind):
        """The query twin of ``can_view`` for one studio's jobs of ``kind``, newest first."""
        query = select(Job).where(Job.studio_id == studio.id, Job.kind == kind)
        if not (user.role_in(studio) == "master" or user.oversees(studio)):
            query = query.where(Job.requested_by_id == user.id)
        return query.order_by(Job.id.desc())
