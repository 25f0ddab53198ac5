"""Socket.IO events of the live discussion.

Every handler answers through its acknowledgement: ``{"ok": True, ...}`` or
``{"ok": False, "error": <translated message>, "code": ...}``; a refused event never
disturbs the room for anyone else. Rooms: ``studio:<id>``, ``activity:<id>`` (an online activity), and each
user's own ``user:<id>`` for notifications.
"""
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, disconnect, emit, join_room, leave_room

from blueprints.activities import presence as activity_presence
from blueprints.chat import operations
from models import User
from studio.errors import RuleError
from studio.extensions import db, socketio
from studio.inputs import UNSTORABLE_MESSAGE, parse_count, parse_id, unstorable
from blueprints.notifications.operations import link_for
from studio.realtime import presence, user_room

_limiter = {}


def _rate_ok(user_id, name="chat", setting="CHAT_RATE_LIMIT"):
    """Events of one kind per user (messages, typing, joins), each with its own limit from
    the config, shared by all processes through Redis when configured."""
    from limits import parse
    from limits.storage import storage_from_string
    from limits.strategies import MovingWindowRateLimiter

    app = current_app._get_current_object()
    if app not in _limiter:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        _limiter[app] = (MovingWindowRateLimiter(storage), {})
    limiter, limits = _limiter[app]
    if setting not in limits:
        limits[setting] = parse(app.config[setting])
    try:
        return limiter.hit(limits[setting], name, str(user_id))
    except Exception:  # Redis unreachable: let the event through rather than lose it
        app.logger.warning("chat rate limit storage unavailable", exc_info=True)
        return True


# Fields that must be text when present; any other type is refused, never stored as a repr.
STRING_FIELDS = ("room", "client_id", "body", "title")


def _fail(message, code="invalid"):
    return {"ok": False, "error": str(message), "code": code}


def handler(fn):
    """Check the session on every event (a logged-out cookie ends the socket), turn refusals
    into an error acknowledgement, and never let one bad event break the room."""
    @wraps(fn)
    def wrapper(data=None, *args):
        g.pop("_login_user", None)  # load the user from the session token on every event
        if not current_user.is_authenticated or not current_user.active:
            emit("session_ended", {"reason": "logout"})
            disconnect()
            return _fail(_("Please log in again."), "unauthenticated")
        if not isinstance(data, dict) or any(
                not isinstance(data[key], str) for key in STRING_FIELDS if key in data):
            return _fail(_("The request is not valid."))
        if unstorable(data):
            return _fail(UNSTORABLE_MESSAGE)
        try:
            return fn(data)
        except RuleError as error:
            db.session.rollback()
            return _fail(error.message, error.field or "refused")
        except Exception:
            db.session.rollback()
            current_app.logger.exception("socket event %s failed", fn.__name__)
            return _fail(_("Something went wrong on our side. Nothing was lost; please try again."),
                         "error")
    return wrapper


def _room(data):
    """The room named in the event, if the user may be in it (the same can_view as pages:
    the studio's for its room, the activity's for an activity's room)."""
    studio, activity = operations.parse_room(data.get("room"))
    if not studio.can_view(current_user):
        raise RuleError(_("You are not a member of this studio."), "forbidden")
    if activity is not None and not activity.can_view(current_user):
        raise RuleError(_("You are not invited to this activity."), "forbidden")
    return studio, activity, operations.room_name(studio, activity)


def _members(room):
    return presence().members(room)


@socketio.on("connect")
def on_connect(auth=None):
    """Sent by a browser page on load. Refused (connect_error) unless logged in. The user
    joins their own room ``user:<id>`` for live notifications."""
    g.pop("_login_user", None)
    if not current_user.is_authenticated or not current_user.active:
        return False
    try:
        presence().connect(request.sid, current_user.id)
    except Exception:  # Redis unreachable: refuse, so the client shows "reconnecting" and retries
        current_app.logger.warning("presence unavailable; connection refused", exc_info=True)
        raise ConnectionRefusedError("unavailable")
    join_room(user_room(current_user.id))
    return True


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """The others in each room the user was in receive ``presence`` with who is left."""
    try:   # an online activity's attendance: saved first, whatever the room presence does
        activity_presence.left(request.sid)
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("online attendance not evaluated at disconnect")
    try:
        rooms = presence().forget(request.sid)
        for room in rooms:
            emit("presence", {"room": room, "members": _members(room)}, to=room)
    except Exception:
        current_app.logger.warning("presence unavailable at disconnect", exc_info=True)


