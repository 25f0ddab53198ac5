"""Work briefings (工作简报): numbered issues (第N期) a studio publishes for its members and
its office; a programme asks for at least ``Programme.briefings_required`` of them."""
from sqlalchemy import func, select

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

    @staticmethod
    def published_counts(studio_ids):
        """{studio id: briefings published} in one query (studios with none are absent)."""
        if not studio_ids:
            return {}
        return dict(db.session.execute(
            select(Briefing.studio_id, func.count()).where(
                Briefing.studio_id.in_(list(studio_ids)), Briefing.state == "published")
            .group_by(Briefing.studio_id)).all())
