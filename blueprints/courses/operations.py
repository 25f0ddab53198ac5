"""Course study's shared operations: a learner's progress row, completing a module (its hours
through the ledger, once) and completing the course tasks it finishes.

Every part of course study completes a module through ``complete_module``: the lecture's
watch time, the reading's minimum time, the passed quiz. Nothing else credits course hours or
completes a course task.
"""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blueprints.hours.operations import credit_hours
from models.audit import record
from models.base import utcnow
from models.course import CourseModule, ModuleProgress, task_modules
from studio.extensions import db


def progress_of(module, user):
    """The learner's progress on ``module`` (None before they start)."""
    return db.session.execute(select(ModuleProgress).where(
        ModuleProgress.module_id == module.id,
        ModuleProgress.user_id == user.id)).scalar_one_or_none()


def progress_for(module, user, studio):
    """The learner's progress on ``module``, created on first use (a race between two tabs
    creates one row: the unique constraint decides inside a savepoint)."""
    progress = progress_of(module, user)
    if progress is not None:
        return progress
    progress = ModuleProgress(module_id=module.id, user_id=user.id, studio_id=studio.id,
                              covered=[], started_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(progress)
    except IntegrityError:
        progress = progress_of(module, user)
    return progress


def complete_module(progress, studio):
    """Mark ``progress`` complete (once) and credit the module's hours to the learner in
    ``studio`` through the ledger, the progress row as the source row; then complete the
    learner's course tasks that this finishes. Returns True when this call completed it."""
    if progress.completed_at is not None:
        return False
    module = progress.module
    progress.completed_at = utcnow()
    progress.studio_id = studio.id
    if module.hours:
        credit_hours(progress.user, module.hours, "course", progress.user, studio=studio,
                     source_row=progress, reason=f"{module.course.title} · {module.title}")
    record("module_completed", actor=progress.user, studio=studio, target=progress,
           detail=module.title)
    complete_course_assignments(progress.user, studio)
    return True


def completed_module_ids(user, module_ids):
    """The ids among ``module_ids`` that ``user`` has completed."""
    if not module_ids:
        return set()
    return set(db.session.execute(select(ModuleProgress.module_id).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(module_ids),
        ModuleProgress.completed_at.is_not(None))).scalars())


def task_module_ids(task):
    """The modules a course task asks for: the chosen ones, else all of the course's."""
    chosen = db.session.execute(select(task_modules.c.module_id).where(
        task_modules.c.task_id == task.id)).scalars().all()
    if chosen:
        return list(chosen)
    return list(db.session.execute(select(CourseModule.id).where(
        CourseModule.course_id == task.course_id)).scalars())


def complete_course_assignments(user, studio):
    """Complete ``user``'s open course tasks in ``studio`` whose modules are all completed.
    A course task credits no hours of its own: its modules did."""
    from models.task import Assignment, Task
    open_assignments = db.session.execute(
        select(Assignment).join(Task, Task.id == Assignment.task_id).where(
            Task.studio_id == studio.id, Task.course_id.is_not(None),
            Assignment.user_id == user.id, Assignment.state != "completed")).scalars().all()
    done = []
    for assignment in open_assignments:
        wanted = task_module_ids(assignment.task)
        if wanted and set(wanted) <= completed_module_ids(user, wanted):
            assignment.state, assignment.completed_at = "completed", utcnow()
            record("assignment_completed", actor=user, studio=studio, target=assignment)
            done.append(assignment)
    return done
