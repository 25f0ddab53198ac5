"""Builders for courses, modules, quiz banks and course tasks used by the course tests."""
import os
from datetime import date, timedelta

from models import Assignment, Task
from models.course import Course, CourseAdoption, CourseModule, QuizQuestion
from models.base import utcnow
from studio.extensions import db
from tests.factories import PDF, stored_file

LECTURE_VIDEO = os.path.join(os.path.dirname(__file__), os.pardir, "studio", "demo_assets",
                             "lecture-demo.webm")
LECTURE_SECONDS = 20.008   # ffprobe's duration of lecture-demo.webm


def lecture_bytes():
    with open(LECTURE_VIDEO, "rb") as handle:
        return handle.read()


def make_course(author, studio=None, region=None, title="新教师师德修养", state="published",
                category="师德"):
    """A course of ``studio`` (the master's own) or, with ``studio=None``, an office course of
    ``region`` (None: the platform office's)."""
    course = Course(studio_id=getattr(studio, "id", None), region_id=getattr(region, "id", None),
                    created_by_id=author.id, title=title, category=category, state=state,
                    summary="课程简介", summary_html="<p>课程简介</p>",
                    published_at=utcnow() if state == "published" else None)
    db.session.add(course)
    db.session.flush()
    return course


def add_lecture(course, author, hours=1, duration=LECTURE_SECONDS, title="师德规范解读",
                real_video=True):
    video = (stored_file(author, data=lecture_bytes(), name="师德规范解读.webm") if real_video
             else stored_file(author))
    db.session.flush()
    module = CourseModule(course=course, kind="lecture", title=title, hours=hours,
                          video_id=video.id, duration_seconds=duration,
                          position=len(course.modules))
    db.session.add(module)
    db.session.flush()
    return module


def add_reading(course, author, hours=0.5, min_seconds=60, title="《中小学教师职业道德规范》",
                pdf=False):
    document = stored_file(author, data=PDF, mimetype="application/pdf",
                           name="规范.pdf") if pdf else None
    db.session.flush()
    module = CourseModule(course=course, kind="reading", title=title, hours=hours,
                          document_id=getattr(document, "id", None), min_seconds=min_seconds,
                          body="" if pdf else "## 爱国守法\n\n热爱祖国，热爱人民。",
                          body_html="" if pdf else "<h2>爱国守法</h2><p>热爱祖国，热爱人民。</p>",
                          position=len(course.modules))
    db.session.add(module)
    db.session.flush()
    return module


def add_quiz(course, hours=0.5, questions=5, draw_count=0, pass_mark=80, max_attempts=3,
             title="师德规范测验"):
    """A quiz whose question i has the correct option 0 (single) or options 0 and 1 (every
    third question, multiple)."""
    module = CourseModule(course=course, kind="quiz", title=title, hours=hours,
                          draw_count=draw_count, pass_mark=pass_mark, max_attempts=max_attempts,
                          position=len(course.modules))
    db.session.add(module)
    db.session.flush()
    for i in range(questions):
        multiple = i % 3 == 2
        db.session.add(QuizQuestion(
            module_id=module.id, position=i, kind="multiple" if multiple else "single",
            prompt=f"第{i + 1}题：教师应当如何对待学生？",
            options=["关爱学生", "尊重学生人格", "体罚学生", "歧视学生"],
            answer=[0, 1] if multiple else [0], explanation="关爱学生是教师的天职。"))
    db.session.flush()
    return module


def adopt(studio, course, by):
    db.session.add(CourseAdoption(studio_id=studio.id, course_id=course.id,
                                  adopted_by_id=by.id))
    db.session.flush()


def assign_course(studio, setter, assignees, course, modules=(), due_in=14,
                  title="学习《新教师师德修养》"):
    """A course task: study ``course`` (only ``modules`` when given) by the due date."""
    task = Task(studio=studio, created_by_id=setter.id, title=title, description="按时完成课程学习。",
                focus="other", deliverable="course", hours=0, audience="members",
                course_id=course.id, opens_on=date.today() - timedelta(days=1),
                due_on=date.today() + timedelta(days=due_in))
    task.modules = list(modules)
    db.session.add(task)
    db.session.flush()
    for user in assignees:
        db.session.add(Assignment(task_id=task.id, user_id=user.id))
    db.session.flush()
    return task
