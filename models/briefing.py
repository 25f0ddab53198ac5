"""Work briefings (工作简报): numbered issues (第N期) a studio publishes for its members and
its office; a programme asks for at least ``Programme.briefings_required`` of them.

A published briefing is an official record: its number stays, it is never unpublished; the
master may still correct its text. A draft is the master's alone and may be deleted."""
from sqlalchemy import false, func, select

from models.base import utcnow
from studio.extensions import db

BRIEFING_STATES = ("draft", "published")


class Briefing(db.Model):
    __tablename__ = "briefings"
    __table_args__ = (db.UniqueConstraint("studio_id", "number", name="uq_briefing_studio_number"),)

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    # 第N期: given when published, in publishing order (a draft has none)
    number = db.Column(db.Integer, nullable=True)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    # the period the briefing reports on (从数据起草 reads the studio's data in it)
    period_start = db.Column(db.Date, nullable=True)
    period_end = db.Column(db.Date, nullable=True)
    state = db.Column(db.String(16), nullable=False, default="draft")
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    published_at = db.Column(db.DateTime, nullable=True)

    studio = db.relationship("Studio")
    author = db.relationship("User")
    images = db.relationship("BriefingImage", back_populates="briefing",
                             order_by="BriefingImage.number", cascade="all, delete-orphan")

    @property
    def is_published(self):
        return self.state == "published"

    # --- who ------------------------------------------------------------------------------
    def can_view(self, user):
        """Published: the studio's members and the office that oversees the studio. A draft:
        the master alone."""
        if self.is_published:
            return self.studio.can_view(user) and (
                user.role_in(self.studio) is not None or user.oversees(self.studio))
        return self.can_edit(user)

    def can_edit(self, user):
        """The master writes, corrects and publishes the studio's briefings."""
        return Briefing.can_create(self.studio, user)

    def can_delete(self, user):
        """Only a draft is deleted; a published briefing is an official record."""
        return not self.is_published and self.can_edit(user)

    def can_publish(self, user):
        return not self.is_published and self.can_edit(user)

    @staticmethod
    def can_create(studio, user):
        return bool(getattr(user, "is_authenticated", False)) and user.role_in(studio) == "master"

    @classmethod
    def visible_to(cls, studio, user):
        """The query twin of ``can_view``: the briefings of a studio the user may read."""
        stmt = select(cls).where(cls.studio_id == studio.id)
        if cls.can_create(studio, user):
            return stmt
        if studio.can_view(user) and (user.role_in(studio) is not None or user.oversees(studio)):
            return stmt.where(cls.state == "published")
        return stmt.where(false())

    @staticmethod
    def published_counts(studio_ids):
        """{studio id: briefings published} in one query (studios with none are absent)."""
        if not studio_ids:
            return {}
        return dict(db.session.execute(
            select(Briefing.studio_id, func.count()).where(
                Briefing.studio_id.in_(list(studio_ids)), Briefing.state == "published")
            .group_by(Briefing.studio_id)).all())

    @staticmethod
    def latest_published(studio):
        return db.session.execute(
            select(Briefing).where(Briefing.studio_id == studio.id,
                                   Briefing.state == "published")
            .order_by(Briefing.number.desc()).limit(1)).scalar_one_or_none()


class BriefingImage(db.Model):
    """A picture uploaded into a briefing, shown at
    ``/studios/<studio>/briefings/<briefing>/images/<number>`` to the briefing's readers."""
    __tablename__ = "briefing_images"
    __table_args__ = (
        db.UniqueConstraint("briefing_id", "number", name="uq_briefing_image_number"),)

    id = db.Column(db.Integer, primary_key=True)
    briefing_id = db.Column(db.Integer, db.ForeignKey("briefings.id", ondelete="CASCADE"),
                            nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    stored_file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=False)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    briefing = db.relationship("Briefing", back_populates="images")
    file = db.relationship("StoredFile")
