"""Notifications: created by other features' operations, in the same transaction."""
from flask import current_app

from models.notification import Notification
from studio.extensions import db
from studio.realtime import emit_after_commit, user_room


# What a notification can be about: model name -> (endpoint of its page, its id parameter).
LINK_ENDPOINTS = {"LessonCase": ("cases.show", "case_id"), "Task": ("tasks.show", "task_id"),
                  "Thread": ("threads.show", "thread_id"),
                  "GrowthPlan": ("plans.show", "plan_id"),
                  "ResearchProject": ("projects.show", "project_id"),
                  "Activity": ("activities.show", "activity_id"),
                  "Certification": ("certification.show", "certification_id"),
                  "AnnualAssessment": ("assessment.show", "assessment_id"),
                  "Briefing": ("briefings.show", "briefing_id"),
                  "ShowcaseEntry": ("showcase.show", "entry_id")}


def link_for(target, anchor=None):
    """The one place a notification's link is built: the path of the case, task or thread
    page (``anchor``: a post or comment on it). Works outside a request (scheduled jobs)."""
    endpoint, key = LINK_ENDPOINTS[type(target).__name__]
    path = current_app.url_map.bind("").build(endpoint, {"studio_id": target.studio_id,
                                                        key: target.id})
    return path + (f"#{anchor}" if anchor else "")


def _row(user, kind, target, actor=None, anchor=None):
    return dict(user_id=user.id, kind=kind, subject=target.title[:255],
                link=link_for(target, anchor), actor_name=getattr(actor, "name", ""),
                studio_id=target.studio_id)


def _save(rows):
    """Store the rows in one INSERT (the caller commits); the bell updates live once they
    are saved."""
    if rows:
        db.session.execute(db.insert(Notification), rows)
    for row in rows:
        emit_after_commit("notification", {"kind": row["kind"], "subject": row["subject"],
                                           "link": row["link"]}, to=user_room(row["user_id"]))


def notify(users, kind, target, actor=None, anchor=None):
    """Add one notification per user about ``target`` (a case, task or thread): its title,
    its studio and a link to its page. The actor is never notified of their own action."""
    _save([_row(user, kind, target, actor, anchor) for user in users
           if actor is None or user.id != actor.id])


def notify_each(items):
    """``notify`` for many at once (scheduled reminders): ``items`` are (user, kind, target)
    triples, stored in the same one INSERT."""
    _save([_row(user, kind, target) for user, kind, target in items])


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
