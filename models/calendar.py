"""The calendar feed (日历订阅): one secret address per member and studio.

The token itself is shown once and never stored: the row keeps its SHA-256 (the token has
256 bits of randomness, so a fast hash is enough). Regenerating replaces the hash, so the old
address stops working; stopping the subscription deletes the row.
"""
import hashlib
import secrets

from sqlalchemy import select

from models.base import utcnow
from studio.extensions import db


def token_hash(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class CalendarFeed(db.Model):
    __tablename__ = "calendar_feeds"
    __table_args__ = (db.UniqueConstraint("user_id", "studio_id", name="uq_calendar_feed_member"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User", lazy="joined")
    studio = db.relationship("Studio", lazy="joined")

    @classmethod
    def of(cls, studio, user):
        return db.session.execute(select(cls).where(
            cls.studio_id == studio.id, cls.user_id == user.id)).scalar_one_or_none()

    @classmethod
    def for_token(cls, token):
        """The feed a token opens, or None: unknown or revoked tokens, and members who left
        the studio or whose account is off, open nothing."""
        if not token or len(token) > 100:
            return None
        feed = db.session.execute(select(cls).where(
            cls.token_hash == token_hash(token))).scalar_one_or_none()
        if feed is None or not feed.user.is_active or not feed.studio.can_view(feed.user):
            return None
        return feed

    def renew(self):
        """A new secret (the old address stops working); returns the token to show once."""
        token = secrets.token_urlsafe(32)
        self.token_hash = token_hash(token)
        self.created_at = utcnow()
        return token
