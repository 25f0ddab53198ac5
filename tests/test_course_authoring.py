"""Authoring courses (issue 11, part A): the course and module forms in a studio and in the
office pages, publishing and its refusals, moving and removing modules, hostile input."""
import io

import pytest

from blueprints.courses.operations import progress_for
from models.audit import AuditLog
from models.course import Course, CourseModule
from studio.extensions import db
from tests.conftest import login, login_en, page_text
from tests.course_factories import (LECTURE_SECONDS, add_lecture, add_quiz, add_reading,
                                    assign_course, lecture_bytes, make_course)
from tests.factories import PDF, docx_bytes


def studio_url(cast, rest=""):
    return f"/studios/{cast.studio.id}/courses{rest}"


def test_the_master_creates_a_course_adds_modules_and_publishes(client, cast):
    login_en(client, cast.master)
    made = client.post(studio_url(cast, "/new"), data={
        "title": "班主任工作艺术", "category": "班级管理", "summary": "**班级**管理"})
    course = db.session.execute(db.select(Course)).scalar_one()
    assert made.status_code == 302 and course.state == "draft" and course.studio_id == cast.studio.id
    assert "<strong>班级</strong>" in course.summary_html
    refused = client.post(studio_url(cast, f"/{course.id}/publish"), follow_redirects=True)
    assert "Add at least one module" in page_text(refused) and course.state == "draft"
    lecture = client.post(studio_url(cast, f"/{course.id}/modules/new"), data={
        "kind": "lecture", "title": "开场", "hours": "1.5",
        "video": (io.BytesIO(lecture_bytes()), "开场.webm")}, content_type="multipart/form-data")
    assert lecture.status_code == 302
    module = course.modules[0]
    assert module.video_id and abs(module.duration_seconds - LECTURE_SECONDS) < 0.5
    reading = client.post(studio_url(cast, f"/{course.id}/modules/new"), data={
        "kind": "reading", "title": "阅读", "hours": "0.5", "minutes": "3",
        "document": (io.BytesIO(PDF), "阅读.pdf")}, content_type="multipart/form-data")
    assert reading.status_code == 302
    quiz = client.post(studio_url(cast, f"/{course.id}/modules/new"), data={
        "kind": "quiz", "title": "测验", "hours": "0.5", "draw_count": "2", "pass_mark": "80",
        "max_attempts": "3"})
    assert quiz.status_code == 302
    db.session.expire_all()
    assert [m.kind for m in course.modules] == ["lecture", "reading", "quiz"]
    assert course.modules[1].min_seconds == 180 and course.modules[1].document_id
    refused = client.post(studio_url(cast, f"/{course.id}/publish"), follow_redirects=True)
    assert "The quiz “测验” has no questions yet." in page_text(refused)
    add_quiz_questions(course.modules[2], 1)
    refused = client.post(studio_url(cast, f"/{course.id}/publish"), follow_redirects=True)
    assert "draws 2 questions but its bank holds 1" in page_text(refused)
    add_quiz_questions(course.modules[2], 2)
    client.post(studio_url(cast, f"/{course.id}/publish"))
    db.session.expire_all()
    assert course.state == "published"
    page = page_text(client.get(studio_url(cast, f"/{course.id}")))
    assert "0:20" in page and "2 questions in the bank" not in page and "3 questions" in page
    actions = {a.action for a in db.session.execute(db.select(AuditLog)).scalars()}
    assert {"course_created", "module_added", "course_published"} <= actions


def add_quiz_questions(module, count):
    from models.course import QuizQuestion
    for i in range(count):
        db.session.add(QuizQuestion(module_id=module.id, position=i, kind="single", prompt="题",
                                    options=["对", "错"], answer=[0]))
    db.session.commit()


