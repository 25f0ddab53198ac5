"""我的待办: what is waiting for the current user on the studio home, and for whoever runs
the studio (or mentors a group) the studio's figures.

Read-only and built on the rule homes (``Assignment.is_todo_for``, ``LessonCase.can_edit`` /
``submit_action``, ``LessonCase.review_queue``, ``Thread.visible_to``, ``Studio.hours_target``,
``hours.operations.totals_by_member``). A fixed number of SQL statements whatever the size of
the studio: lists are loaded with one statement each, long ones with a count and a short head.
"""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from blueprints.hours.operations import totals_by_member
from models.case import REVIEWABLE, LessonCase
from models.notification import Notification
from models.studio import Roster
from models.task import Assignment, Task
from models.thread import Post, Thread, ThreadRead
from studio.dates import studio_time, studio_today
from studio.extensions import db

HEAD = 5             # how many unread threads, mentions and people behind are named
WAITING_DAYS = 7     # a case waiting longer than this for its review is late (DOMAIN.md)


def _studio_date(moment, studio):
    """The studio's calendar day of a stored (naive UTC) moment."""
    return studio_time(moment, studio).date()


def _days_since(moment, today, studio):
    return (today - _studio_date(moment, studio)).days if moment is not None else None


class Todo:
    """The blocks of 我的待办 for ``user`` in ``studio``."""

    def __init__(self, studio, user):
        self.today = today = studio_today(studio)
        role = user.role_in(studio)
        self.tasks = [(a, (a.task.due_on - today).days, a.display_state(today) == "overdue")
                      for a in self._my_assignments(studio, user) if a.is_todo_for(user)]
        mine = db.session.execute(select(LessonCase).where(
            LessonCase.studio_id == studio.id, LessonCase.author_id == user.id)
            .order_by(LessonCase.updated_at.desc(), LessonCase.id.desc())).scalars().all()
        self.to_revise = [c for c in mine if c.can_edit(user)]
        queue = db.session.execute(LessonCase.review_queue(user, studio)).scalars().all()
        self.to_review = [(c, _days_since(c.submitted_at, today, studio)) for c in queue]
        totals = totals_by_member(studio)
        self.target = studio.hours_target(role)
        self.hours = round(totals.get(user.id, 0.0), 1)
        self._observations_and_plan(studio, user, role)
        self._projects(studio, user)
        from blueprints.assessment.operations import waiting_for
        self.self_evaluations, self.proposals, self.grades = waiting_for(studio, user)
        self._unread_threads(studio, user)
        self._mentions(studio, user)
        self.runs = studio.is_run_by(user)
        self.mentors = role == "backbone"
        self.late_cases, self.late_count, self.behind, self.behind_count = [], 0, [], 0
        if self.runs or self.mentors:
            self._figures(studio, user, totals)

    @staticmethod
    def _my_assignments(studio, user):
        return db.session.execute(
            select(Assignment).join(Task, Assignment.task_id == Task.id)
            .where(Task.studio_id == studio.id, Assignment.user_id == user.id)
            .order_by(Task.due_on, Task.id)).scalars().all()

    def _observations_and_plan(self, studio, user, role):
        """听课 n / target this term, and the growth plan: missing, or not revised this school
        year (two or three statements)."""
        from blueprints.observations.operations import counts_this_term
        from blueprints.plans.operations import plan_status
        self.observation_target = studio.observation_target(role)
        self.observed = counts_this_term(studio, [user.id]).get(user.id, 0)
        self.member = role is not None
        self.plan = plan_status(studio, [user.id]).get(user.id)  # (plan, versions, revised)

    def _projects(self, studio, user):
        """Research-project reports waiting for me: to decide (the master, a report handed
        in), or to revise (the team of a project whose report was returned). One statement
        with the projects' members (``ResearchProject.can_review`` / ``can_submit`` decide)."""
        from sqlalchemy.orm import selectinload

        from models.project import ResearchProject
        waiting = db.session.execute(
            ResearchProject.visible_to(studio, user)
            .where(ResearchProject.state.in_(("submitted", "returned")))
            .options(selectinload(ResearchProject.memberships))
            .order_by(ResearchProject.id)).scalars().all()
        self.projects = [(p, "review") for p in waiting if p.can_review(user)] + [
            (p, "revise") for p in waiting if p.state == "returned" and p.can_submit(user)]

    def _unread_threads(self, studio, user):
        """Threads the user may see with a post after their read marker (the thread list's
        own test: the newest post beyond ``ThreadRead.last_read_post_id``)."""
        newest = (select(Post.thread_id, func.max(Post.id).label("newest"))
                  .group_by(Post.thread_id).subquery())
        unread = (Thread.visible_to(studio, user)
                  .join(newest, newest.c.thread_id == Thread.id)
                  .outerjoin(ThreadRead, (ThreadRead.thread_id == Thread.id)
                             & (ThreadRead.user_id == user.id))
                  .where(newest.c.newest > func.coalesce(ThreadRead.last_read_post_id, 0)))
        self.unread_count = db.session.execute(
            select(func.count()).select_from(unread.subquery())).scalar_one()
        self.unread_threads = db.session.execute(
            unread.order_by(Thread.last_post_at.desc(), Thread.id.desc()).limit(HEAD)
        ).scalars().all() if self.unread_count else []

    def _mentions(self, studio, user):
        mentions = select(Notification).where(
            Notification.user_id == user.id, Notification.studio_id == studio.id,
            Notification.kind == "mentioned", Notification.read_at.is_(None))
        self.mention_count = db.session.execute(
            select(func.count()).select_from(mentions.subquery())).scalar_one()
        self.mentions = db.session.execute(
            mentions.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(HEAD)
        ).scalars().all() if self.mention_count else []

    def _figures(self, studio, user, totals):
        """The studio's figures for whoever runs it; a backbone's for their mentees only:
        cases waiting for review over ``WAITING_DAYS`` days, members below their hours."""
        cutoff = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=WAITING_DAYS)
        late = (LessonCase.visible_to(studio, user)
                .where(LessonCase.state.in_(REVIEWABLE), LessonCase.submitted_at < cutoff))
        if not self.runs:
            late = late.where(LessonCase.author_id.in_(studio.current_mentee_ids(user)))
        self.late_count = db.session.execute(
            select(func.count()).select_from(late.subquery())).scalar_one()
        self.late_cases = [(c, _days_since(c.submitted_at, self.today, studio)) for c in
                           db.session.execute(late.order_by(LessonCase.submitted_at, LessonCase.id)
                                              .limit(10)).scalars()] if self.late_count else []
        roster = Roster(studio)
        if self.runs:
            members = roster.backbones + roster.new_teachers
        else:
            members = next((m for mentor, m in roster.groups if mentor.id == user.id), [])
        behind = []
        for member in members:
            target = studio.hours_target(roster.role_of[member.id])
            total = totals.get(member.id, 0.0)
            if target is not None and total < target:
                behind.append((member, round(total, 1), target))
        self.behind_count, self.behind = len(behind), behind[:HEAD]
