"""Live discussion (在线研讨): rooms, messages with a per-room sequence number. Rooms are
``studio:<id>`` and each online activity's ``activity:<id>`` (models/activity.py)."""
from models.base import utcnow
from studio.dates import hhmm
from studio.extensions import db


class RoomCounter(db.Model):
    """The last sequence number given out in a room. Incrementing it row-locks, so two
    processes never hand out the same number."""
    __tablename__ = "room_counters"

    room = db.Column(db.String(64), primary_key=True)
    last_seq = db.Column(db.Integer, nullable=False, default=0)


class ChatMessage(db.Model):
    __tablename__ = "chat_messages"
    __table_args__ = (
        db.UniqueConstraint("room", "seq", name="uq_chat_room_seq"),
        db.UniqueConstraint("room", "author_id", "client_id", name="uq_chat_client_id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    room = db.Column(db.String(64), nullable=False)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    seq = db.Column(db.Integer, nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    client_id = db.Column(db.String(64), nullable=False)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    deleted_at = db.Column(db.DateTime, nullable=True)
    deleted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)

    author = db.relationship("User", foreign_keys=[author_id], lazy="joined")

    def as_event(self):
        return {"id": self.id, "room": self.room, "seq": self.seq, "client_id": self.client_id,
                "author": {"id": self.author_id, "name": self.author.name},
                "body": "" if self.deleted_at else self.body,
                "deleted": self.deleted_at is not None,
                "at": self.created_at.isoformat() + "Z", "time": hhmm(self.created_at)}


class ChatMute(db.Model):
    """A moderator silenced a member in a room until ``until``."""
    __tablename__ = "chat_mutes"

    id = db.Column(db.Integer, primary_key=True)
    room = db.Column(db.String(64), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    muted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    until = db.Column(db.DateTime, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