def test_without_ffprobe_the_typed_duration_is_used_or_the_form_asks_for_it(client, cast,
                                                                         monkeypatch):
    import shutil
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "ffprobe" else real(name))
    course = make_course(cast.master, studio=cast.studio, state="draft")
    db.session.commit()
    login_en(client, cast.master)
    url = studio_url(cast, f"/{course.id}/modules/new")
    missing = client.post(url, data={"kind": "lecture", "title": "讲座", "hours": "1",
                                     "video": (io.BytesIO(lecture_bytes()), "a.webm")},
                          content_type="multipart/form-data")
    assert missing.status_code == 400
    assert "could not be measured" in page_text(missing) and not course.modules
    for bad in ("nan", "inf", "1e999", "-5", "90000"):
        refused = client.post(url, data={"kind": "lecture", "title": "讲座", "hours": "1",
                                         "duration": bad,
                                         "video": (io.BytesIO(lecture_bytes()), "a.webm")},
                              content_type="multipart/form-data")
        assert refused.status_code == 400, bad
    typed = client.post(url, data={"kind": "lecture", "title": "讲座", "hours": "1",
                                   "duration": "20.5",
                                   "video": (io.BytesIO(lecture_bytes()), "a.webm")},
                        content_type="multipart/form-data")
    assert typed.status_code == 302
    db.session.expire_all()
    assert course.modules[0].duration_seconds == 20.5


@pytest.mark.parametrize("hours", ["nan", "NaN", "inf", "-inf", "1e999", "0", "0.4", "20.1",
                                   "abc", "9" * 40])
