"""Reflection threads (研讨帖 / 反思): standalone topics or attached to a case, task, activity."""
from models.base import utcnow
from studio.extensions import db

SUBJECTS = ("studio", "case", "task", "activity", "seminar")


class Thread(db.Model):
    __tablename__ = "threads"

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    subject_type = db.Column(db.String(16), nullable=False, default="studio")
    subject_id = db.Column(db.Integer, nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_post_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    post_count = db.Column(db.Integer, nullable=False, default=0)

    studio = db.relationship("Studio")
    author = db.relationship("User", lazy="joined")

    def can_view(self, user):
        """A thread is seen by the members of its studio (and the admin); a thread on a lesson
        case only by those who may see the case."""
        if not self.studio.can_view(user):
            return False
        if self.subject_type == "case":
            from models.case import LessonCase
            case = db.session.get(LessonCase, self.subject_id)
            return case is not None and case.can_view(user)
        return True

    def can_post(self, user):
        return self.can_view(user) and user.role_in(self.studio) is not None

    def can_moderate(self, user):
        return self.studio.can_moderate(user)


class Post(db.Model):
    __tablename__ = "posts"

    id = db.Column(db.Integer, primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    quoted_post_id = db.Column(db.Integer, db.ForeignKey("posts.id"), nullable=True)
    body = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    edited_at = db.Column(db.DateTime, nullable=True)
    edited_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    deleted_at = db.Column(db.DateTime, nullable=True)
    deleted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    delete_reason = db.Column(db.String(500), nullable=False, default="")

    thread = db.relationship("Thread")
    author = db.relationship("User", foreign_keys=[author_id], lazy="joined")
    edited_by = db.relationship("User", foreign_keys=[edited_by_id])
    deleted_by = db.relationship("User", foreign_keys=[deleted_by_id])
    quoted = db.relationship("Post", remote_side=[id], lazy="joined", join_depth=1)

    def can_edit(self, user):
        return self.deleted_at is None and user.id == self.author_id

    def can_delete(self, user):
        return self.deleted_at is None and (user.id == self.author_id
                                            or self.thread.can_moderate(user))


class ThreadRead(db.Model):
    """How far a member has read a thread: it opens at the first post after this one."""
    __tablename__ = "thread_reads"
    __table_args__ = (db.UniqueConstraint("thread_id", "user_id", name="uq_thread_read"),)

    id = db.Column(db.Integer, primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    last_read_post_id = db.Column(db.Integer, nullable=False, default=0)
