"""Reflection threads (研讨帖 / 反思): standalone topics or attached to a case, task, activity."""
from sqlalchemy import false, or_, select

from models.base import utcnow
from studio.extensions import db


def subject_models():
    """The one map of what a thread can be about: subject kind -> model. Each model has
    ``can_view(user)`` and its query twin ``visible_to(studio, user)``; a thread about it
    follows that rule. A thread of kind ``studio`` is about the studio itself."""
    from models.activity import Activity
    from models.case import LessonCase
    from models.task import Task
    return {"case": LessonCase, "task": Task, "activity": Activity}


def subject_kind(subject):
    """The kind ('case', 'task', 'activity') of a thread subject, from the one map."""
    return next(kind for kind, model in subject_models().items() if isinstance(subject, model))


SUBJECT_KINDS = ("studio", "case", "task", "activity")


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

    @property
    def subject(self):
        """The case, task or activity the thread is about (None for a studio thread)."""
        model = subject_models().get(self.subject_type)
        if model is None or self.subject_id is None:
            return None
        subject = db.session.get(model, self.subject_id)
        return subject if subject is not None and subject.studio_id == self.studio_id else None

    def can_view(self, user):
        """A studio thread is seen by whoever sees the studio; a thread about a case, task or
        activity only by those who may see that subject (its own ``can_view``)."""
        if not self.studio.can_view(user):
            return False
        if self.subject_type == "studio":
            return True
        subject = self.subject
        return subject is not None and subject.can_view(user)

    @classmethod
    def visible_to(cls, studio, user):
        """The query twin of ``can_view``: the threads of a studio the user may see."""
        if not studio.can_view(user):
            return select(cls).where(false())
        allowed = [cls.subject_type == "studio"]
        for kind, model in subject_models().items():
            ids = model.visible_to(studio, user).with_only_columns(model.id)
            allowed.append((cls.subject_type == kind) & cls.subject_id.in_(ids))
        return select(cls).where(cls.studio_id == studio.id, or_(*allowed))

    @classmethod
    def about(cls, subject):
        """The first thread about a case, task or activity (None if nobody started one)."""
        kind = subject_kind(subject)
        return db.session.execute(select(cls).where(
            cls.studio_id == subject.studio_id, cls.subject_type == kind,
            cls.subject_id == subject.id).order_by(cls.id).limit(1)).scalars().first()

    def can_post(self, user):
        """Members who see the thread take part in it (the studio's one rule)."""
        return self.can_view(user) and self.studio.can_take_part(user)

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
