"""Live-discussion operations. Save first, then broadcast: a message is committed with the
room's next sequence number, and the broadcast is queued to go out after the commit."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from blueprints.threads.operations import start_thread
from models import Studio
from models.audit import record
from models.base import utcnow
from models.activity import Activity
from models.chat import ChatMessage, ChatMute, RoomCounter
from studio.dates import hhmm
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_count, parse_id
from studio.realtime import emit_after_commit

MAX_MESSAGE = 2000
PAGE = 50
MUTE_FOR = timedelta(hours=3)


def parse_room(room):
    """'studio:<id>' or 'activity:<id>' -> (studio, activity or None). Unknown rooms raise;
    so does the room of an activity held on site (it has none)."""
    kind, _, ident = str(room or "").partition(":")
    ident = parse_id(ident)
    if ident is None or kind not in ("studio", "activity"):
        raise RuleError(_l("Unknown room."))
    if kind == "studio":
        studio = db.session.get(Studio, ident)
        if studio is None:
            raise RuleError(_l("Unknown room."))
        return studio, None
    activity = db.session.get(Activity, ident)
    if activity is None or activity.mode != "online":
        raise RuleError(_l("Unknown room."))
    return activity.studio, activity


def room_name(studio, activity=None):
    return activity.room if activity is not None else f"studio:{studio.id}"


def _next_seq(room):
    """Take the room's next sequence number; the row lock orders concurrent senders."""
    result = db.session.execute(update(RoomCounter).where(RoomCounter.room == room)
                                .values(last_seq=RoomCounter.last_seq + 1)
                                .returning(RoomCounter.last_seq)).scalar()
    if result is None:
        try:
            with db.session.begin_nested():
                db.session.add(RoomCounter(room=room, last_seq=1))
            return 1
        except IntegrityError:  # created by someone else meanwhile
            return _next_seq(room)
    return result


def is_muted(room, user):
    return db.session.execute(select(ChatMute.id).where(
        ChatMute.room == room, ChatMute.user_id == user.id, ChatMute.until > utcnow())).first() is not None


def post_message(studio, room, author, client_id, body):
    """Store a message once per client id; returns (message, created)."""
    if not studio.can_take_part(author):
        raise RuleError(_l("The project office reads the live discussion but does not post in it."))
    client_id = str(client_id or "").strip()[:64]
    if not client_id:
        raise RuleError(_l("The message has no id; please reload the page."))
    existing = db.session.execute(select(ChatMessage).where(
        ChatMessage.room == room, ChatMessage.author_id == author.id,
        ChatMessage.client_id == client_id)).scalar_one_or_none()
    if existing is not None:
        return existing, False
    body = str(body or "").strip()
    if not body:
        raise RuleError(_l("The message is empty."))
    if len(body) > MAX_MESSAGE:
        raise RuleError(_l("A message has at most %(n)s characters.", n=MAX_MESSAGE))
    if is_muted(room, author):
        raise RuleError(_l("A moderator has muted you in this room for now."))
    try:
        with db.session.begin_nested():  # the same client id sent twice at the same moment
            message = ChatMessage(room=room, studio_id=studio.id, seq=_next_seq(room),
                                  author_id=author.id, author=author, client_id=client_id,
                                  body=body)
            db.session.add(message)
    except IntegrityError:
        existing = db.session.execute(select(ChatMessage).where(
            ChatMessage.room == room, ChatMessage.author_id == author.id,
            ChatMessage.client_id == client_id)).scalar_one()
        return existing, False
    emit_after_commit("message", message.as_event(), to=room)
    return message, True


def messages_after(room, after_seq, limit=500):
    return db.session.execute(select(ChatMessage).where(
        ChatMessage.room == room, ChatMessage.seq > after_seq)
        .order_by(ChatMessage.seq).limit(limit)).scalars().all()


def messages_before(room, before_seq=None, limit=PAGE):
    stmt = select(ChatMessage).where(ChatMessage.room == room)
    if before_seq:
        stmt = stmt.where(ChatMessage.seq < before_seq)
    rows = db.session.execute(stmt.order_by(ChatMessage.seq.desc()).limit(limit)).scalars().all()
    return list(reversed(rows))


def delete_message(studio, room, moderator, message_id):
    if not studio.can_moderate(moderator):
        raise RuleError(_l("Only the master and backbone teachers moderate the room."))
    message_id = parse_id(message_id)
    message = db.session.get(ChatMessage, message_id) if message_id is not None else None
    if message is None or message.room != room:
        raise RuleError(_l("No such message in this room."))
    if message.deleted_at is None:
        message.deleted_at, message.deleted_by_id = utcnow(), moderator.id
        record("chat_message_deleted", actor=moderator, studio=studio, target=message)
    emit_after_commit("deleted", {"room": room, "id": message.id, "seq": message.seq}, to=room)
    return message


def mute_member(studio, room, moderator, member):
    if not studio.can_moderate(moderator):
        raise RuleError(_l("Only the master and backbone teachers moderate the room."))
    if member is None or member.role_in(studio) is None:
        raise RuleError(_l("This person is not a member of the studio."))
    if studio.can_moderate(member) and member.role_in(studio) == "master":
        raise RuleError(_l("The master teacher cannot be muted."))
    db.session.add(ChatMute(room=room, user_id=member.id, muted_by_id=moderator.id,
                            until=utcnow() + MUTE_FOR))
    record("chat_member_muted", actor=moderator, studio=studio, target=member, detail=room)
    emit_after_commit("muted", {"room": room, "user": {"id": member.id, "name": member.name}},
                      to=room)


def save_as_thread(studio, room, moderator, from_seq, to_seq, title):
    """A moderator turns a stretch of the live discussion into a reflection thread."""
    if not studio.can_moderate(moderator):
        raise RuleError(_l("Only the master and backbone teachers moderate the room."))
    from_seq, to_seq = parse_count(from_seq), parse_count(to_seq)
    if from_seq is None or to_seq is None:
        raise RuleError(_l("Please choose the first and last message."))
    if from_seq > to_seq or to_seq - from_seq > 1000:
        raise RuleError(_l("Please choose at most 1000 messages, first before last."))
    rows = db.session.execute(select(ChatMessage).where(
        ChatMessage.room == room, ChatMessage.seq >= from_seq, ChatMessage.seq <= to_seq,
        ChatMessage.deleted_at.is_(None)).order_by(ChatMessage.seq)).scalars().all()
    if not rows:
        raise RuleError(_l("There are no messages in this stretch."))
    lines = [f"> **{m.author.name}**（{hhmm(m.created_at, studio)}）：{m.body}" for m in rows]
    body = "\n>\n".join(lines)
    thread = start_thread(studio, moderator, title or str(_l("From the live discussion")), body)
    return thread
