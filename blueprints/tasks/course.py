"""What a course task's page shows (issue 11, part D): the assignee's modules with their
state, and for those who follow the task each assignee's modules done / total. Read-only,
a fixed number of statements whatever the number of assignees."""
from sqlalchemy import func, select

from blueprints.courses.operations import task_module_ids
from models.course import CourseModule, ModuleProgress
from studio.extensions import db


def my_modules(task, user):
    """[(module, state)] of the modules ``task`` asks ``user`` to study, in course order;
    state is "completed", "started" or "not_started"."""
    ids = task_module_ids(task)
    modules = db.session.execute(select(CourseModule).where(CourseModule.id.in_(ids))
                                 .order_by(CourseModule.position, CourseModule.id)
                                 ).scalars().all()
    progress = {p.module_id: p for p in db.session.execute(select(ModuleProgress).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(ids))).scalars()}
    return [(m, _state(progress.get(m.id))) for m in modules]


def _state(progress):
    if progress is None:
        return "not_started"
    return "completed" if progress.completed_at is not None else "started"


def done_counts(task, user_ids):
    """{user id: modules of ``task`` completed}, and the number of modules the task asks."""
    ids = task_module_ids(task)
    if not ids or not user_ids:
        return {}, len(ids)
    rows = db.session.execute(
        select(ModuleProgress.user_id, func.count())
        .where(ModuleProgress.module_id.in_(ids), ModuleProgress.user_id.in_(list(user_ids)),
               ModuleProgress.completed_at.is_not(None))
        .group_by(ModuleProgress.user_id))
    return dict(rows.all()), len(ids)


def course_hours(tasks):
    """{task id: study hours its modules credit} for the course tasks among ``tasks`` (a
    course task credits none of its own), in two statements whatever the number of tasks."""
    from models.course import task_modules
    course_tasks = [t for t in tasks if t.course_id is not None]
    if not course_tasks:
        return {}
    ids = [t.id for t in course_tasks]
    chosen = dict(db.session.execute(
        select(task_modules.c.task_id, func.sum(CourseModule.hours))
        .join(CourseModule, CourseModule.id == task_modules.c.module_id)
        .where(task_modules.c.task_id.in_(ids)).group_by(task_modules.c.task_id)).all())
    whole = dict(db.session.execute(
        select(CourseModule.course_id, func.sum(CourseModule.hours))
        .where(CourseModule.course_id.in_({t.course_id for t in course_tasks}))
        .group_by(CourseModule.course_id)).all())
    return {t.id: round(float(chosen.get(t.id) or whole.get(t.course_id) or 0), 1)
            for t in course_tasks}
