"""Scheduled reminders: ``flask --app wsgi send-reminders``, run hourly by the deployment
(docs/DEPLOYMENT.md); tests call ``send_reminders(now)`` directly.

Three kinds, each sent once per person and round (``models.notification.ReminderSent``):

- ``task_due_soon``: an assignment still to hand in (assigned or returned) whose task is
  open and due within two days, counted in the studio's day (Asia/Shanghai);
- ``task_overdue``: the same, once its due date has passed;
- ``review_waiting``: a case handed in (submitted, resubmitted or in review) that has waited
  5 days for its reviewer's decision (the review target is 7 days). The reviewer is
  ``case.reviewer``; a master's practice case without one goes to every active admin but
  its author (as ``LessonCase.is_reviewer`` says).

Nobody who left the studio (inactive membership), whose account is deactivated or whose
studio is closed is reminded. The queries are batched: their number does not grow with the number of
assignments or cases.
"""
from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import contains_eager

from blueprints.notifications.operations import notify_each
from models.base import utcnow
from models.case import LessonCase
from models.notification import ReminderSent
from models.studio import Membership, Studio
from models.task import Assignment, Task
from models.user import User
from studio.dates import studio_time
from studio.extensions import db

DUE_SOON_DAYS = 2
REVIEW_WAIT = timedelta(days=5)
OPEN_STATES = ("assigned", "returned")           # assignments still to hand in
WAITING_STATES = ("submitted", "resubmitted", "in_review")   # cases waiting for a decision
_CHUNK = 500  # keys per INSERT (SQLite allows 32,766 parameters per statement)


def studio_today(now):
    """The date on the studios' clock (``studio.dates``, STUDIO_TIMEZONE) at ``now`` (naive
    UTC, as stored)."""
    return studio_time(now).date()


def send_reminders(now=None):
    """Send every reminder that is due at ``now`` (naive UTC; default: the current time) and
    not sent before. The caller commits (the notifications and the claimed keys go in one
    transaction; the bell updates after the commit). Returns {kind: number sent}."""
    now = now or utcnow()
    today = studio_today(now)
    sent = {"task_due_soon": 0, "task_overdue": 0, "review_waiting": 0}

    candidates = []   # (kind, subject id, round, user, target)
    for assignment in _open_assignments(today):
        task = assignment.task
        kind = "task_overdue" if task.due_on < today else "task_due_soon"
        candidates.append((kind, assignment.id, task.due_on.isoformat(), assignment.user, task))
    admins = None
    for case in _waiting_cases(now - REVIEW_WAIT):
        if case.reviewer_id is not None:
            reviewers = [case.reviewer]
        else:
            if admins is None:
                admins = User.active_offices()
            reviewers = [a for a in admins if a.id != case.author_id and a.oversees(case.studio)]
        for reviewer in reviewers:
            candidates.append(("review_waiting", case.id, case.submitted_at.isoformat(),
                               reviewer, case))

    claimed = _claim([(kind, subject_id, user.id, round_)
                      for kind, subject_id, round_, user, _ in candidates])
    due = [(user, kind, target) for kind, subject_id, round_, user, target in candidates
           if (kind, subject_id, user.id, round_) in claimed]
    notify_each(due)
    for _, kind, _ in due:
        sent[kind] += 1
    return sent


def _active_member(studio_id_column, user_id_column):
    """An active account with an active membership in that studio, which is not closed (a
    closed studio's work is over: nobody is reminded of it)."""
    return (select(Membership.id).join(User, User.id == Membership.user_id)
            .join(Studio, Studio.id == Membership.studio_id)
            .where(Membership.studio_id == studio_id_column,
                   Membership.user_id == user_id_column, Membership.active.is_(True),
                   User.active.is_(True), Studio.status != "closed").exists())


def _open_assignments(today):
    """Assignments still to hand in, of tasks already open, due within two days or overdue;
    their task and assignee loaded in the same query."""
    return db.session.execute(
        select(Assignment).join(Assignment.task)
        .options(contains_eager(Assignment.task))
        .where(Assignment.state.in_(OPEN_STATES), Task.opens_on <= today,
               Task.due_on <= today + timedelta(days=DUE_SOON_DAYS),
               _active_member(Task.studio_id, Assignment.user_id))
        .order_by(Assignment.id)).unique().scalars().all()


def _waiting_cases(handed_in_before):
    """Cases waiting for a decision since before ``handed_in_before``, whose reviewer (when
    named) is still an active member of the studio."""
    return db.session.execute(
        select(LessonCase).join(Studio, Studio.id == LessonCase.studio_id)
        .where(Studio.status != "closed", LessonCase.state.in_(WAITING_STATES), LessonCase.submitted_at.is_not(None),
               LessonCase.submitted_at <= handed_in_before,
               or_(LessonCase.reviewer_id.is_(None),
                   and_(LessonCase.reviewer_id.is_not(None),
                        _active_member(LessonCase.studio_id, LessonCase.reviewer_id))))
        .order_by(LessonCase.id)).unique().scalars().all()


def _claim(keys):
    """Record the keys (kind, subject id, user id, round) not recorded yet and return the ones
    this call recorded. ``ON CONFLICT DO NOTHING`` makes the unique constraint the judge: a
    rerun finds them taken, and a second run at the same time waits for the first's commit
    on PostgreSQL (SQLite allows one writer at a time) and then skips them."""
    if not keys:
        return set()
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[
        db.session.get_bind().dialect.name]
    columns = (ReminderSent.kind, ReminderSent.subject_id, ReminderSent.user_id,
               ReminderSent.round)
    sent_at = utcnow()
    claimed = set()
    unique_keys = list(dict.fromkeys(keys))
    for start in range(0, len(unique_keys), _CHUNK):
        rows = [dict(kind=k, subject_id=s, user_id=u, round=r, sent_at=sent_at)
                for k, s, u, r in unique_keys[start:start + _CHUNK]]
        stmt = (insert(ReminderSent).values(rows)
                .on_conflict_do_nothing(index_elements=["kind", "subject_id", "user_id", "round"])
                .returning(*columns))
        claimed.update(tuple(row) for row in db.session.execute(stmt))
    return claimed