def test_hostile_hours_are_refused_with_the_forms_message(client, cast, hours):
    course = make_course(cast.master, studio=cast.studio, state="draft")
    db.session.commit()
    login_en(client, cast.master)
    response = client.post(studio_url(cast, f"/{course.id}/modules/new"), data={
        "kind": "quiz", "title": "测验", "hours": hours, "draw_count": "0", "pass_mark": "80",
        "max_attempts": "3"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Please enter hours from 0.5 to 20." in text or "is not a number" in text.lower() \
        or "number" in text.lower()
    assert db.session.execute(db.select(CourseModule)).first() is None


@pytest.mark.parametrize("field,value", [("draw_count", "1e999"), ("pass_mark", "nan"),
                                         ("pass_mark", "0"), ("max_attempts", "21"),
                                         ("max_attempts", "²")])
def test_hostile_quiz_settings_are_refused(client, cast, field, value):
    course = make_course(cast.master, studio=cast.studio, state="draft")
    db.session.commit()
    login_en(client, cast.master)
    data = {"kind": "quiz", "title": "测验", "hours": "1", "draw_count": "0", "pass_mark": "80",
            "max_attempts": "3", field: value}
    response = client.post(studio_url(cast, f"/{course.id}/modules/new"), data=data)
    assert response.status_code == 400 and "Please enter" in page_text(response)


def test_a_nul_byte_in_a_title_is_refused(client, cast):
    login_en(client, cast.master)
    response = client.post(studio_url(cast, "/new"), data={"title": "课\x00程", "summary": ""})
    assert response.status_code == 400
    assert db.session.execute(db.select(Course)).first() is None


def test_a_non_video_lecture_and_a_docx_reading_are_refused_and_not_kept(client, cast, app):
    import os
    course = make_course(cast.master, studio=cast.studio, state="draft")
    db.session.commit()
    login_en(client, cast.master)
    url = studio_url(cast, f"/{course.id}/modules/new")
    video = client.post(url, data={"kind": "lecture", "title": "讲座", "hours": "1",
                                   "video": (io.BytesIO(PDF), "lecture.mp4")},
                        content_type="multipart/form-data")
    assert video.status_code == 400 and "is not a video" in page_text(video)
    reading = client.post(url, data={"kind": "reading", "title": "阅读", "hours": "1",
                                     "minutes": "2", "document": (io.BytesIO(docx_bytes()),
                                                                  "读本.docx")},
                          content_type="multipart/form-data")
    assert reading.status_code == 400 and "is not a PDF" in page_text(reading)
    empty = client.post(url, data={"kind": "reading", "title": "阅读", "hours": "1",
                                   "minutes": "2"})
    assert empty.status_code == 400 and "upload a PDF or write the text" in page_text(empty)
    assert db.session.execute(db.select(CourseModule)).first() is None
    kept = [f for _d, _s, files in os.walk(app.config["UPLOAD_DIR"]) for f in files
            if not f.startswith("incoming-")]
    assert kept == []


def test_modules_move_and_a_studied_or_chosen_module_stays(client, cast):
    course = make_course(cast.master, studio=cast.studio)
    lecture = add_lecture(course, cast.master, title="讲座")
    reading = add_reading(course, cast.master, title="阅读")
    quiz = add_quiz(course, title="测验")
    db.session.commit()
    login_en(client, cast.master)
    client.post(studio_url(cast, f"/{course.id}/modules/{quiz.id}/move"), data={"direction": "up"})
    db.session.expire_all()
    assert [m.title for m in course.modules] == ["讲座", "测验", "阅读"]
    progress_for(lecture, cast.new_teacher, cast.studio)
    assign_course(cast.studio, cast.master, [cast.backbone], course, modules=[reading])
    db.session.commit()
    refused = client.post(studio_url(cast, f"/{course.id}/modules/{lecture.id}/remove"),
                          follow_redirects=True)
    assert "learners have already studied it" in page_text(refused)
    refused = client.post(studio_url(cast, f"/{course.id}/modules/{reading.id}/remove"),
                          follow_redirects=True)
    assert "a task asks members to study it" in page_text(refused)
    client.post(studio_url(cast, f"/{course.id}/modules/{quiz.id}/remove"))
    db.session.expire_all()
    assert [m.title for m in course.modules] == ["讲座", "阅读"]


def test_editing_a_module_keeps_its_video_and_changes_its_fields(client, cast):
    course = make_course(cast.master, studio=cast.studio)
    lecture = add_lecture(course, cast.master)
    video_id = lecture.video_id
    db.session.commit()
    login_en(client, cast.master)
    form = client.get(studio_url(cast, f"/{course.id}/modules/{lecture.id}/edit"))
    assert form.status_code == 200 and "师德规范解读" in page_text(form)
    saved = client.post(studio_url(cast, f"/{course.id}/modules/{lecture.id}/edit"),
                        data={"title": "新标题", "hours": "2"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert (lecture.title, lecture.hours, lecture.video_id) == ("新标题", 2, video_id)


def test_an_office_creates_a_course_of_its_region(client, cast):
    login_en(client, cast.office)
    client.post("/admin/courses/new", data={"title": "郑州市班级管理", "category": "班级管理"})
    course = db.session.execute(db.select(Course)).scalar_one()
    assert course.studio_id is None and course.region_id == cast.city.id
    add_reading(course, cast.office)
    db.session.commit()
    client.post(f"/admin/courses/{course.id}/publish")
    db.session.expire_all()
    assert course.state == "published"
    assert course.offered_to(cast.studio) and not course.offered_to(cast.other_studio)
    login_en(client, cast.other_office)
    assert client.get(f"/admin/courses/{course.id}/edit").status_code == 403
    assert client.get(f"/admin/courses/{course.id}").status_code == 403
    login(client, cast.master)   # a studio edits no office course
    assert client.get(f"/admin/courses/{course.id}/edit").status_code == 403
    assert client.get(studio_url(cast, f"/{course.id}/edit")).status_code == 404


def test_archiving_takes_the_course_out_of_the_learners_library(client, cast):
    course = make_course(cast.master, studio=cast.studio, title="将归档的课程")
    add_reading(course, cast.master)
    db.session.commit()
    login(client, cast.master)
    client.post(studio_url(cast, f"/{course.id}/archive"))
    login(client, cast.new_teacher)
    assert "将归档的课程" not in page_text(client.get(studio_url(cast)))
    assert client.get(studio_url(cast, f"/{course.id}")).status_code == 403