@socketio.on("join")
@handler
def on_join(data):
    """Sent by a member entering a room, with ``after_seq`` when reconnecting. Answers with
    the room's recent history (or everything after ``after_seq``); the room receives
    ``presence``. Joins beyond ``CHAT_JOIN_RATE_LIMIT`` are refused (``rate_limited``)."""
    if not _rate_ok(current_user.id, "join", "CHAT_JOIN_RATE_LIMIT"):
        return _fail(_("You are joining too often. Please wait a moment."), "rate_limited")
    studio, activity, room = _room(data)
    if activity is not None:   # measured for online attendance; saved before any broadcast
        activity_presence.joined(activity, current_user, request.sid)
        db.session.commit()
    join_room(room)
    try:
        presence().join(room, request.sid, current_user.id, current_user.name)
        members = _members(room)
    except Exception:  # presence is a nicety; the history must still arrive
        current_app.logger.warning("presence unavailable at join", exc_info=True)
        members = []
    after = parse_count(data.get("after_seq"))
    if after is not None:
        rows = operations.messages_after(room, after, limit=501)
        more = len(rows) > 500
        rows = rows[:500]
    else:
        rows, more = operations.messages_before(room), False
    emit("presence", {"room": room, "members": members}, to=room)
    return {"ok": True, "room": room, "messages": [m.as_event() for m in rows], "more": more,
            "moderator": studio.can_moderate(current_user)}


@socketio.on("leave")
@handler
def on_leave(data):
    """Sent when a member leaves a room page; the room receives ``presence``."""
    _studio, activity, room = _room(data)
    leave_room(room)
    if activity is not None:
        activity_presence.left(request.sid, activity)
        db.session.commit()
    presence().leave(room, request.sid)
    emit("presence", {"room": room, "members": _members(room)}, to=room)
    return {"ok": True}


@socketio.on("send")
@handler
def on_send(data):
    """Sent by a member with ``client_id`` and ``body``. Saved first, then the room receives
    ``message`` (after the commit). A retry with the same ``client_id`` is stored once and
    answered with the same sequence number."""
    studio, _activity, room = _room(data)
    existing = data.get("client_id")
    if not _rate_ok(current_user.id):
        return _fail(_("You are sending too fast. Please wait a moment."), "rate_limited")
    message, _created = operations.post_message(studio, room, current_user, existing,
                                                data.get("body"))
    db.session.commit()
    return {"ok": True, "seq": message.seq, "id": message.id}


@socketio.on("sync")
@handler
def on_sync(data):
    """Sent after a reconnect with the last ``after_seq`` seen: answers with every message
    after it, in order (up to 500; ``more`` says to ask again)."""
    _studio, _activity, room = _room(data)
    after = parse_count(data.get("after_seq"))
    if after is None:
        return _fail(_("The request is not valid."))
    rows = operations.messages_after(room, after, limit=501)
    return {"ok": True, "messages": [m.as_event() for m in rows[:500]], "more": len(rows) > 500}


@socketio.on("history")
@handler
def on_history(data):
    """Sent to page back: answers with up to 50 messages before ``before_seq``."""
    _studio, _activity, room = _room(data)
    before = parse_id(data.get("before_seq"))
    if before is None:
        return _fail(_("The request is not valid."))
    rows = operations.messages_before(room, before)
    return {"ok": True, "messages": [m.as_event() for m in rows], "more": bool(rows) and rows[0].seq > 1}


@socketio.on("typing")
@handler
def on_typing(data):
    """Sent while a member types; the others in the room receive ``typing`` (not saved).
    Typings beyond ``CHAT_TYPING_RATE_LIMIT`` are dropped without a word."""
    studio, _activity, room = _room(data)
    if not studio.can_take_part(current_user):
        raise RuleError(_("The project office reads the live discussion but does not post in it."))
    if not _rate_ok(current_user.id, "typing", "CHAT_TYPING_RATE_LIMIT"):
        return {"ok": True}
    emit("typing", {"room": room, "user": {"id": current_user.id, "name": current_user.name}},
         to=room, include_self=False)
    return {"ok": True}


@socketio.on("delete")
@handler
def on_delete(data):
    """Sent by a moderator (master, backbone) with ``message_id``; the room receives
    ``deleted``."""
    studio, _activity, room = _room(data)
    operations.delete_message(studio, room, current_user, data.get("message_id"))
    db.session.commit()
    return {"ok": True}


@socketio.on("mute")
@handler
def on_mute(data):
    """Sent by a moderator with ``user_id``: the member cannot send in this room for a few
    hours; the room receives ``muted``."""
    studio, _activity, room = _room(data)
    user_id = parse_id(data.get("user_id"))
    member = db.session.get(User, user_id) if user_id is not None else None
    operations.mute_member(studio, room, current_user, member)
    db.session.commit()
    return {"ok": True}


@socketio.on("save_thread")
@handler
def on_save_thread(data):
    """Sent by a moderator with ``from_seq``, ``to_seq`` and ``title``: the stretch becomes a
    reflection thread; answers with its address."""
    studio, _activity, room = _room(data)
    thread = operations.save_as_thread(studio, room, current_user, data.get("from_seq"),
                                       data.get("to_seq"), (data.get("title") or "")[:200])
    db.session.commit()
    return {"ok": True, "url": link_for(thread)}
