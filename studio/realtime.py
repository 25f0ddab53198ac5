"""Realtime plumbing: emit after the database commit, never before; who is connected.

``emit_after_commit`` queues an event on the SQLAlchemy session; it is sent when the
session commits and dropped if it rolls back, so nobody is told about something that was
not saved. A rolled-back SAVEPOINT (``begin_nested``) drops only what was queued inside it;
events queued before it stay and go out with the outer commit. With ``REDIS_URL`` set, Flask-SocketIO sends through Redis, so an emit from any
process (a page worker or another Socket.IO process) reaches every connected client.

``Presence`` keeps, per room, which users are connected through which Socket.IO session ids,
and per user their session ids (to end them at logout). It lives in Redis when configured
(shared by all processes) and in memory otherwise (one process).
"""
import json
import threading
import time

from flask import current_app
from sqlalchemy import event

from studio.extensions import db, socketio

_PENDING = "realtime_pending"


def emit_after_commit(event_name, data, to):
    _queue(_PENDING, (event_name, data, to))


def _queue(key, item):
    """Queue ``item`` under ``key``, remembering the innermost SAVEPOINT it belongs to
    (None: the outer transaction)."""
    session = db.session()
    session.info.setdefault(key, []).append((session.get_nested_transaction(), item))


def _take(session, key):
    return [item for _, item in session.info.pop(key, [])]


def _inside(owner, transaction):
    while owner is not None:
        if owner is transaction:
            return True
        owner = owner.parent
    return False


def _drop_rolled_back(session, previous_transaction):
    """``after_soft_rollback``: drop what the rollback undid. The rollback reached the first
    SAVEPOINT or the outermost transaction at or above ``previous_transaction`` (a failed
    flush rolls back through its internal subtransaction): a SAVEPOINT drops what was queued
    inside it, the outermost transaction drops everything."""
    boundary = previous_transaction
    while not boundary.nested and boundary.parent is not None:
        boundary = boundary.parent
    if boundary.parent is None:
        _drop_pending(session)
        return
    for key in (_PENDING, _AFTER):
        if key in session.info:
            session.info[key] = [(owner, item) for owner, item in session.info[key]
                                 if not _inside(owner, boundary)]


def _drop_at_end(session, transaction):
    """``after_transaction_end`` of the outermost transaction: after a commit everything was
    sent by ``after_commit``; after a rollback or a close nothing queued may go out later."""
    if transaction.parent is None:
        _drop_pending(session)


def _send_pending(session):
    if session.in_nested_transaction():  # "after_commit" fires for a released SAVEPOINT too
        return
    pending = _take(session, _PENDING)
    for event_name, data, to in pending:
        try:
            socketio.emit(event_name, data, to=to)
        except Exception:  # a broken queue must not turn a saved change into an error page
            current_app.logger.exception("realtime emit failed: %s to %s", event_name, to)


def _drop_pending(session):
    session.info.pop(_PENDING, None)
    session.info.pop(_AFTER, None)


def init_app(app):
    event.listen(db.session, "after_commit", _send_pending)
    event.listen(db.session, "after_commit", _run_after)
    # Not "after_rollback": it fires for a SAVEPOINT too, which would drop everything queued
    # earlier in the outer transaction.
    event.listen(db.session, "after_soft_rollback", _drop_rolled_back)
    event.listen(db.session, "after_transaction_end", _drop_at_end)
    app.extensions["presence"] = (RedisPresence(app.config["REDIS_URL"], app.config["SOCKETIO_CHANNEL"])
                                  if app.config.get("REDIS_URL") else MemoryPresence())


def presence():
    return current_app.extensions["presence"]


def user_room(user_id):
    return f"user:{user_id}"


