"""The office's completion of course study across the studios in its scope (issue 11,
part D): per studio and per course, in a fixed number of statements whatever the number of
studios."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from blueprints.courses.progress_data import build_rows, completed, course_assignments, module_map
from models import Studio
from models.course import Course, CourseModule, ModuleProgress
from models.hours import HourEntry
from models.task import Assignment, Task
from studio.dates import studio_today
from studio.extensions import db


@dataclass
class Figures:
    """Course assignments, how many completed, the course hours credited, members behind."""
    subject: object
    assignments: int = 0
    completed: int = 0
    hours: float = 0.0
    behind: set = field(default_factory=set)
    studios: set = field(default_factory=set)

    @property
    def share(self):
        return round(100 * self.completed / self.assignments) if self.assignments else 0


def completion_figures(office):
    """([Figures per studio], [Figures per course]) for the studios ``office`` oversees."""
    studios = db.session.execute(select(Studio).where(Studio.overseen_by(office))
                                 .order_by(Studio.name, Studio.id)).scalars().all()
    scope = select(Studio.id).where(Studio.overseen_by(office))
    where = [Task.studio_id.in_(scope)]
    assignments = db.session.execute(course_assignments(where)).all()
    modules_of, module_hours = module_map(
        select(Task.id, Task.course_id).where(Task.course_id.is_not(None), *where))
    learners = (select(Assignment.user_id).join(Task, Task.id == Assignment.task_id)
                .where(Task.course_id.is_not(None), *where))
    wanted = {m for ids in modules_of.values() for m in ids}
    todays = {s.id: studio_today(s) for s in studios}
    rows = build_rows(assignments, modules_of, module_hours, completed(learners, wanted),
                      todays.__getitem__)
    per_studio = {s.id: Figures(s) for s in studios}
    course_ids = {r.course_id for r in rows}
    per_course = {c.id: Figures(c) for c in db.session.execute(
        select(Course).where(Course.id.in_(course_ids))
        .order_by(Course.title, Course.id)).scalars()}
    for row, studio_id in zip(rows, (a[5] for a in assignments)):
        for figures in (per_studio[studio_id], per_course[row.course_id]):
            figures.assignments += 1
            figures.completed += row.state == "completed"
            if row.behind:
                figures.behind.add((studio_id, row.user_id))
            figures.studios.add(studio_id)
    for studio_id, hours in db.session.execute(
            select(HourEntry.studio_id, func.sum(HourEntry.amount))
            .where(HourEntry.source == "course", HourEntry.studio_id.in_(scope))
            .group_by(HourEntry.studio_id)):
        per_studio[studio_id].hours = round(float(hours), 1)
    for course_id, hours in db.session.execute(
            select(CourseModule.course_id, func.sum(HourEntry.amount))
            .join(ModuleProgress, ModuleProgress.id == HourEntry.source_id)
            .join(CourseModule, CourseModule.id == ModuleProgress.module_id)
            .where(HourEntry.source == "course", HourEntry.studio_id.in_(scope))
            .group_by(CourseModule.course_id)):
        if course_id in per_course:
            per_course[course_id].hours = round(float(hours), 1)
    return list(per_studio.values()), list(per_course.values())
