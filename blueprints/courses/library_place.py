"""Where a course is authored and read: a studio (its own courses, under /studios/<id>) or the
office pages (office courses, under /admin). The views and templates are shared; ``Place``
builds the URLs of the right blueprint."""
from flask import url_for
from sqlalchemy import func, select

from models.course import CourseModule, ModuleProgress
from studio.extensions import db


class Place:
    def __init__(self, studio=None):
        self.studio = studio

    @classmethod
    def of(cls, course):
        """Where ``course`` is edited: its studio, or the office pages."""
        return cls(course.studio)

    @property
    def is_office(self):
        return self.studio is None

    def url(self, endpoint, **values):
        if self.studio is not None:
            return url_for(f"courses.{endpoint}", studio_id=self.studio.id, **values)
        return url_for(f"courses_office.{endpoint}", **values)


def module_stats(course_ids):
    """{course id: (module count, hours)} in one statement."""
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(CourseModule.course_id, func.count(CourseModule.id),
               func.coalesce(func.sum(CourseModule.hours), 0))
        .where(CourseModule.course_id.in_(course_ids))
        .group_by(CourseModule.course_id)).all()
    return {course_id: (count, round(float(hours or 0), 1)) for course_id, count, hours in rows}


def completed_counts(user, course_ids):
    """{course id: modules ``user`` completed} in one statement."""
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(CourseModule.course_id, func.count(ModuleProgress.id))
        .join(ModuleProgress, ModuleProgress.module_id == CourseModule.id)
        .where(ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_not(None),
               CourseModule.course_id.in_(course_ids))
        .group_by(CourseModule.course_id)).all()
    return dict(rows)


def module_states(user, modules):
    """{module id: (state, percent)}: "todo", "doing" (with a lecture's watched share) or
    "done", from one statement."""
    ids = [m.id for m in modules]
    rows = db.session.execute(select(ModuleProgress).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(ids))).scalars().all() \
        if ids else []
    found = {p.module_id: p for p in rows}
    states = {}
    for module in modules:
        progress = found.get(module.id)
        if progress is None:
            states[module.id] = ("todo", None)
        elif progress.completed_at is not None:
            states[module.id] = ("done", 100)
        elif module.kind == "lecture" and module.duration_seconds:
            share = min(99, int(100 * (progress.covered_seconds or 0) / module.duration_seconds))
            states[module.id] = ("doing", share)
        else:
            states[module.id] = ("doing", None)
    return states


def mmss(seconds):
    """A duration as m:ss (h:mm:ss from an hour)."""
    if seconds is None:
        return ""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