def end_sessions(user_id, reason):
    """Tell every open socket of a user that their session ended, then close them (on
    whichever process they are connected)."""
    socketio.emit("session_ended", {"reason": reason}, to=user_room(user_id))
    for sid in presence().sids_of(user_id):
        try:
            socketio.server.disconnect(sid, namespace="/")
        except Exception:
            current_app.logger.exception("could not disconnect %s", sid)
        presence().forget(sid)


class MemoryPresence:
    def __init__(self):
        self._lock = threading.Lock()
        self._rooms = {}   # room -> {sid: (user_id, name)}
        self._users = {}   # user_id -> {sid}

    def connect(self, sid, user_id):
        with self._lock:
            self._users.setdefault(user_id, set()).add(sid)

    def join(self, room, sid, user_id, name):
        with self._lock:
            self._rooms.setdefault(room, {})[sid] = (user_id, name)

    def leave(self, room, sid):
        with self._lock:
            self._rooms.get(room, {}).pop(sid, None)

    def forget(self, sid):
        """Drop a session everywhere; returns the rooms it was in."""
        with self._lock:
            rooms = [room for room, sids in self._rooms.items() if sids.pop(sid, None)]
            for sids in self._users.values():
                sids.discard(sid)
            return rooms

    def members(self, room):
        with self._lock:
            seen = {}
            for user_id, name in self._rooms.get(room, {}).values():
                seen[user_id] = name
            return [{"id": uid, "name": name} for uid, name in sorted(seen.items())]

    def sids_of(self, user_id):
        with self._lock:
            return list(self._users.get(user_id, ()))


class RedisPresence:
    """The same, in Redis hashes; entries expire if a process dies without cleaning up."""
    TTL = 6 * 3600

    def __init__(self, url, channel):
        import redis
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = f"{channel}:presence:"

    def _k(self, *parts):
        return self.prefix + ":".join(str(p) for p in parts)

    def connect(self, sid, user_id):
        pipe = self.redis.pipeline()
        pipe.sadd(self._k("user", user_id), sid)
        pipe.expire(self._k("user", user_id), self.TTL)
        pipe.set(self._k("sid", sid), user_id, ex=self.TTL)
        pipe.execute()

    def join(self, room, sid, user_id, name):
        pipe = self.redis.pipeline()
        pipe.hset(self._k("room", room), sid, json.dumps([user_id, name, time.time()]))
        pipe.expire(self._k("room", room), self.TTL)
        pipe.sadd(self._k("rooms", sid), room)
        pipe.expire(self._k("rooms", sid), self.TTL)
        pipe.execute()

    def leave(self, room, sid):
        pipe = self.redis.pipeline()
        pipe.hdel(self._k("room", room), sid)
        pipe.srem(self._k("rooms", sid), room)
        pipe.execute()

    def forget(self, sid):
        rooms = [r.decode() for r in self.redis.smembers(self._k("rooms", sid))]
        user_id = self.redis.get(self._k("sid", sid))
        pipe = self.redis.pipeline()
        for room in rooms:
            pipe.hdel(self._k("room", room), sid)
        pipe.delete(self._k("rooms", sid), self._k("sid", sid))
        if user_id is not None:
            pipe.srem(self._k("user", int(user_id)), sid)
        pipe.execute()
        return rooms

    def members(self, room):
        seen = {}
        for raw in self.redis.hvals(self._k("room", room)):
            user_id, name, _ = json.loads(raw)
            seen[user_id] = name
        return [{"id": uid, "name": name} for uid, name in sorted(seen.items())]

    def sids_of(self, user_id):
        return [s.decode() for s in self.redis.smembers(self._k("user", user_id))]


_AFTER = "realtime_after_commit"


def call_after_commit(fn, *args):
    """Run ``fn(*args)`` once the session commits (e.g. end a user's sockets after logout)."""
    _queue(_AFTER, (fn, args))


def _run_after(session):
    if session.in_nested_transaction():
        return
    for fn, args in _take(session, _AFTER):
        try:
            fn(*args)
        except Exception:
            current_app.logger.exception("after-commit action failed: %s", fn)
