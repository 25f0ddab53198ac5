"""Realtime plumbing: emit after the database commit, never before; who is connected.

``emit_after_commit`` queues an event on the SQLAlchemy session; it is sent when the
session commits and dropped if it rolls back, so nobody is told about something that was
not saved. With ``REDIS_URL`` set, Flask-SocketIO sends through Redis, so an emit from any
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
    db.session.info.setdefault(_PENDING, []).append((event_name, data, to))


def _send_pending(session):
    pending = session.info.pop(_PENDING, [])
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
    event.listen(db.session, "after_rollback", _drop_pending)
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
    db.session.info.setdefault(_AFTER, []).append((fn, args))


def _run_after(session):
    for fn, args in session.info.pop(_AFTER, []):
        try:
            fn(*args)
        except Exception:
            current_app.logger.exception("after-commit action failed: %s", fn)
