"""Online attendance by presence: the server measures each invited member's time in an
online activity's live room from socket joins, leaves and disconnects.

Each socket's stay is a ``PresenceInterval``; a member's time present is the union of their
intervals (several tabs do not count twice) clipped to the activity's start..end (time
before or after does not count). When it reaches ``Activity.presence_share`` percent of the
duration, attendance is recorded once (method ``presence``) through ``operations._attend``,
which credits the hours once through ``credit_hours`` (the partial unique index on current
attendances makes a repeated or concurrent evaluation a no-op).

Evaluated when a member leaves the room or disconnects, when the host counts attendance
from the activity page, and by ``flask count-presence`` for the activities that ended.
A member whose attendance the host removed is not credited again by presence.
"""
from datetime import timedelta

from sqlalchemy import select

from blueprints.activities import operations
from models.activity import Activity, ActivityParticipant, Attendance, PresenceInterval
from models.base import utcnow
from studio.errors import RuleError
from studio.extensions import db

# ``flask count-presence`` looks back this far for online activities that ended
LOOK_BACK = timedelta(days=7)


def clock():
    """The time now (tests replace it to control the clock)."""
    return utcnow()


def joined(activity, user, sid, now=None):
    """A socket of ``user`` entered the activity's room: open an interval (once per socket).
    Only online activities and invited members are measured."""
    if activity.mode != "online" or activity.participant(user) is None:
        return None
    open_ = db.session.execute(select(PresenceInterval).where(
        PresenceInterval.activity_id == activity.id, PresenceInterval.sid == sid,
        PresenceInterval.left_at.is_(None))).scalar_one_or_none()
    if open_ is not None:
        return open_
    interval = PresenceInterval(activity_id=activity.id, user_id=user.id, sid=str(sid)[:64],
                                joined_at=now or clock())
    db.session.add(interval)
    return interval


def left(sid, activity=None, now=None):
    """A socket left the room of ``activity`` (or, at a disconnect, every room): close its open
    intervals and evaluate those members. Returns the attendances recorded."""
    now = now or clock()
    stmt = select(PresenceInterval).where(PresenceInterval.sid == str(sid)[:64],
                                          PresenceInterval.left_at.is_(None))
    if activity is not None:
        stmt = stmt.where(PresenceInterval.activity_id == activity.id)
    intervals = db.session.execute(stmt).scalars().all()
    for interval in intervals:
        interval.left_at = max(now, interval.joined_at)
    db.session.flush()
    recorded = []
    for activity_id, user_id in {(i.activity_id, i.user_id) for i in intervals}:
        attendance = evaluate(db.session.get(Activity, activity_id), user_id, now)
        if attendance is not None:
            recorded.append(attendance)
    return recorded


def seconds_present(activity, user_id, now=None, intervals=None):
    """The union of the member's intervals inside start..end, in seconds; an interval still
    open counts until ``now``."""
    now = now or clock()
    if intervals is None:
        intervals = db.session.execute(select(PresenceInterval).where(
            PresenceInterval.activity_id == activity.id,
            PresenceInterval.user_id == user_id)).scalars().all()
    spans = sorted((max(i.joined_at, activity.starts_at),
                    min(i.left_at or now, now, activity.ends_at)) for i in intervals)
    total, current_start, current_end = 0.0, None, None
    for start, end in spans:
        if end <= start:
            continue
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return total


def minutes_present(activity, now=None):
    """{user_id: whole minutes present} for everyone measured in the activity (the host's
    attendance table)."""
    now = now or clock()
    by_user = {}
    for interval in db.session.execute(select(PresenceInterval).where(
            PresenceInterval.activity_id == activity.id)).scalars():
        by_user.setdefault(interval.user_id, []).append(interval)
    return {user_id: int(seconds_present(activity, user_id, now, rows) // 60)
            for user_id, rows in by_user.items()}


def required_seconds(activity):
    return (activity.ends_at - activity.starts_at).total_seconds() * activity.presence_share / 100


def evaluate(activity, user_id, now=None):
    """Record the member's attendance (method ``presence``) if their time present reaches the
    share; once: nothing if they have an attendance, or had one the host removed."""
    if activity is None or activity.mode != "online":
        return None
    participant = next((p for p in activity.participants if p.user_id == user_id), None)
    if participant is None:
        return None
    had = db.session.execute(select(Attendance.id).where(
        Attendance.activity_id == activity.id, Attendance.user_id == user_id)).first()
    if had is not None:
        return None
    now = now or clock()
    if seconds_present(activity, user_id, now) < required_seconds(activity):
        return None
    try:
        return operations._attend(activity, participant.user, "presence", actor=participant.user,
                                  now=min(now, activity.ends_at))
    except RuleError:     # another process recorded it a moment ago
        return None


def evaluate_activity(activity, now=None):
    """Evaluate every invited member (the host's button, the command)."""
    now = now or clock()
    return [a for a in (evaluate(activity, p.user_id, now) for p in list(activity.participants))
            if a is not None]


def evaluate_ended(now=None):
    """``flask count-presence``: the online activities that ended in the last week."""
    now = now or clock()
    activities = db.session.execute(select(Activity).where(
        Activity.mode == "online", Activity.ends_at <= now,
        Activity.ends_at > now - LOOK_BACK).order_by(Activity.id)).scalars().all()
    recorded = []
    for activity in activities:
        recorded += evaluate_activity(activity, now)
    return recorded
