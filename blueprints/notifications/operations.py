"""Notifications: created by other features' operations, in the same transaction."""
from models.notification import Notification
from studio.extensions import db
from studio.realtime import emit_after_commit, user_room


def notify(users, kind, subject, link, actor=None, studio=None):
    """Add one notification per user (the caller commits). The actor is never notified of
    their own action."""
    rows = [Notification(user_id=user.id, kind=kind, subject=subject[:255], link=link,
                         actor_name=getattr(actor, "name", ""), studio_id=getattr(studio, "id", None))
            for user in users if actor is None or user.id != actor.id]
    db.session.add_all(rows)
    for row in rows:  # the bell updates live, once the notification is saved
        emit_after_commit("notification", {"kind": kind, "subject": row.subject, "link": link},
                          to=user_room(row.user_id))
    return rows


def unread_count(user):
    return db.session.execute(
        db.select(db.func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))).scalar_one()


def mark_read(user, notification=None):
    from models.base import utcnow
    stmt = db.update(Notification).where(Notification.user_id == user.id,
                                         Notification.read_at.is_(None))
    if notification is not None:
        stmt = stmt.where(Notification.id == notification.id)
    db.session.execute(stmt.values(read_at=utcnow()))
