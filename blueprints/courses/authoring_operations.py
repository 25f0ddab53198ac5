"""Authoring courses (part A): create and change a course and its modules, publish, archive;
a studio adopts an office course. Every change writes an audit row; the caller commits."""
import math
import os
import shutil
import subprocess

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from models.audit import record
from models.base import utcnow
from models.course import (Course, CourseAdoption, CourseModule, ModuleProgress, QuizAttempt,
                           task_modules)
from studio.errors import RuleError
from studio.extensions import db
from studio.markup import render_markdown

MAX_DURATION = 24 * 3600
FFPROBE_TIMEOUT = 30


# --- courses --------------------------------------------------------------------------------
def create_course(user, fields, studio=None):
    """A draft course of ``studio`` (the master's own), or with no studio an office course of
    the office's region (the platform office's: no region)."""
    course = Course(studio_id=getattr(studio, "id", None),
                    region_id=None if studio is not None else user.region_id,
                    created_by_id=user.id, state="draft")
    _apply_course(course, fields)
    db.session.add(course)
    db.session.flush()
    record("course_created", actor=user, studio=studio, target=course, detail=course.title)
    return course


def update_course(course, user, fields):
    _apply_course(course, fields)
    record("course_updated", actor=user, studio=course.studio, target=course, detail=course.title)


def _apply_course(course, fields):
    course.title, course.category = fields["title"], fields["category"]
    course.summary = fields["summary"]
    course.summary_html = render_markdown(fields["summary"])


def publish_course(course, user):
    """Publish a draft (or an archived course again) once every module can be studied."""
    if course.state == "published":
        raise RuleError(_("The course is already published."))
    problem = publish_problem(course)
    if problem:
        raise RuleError(problem)
    course.state, course.published_at = "published", utcnow()
    record("course_published", actor=user, studio=course.studio, target=course,
           detail=course.title)


def publish_problem(course):
    """Why the course cannot be published yet (None: it can)."""
    if not course.modules:
        return _("Add at least one module before publishing the course.")
    for module in course.modules:
        if module.kind == "lecture" and (module.video_id is None or not module.duration_seconds):
            return _("The lecture “%(t)s” has no video or no duration yet.", t=module.title)
        if module.kind == "reading" and module.document_id is None and not module.body.strip():
            return _("The reading “%(t)s” has neither a PDF nor a text.", t=module.title)
        if module.kind == "quiz":
            count = len(module.questions)
            if count == 0:
                return _("The quiz “%(t)s” has no questions yet.", t=module.title)
            if count < module.draw_count:
                return _("The quiz “%(t)s” draws %(d)s questions but its bank holds %(n)s.",
                         t=module.title, d=module.draw_count, n=count)
    return None


def archive_course(course, user):
    if course.state == "archived":
        raise RuleError(_("The course is already archived."))
    course.state = "archived"
    record("course_archived", actor=user, studio=course.studio, target=course,
           detail=course.title)


# --- modules --------------------------------------------------------------------------------
def add_module(course, user, kind, fields, video=None, document=None, duration=None):
    last = db.session.execute(select(func.max(CourseModule.position)).where(
        CourseModule.course_id == course.id)).scalar()
    module = CourseModule(course=course, kind=kind, position=(last or 0) + 1, title="", hours=0)
    _apply_module(module, fields, video, document, duration)
    db.session.add(module)
    db.session.flush()
    record("module_added", actor=user, studio=course.studio, target=module, detail=module.title)
    return module


def update_module(module, user, fields, video=None, document=None, duration=None):
    _apply_module(module, fields, video, document, duration)
    record("module_updated", actor=user, studio=module.course.studio, target=module,
           detail=module.title)


def _apply_module(module, fields, video, document, duration):
    for name, value in fields.items():
        setattr(module, name, value)
    if module.kind == "lecture":
        if video is not None:
            module.video = video
            measured = measure_duration(video)
            duration = measured if measured is not None else duration
        if video is not None or duration is not None:
            module.duration_seconds = checked_duration(duration)
        if module.video is None and module.video_id is None:
            raise RuleError(_("Please choose the lecture video."), field="video")
    elif module.kind == "reading":
        if document is not None:
            module.document = document
        module.body_html = render_markdown(module.body) if module.body.strip() else ""
        if module.document is None and module.document_id is None and not module.body.strip():
            raise RuleError(_("Please upload a PDF or write the text."), field="body")


def checked_duration(seconds):
    """A lecture's duration: finite, positive, at most 24 hours."""
    if seconds is None:
        raise RuleError(_("The video's duration could not be measured. Please enter it in "
                          "seconds."), field="duration")
    if isinstance(seconds, bool) or not math.isfinite(seconds) or not 0 < seconds <= MAX_DURATION:
        raise RuleError(_("Please enter a duration from 1 second to 24 hours."), field="duration")
    return round(float(seconds), 3)


def measure_duration(stored):
    """The video's duration in seconds by ffprobe, or None (no ffprobe, not readable)."""
    exe = shutil.which("ffprobe")
    if exe is None:
        return None
    path = os.path.join(current_app.config["UPLOAD_DIR"], stored.relative_path)
    try:
        result = subprocess.run(
            [exe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
            capture_output=True, text=True, timeout=FFPROBE_TIMEOUT, check=False)
        value = float(result.stdout.strip().splitlines()[0])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def move_module(module, user, step):
    """Swap the module with its neighbour above (step -1) or below (+1)."""
    modules = list(module.course.modules)
    index = modules.index(module)
    other = index + step
    if not 0 <= other < len(modules):
        return
    modules[index], modules[other] = modules[other], modules[index]
    for position, each in enumerate(modules, start=1):
        each.position = position
    record("module_moved", actor=user, studio=module.course.studio, target=module,
           detail=module.title)


def remove_module(module, user):
    """Remove a module nobody has studied yet and no task has chosen."""
    studied = db.session.execute(select(ModuleProgress.id).where(
        ModuleProgress.module_id == module.id).limit(1)).first() or db.session.execute(
        select(QuizAttempt.id).where(QuizAttempt.module_id == module.id).limit(1)).first()
    if studied:
        raise RuleError(_("“%(t)s” cannot be removed: learners have already studied it.",
                          t=module.title))
    chosen = db.session.execute(select(task_modules.c.task_id).where(
        task_modules.c.module_id == module.id).limit(1)).first()
    if chosen:
        raise RuleError(_("“%(t)s” cannot be removed: a task asks members to study it.",
                          t=module.title))
    course = module.course
    record("module_removed", actor=user, studio=course.studio, target=module,
           detail=module.title)
    course.modules.remove(module)
    db.session.flush()


# --- adoption -------------------------------------------------------------------------------
def adopt_course(studio, course, user):
    if course.is_in(studio):
        raise RuleError(_("The studio has already adopted this course."))
    db.session.add(CourseAdoption(studio_id=studio.id, course_id=course.id,
                                  adopted_by_id=user.id))
    record("course_adopted", actor=user, studio=studio, target=course, detail=course.title)


def unadopt_course(studio, course, user):
    """Take an adopted course out of the studio's study, unless a task of the studio uses it."""
    from models.task import Task
    used = db.session.execute(select(Task.title).where(
        Task.studio_id == studio.id, Task.course_id == course.id).limit(1)).scalar()
    if used is not None:
        raise RuleError(_("The course cannot be removed from the studio: the task “%(t)s” "
                          "uses it.", t=used))
    adoption = db.session.get(CourseAdoption, (studio.id, course.id))
    db.session.delete(adoption)
    record("course_unadopted", actor=user, studio=studio, target=course, detail=course.title)
