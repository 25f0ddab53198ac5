"""The figures of course study (issue 11, part D): for each course assignment, the modules
its task asks, how many the assignee completed, the hours they earned, when they last
studied and whether they are behind. Read-only; every function here issues a fixed number
of statements whatever the number of members, tasks, courses or studios.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from models.course import CourseModule, ModuleProgress, task_modules
from models.hours import HourEntry
from models.task import Assignment, Task
from studio.extensions import db

SOON_DAYS = 7        # due within this many days with under half done: behind
HALF = 0.5


@dataclass
class Row:
    """One member's progress on one course task."""
    user_id: int
    task_id: int
    course_id: int
    due_on: date
    state: str
    done: int = 0
    total: int = 0
    hours: float = 0.0
    last_studied: datetime = None
    behind: bool = False

    @property
    def share(self):
        return self.done / self.total if self.total else 0.0


def is_behind(state, done, total, due_on, today):
    """Not complete and past due, or due within 7 days with under half of its modules done."""
    if state == "completed":
        return False
    if due_on < today:
        return True
    return (due_on - today).days <= SOON_DAYS and (not total or done / total < HALF)


def module_map(task_ids_stmt):
    """({task id: [module ids]}, {module id: hours}) of the course tasks selected by
    ``task_ids_stmt`` (a select of (task id, course id)): the chosen modules, else all of the
    course's. Two statements."""
    tasks = task_ids_stmt.subquery()
    chosen = {}
    for task_id, module_id in db.session.execute(
            select(task_modules.c.task_id, task_modules.c.module_id)
            .where(task_modules.c.task_id.in_(select(tasks.c.id)))):
        chosen.setdefault(task_id, []).append(module_id)
    by_course, hours = {}, {}
    for module_id, course_id, module_hours, task_id in db.session.execute(
            select(CourseModule.id, CourseModule.course_id, CourseModule.hours, tasks.c.id)
            .join(tasks, tasks.c.course_id == CourseModule.course_id)):
        by_course.setdefault(task_id, []).append(module_id)
        hours[module_id] = float(module_hours or 0)
    return {t: chosen.get(t) or ids for t, ids in by_course.items()}, hours


def completed(user_ids_stmt, module_ids):
    """{(user id, module id): (completed_at, updated_at)} of the progress rows of the users
    selected by ``user_ids_stmt`` on ``module_ids``. One statement."""
    if not module_ids:
        return {}
    return {(u, m): (done_at, seen_at) for u, m, done_at, seen_at in db.session.execute(
        select(ModuleProgress.user_id, ModuleProgress.module_id, ModuleProgress.completed_at,
               ModuleProgress.updated_at)
        .where(ModuleProgress.user_id.in_(user_ids_stmt),
               ModuleProgress.module_id.in_(sorted(module_ids))))}


def build_rows(assignments, modules_of, module_hours, progress, today_of):
    """Rows from ``assignments`` (tuples user id, task id, course id, due on, state, studio
    id); ``today_of(studio id)`` is that studio's today."""
    rows = []
    for user_id, task_id, course_id, due_on, state, studio_id in assignments:
        wanted = modules_of.get(task_id, [])
        row = Row(user_id, task_id, course_id, due_on, state, total=len(wanted))
        for module_id in wanted:
            done_at, seen_at = progress.get((user_id, module_id), (None, None))
            if done_at is not None:
                row.done += 1
                row.hours += module_hours.get(module_id, 0.0)
            if seen_at is not None and (row.last_studied is None or seen_at > row.last_studied):
                row.last_studied = seen_at
        row.hours = round(row.hours, 1)
        row.behind = is_behind(state, row.done, row.total, due_on, today_of(studio_id))
        rows.append(row)
    return rows


def course_assignments(where, *columns):
    """A select of the course assignments (user id, task id, course id, due on, state, studio
    id) matching ``where``."""
    return (select(Assignment.user_id, Task.id, Task.course_id, Task.due_on, Assignment.state,
                   Task.studio_id, *columns)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.course_id.is_not(None), Task.deliverable == "course", *where))


def studio_rows(studio, user_ids_stmt, today, task_id=None):
    """The rows of ``studio``'s course tasks for the users selected by ``user_ids_stmt``
    (four statements)."""
    where = [Task.studio_id == studio.id, Assignment.user_id.in_(user_ids_stmt)]
    if task_id is not None:
        where.append(Task.id == task_id)
    assignments = db.session.execute(course_assignments(where)).all()
    modules_of, module_hours = module_map(
        select(Task.id, Task.course_id).where(Task.studio_id == studio.id,
                                              Task.course_id.is_not(None)))
    wanted = {m for t in {a[1] for a in assignments} for m in modules_of.get(t, [])}
    progress = completed(user_ids_stmt, wanted)
    return build_rows(assignments, modules_of, module_hours, progress, lambda _s: today)


def course_hours_by_user(studio, user_ids_stmt):
    """{user id: course hours in the ledger of ``studio``} (one statement)."""
    return {u: round(float(h), 1) for u, h in db.session.execute(
        select(HourEntry.user_id, func.sum(HourEntry.amount))
        .where(HourEntry.studio_id == studio.id, HourEntry.source == "course",
               HourEntry.user_id.in_(user_ids_stmt))
        .group_by(HourEntry.user_id))}


def sort_rows(rows, names):
    """Who is behind first, then the nearest due date, then the member's name."""
    return sorted(rows, key=lambda r: (not r.behind, r.due_on, names.get(r.user_id, ""),
                                       r.task_id))
