"""Studying a module: the lecture page (player, progress, hours, the note for those who only
view), the lecture's video with Range, readings (PDF or Markdown) with their minimum time."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from blueprints.courses.operations import progress_of
from models import HourEntry
from studio.extensions import db
from tests.conftest import login, login_en, page_text
from tests.course_factories import (add_lecture, add_quiz, add_reading, assign_course,
                                    lecture_bytes, make_course)


@pytest.fixture
def course(cast):
    course = make_course(cast.master, studio=cast.studio)
    add_lecture(course, cast.master, hours=1.5)
    add_reading(course, cast.master, hours=0.5, min_seconds=120)
    add_reading(course, cast.master, hours=0.5, pdf=True, title="规范全文")
    add_quiz(course)
    assign_course(cast.studio, cast.master, [cast.new_teacher], course)
    db.session.commit()
    return course


def url(course, module, suffix=""):
    return f"/studios/{course.studio_id}/courses/{course.id}/modules/{module.id}{suffix}"


def words(response):
    """The page's text without its tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def course_hours(user):
    return db.session.execute(select(func.sum(HourEntry.amount)).where(
        HourEntry.user_id == user.id, HourEntry.source == "course")).scalar() or 0


def test_the_learner_sees_the_player_with_progress_hours_and_the_left_time(cast, client,
                                                                             course):
    lecture = course.modules[0]
    login(client, cast.new_teacher)
    response = client.get(url(course, lecture))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-study="1"' in html and 'data-report-every="5"' in html
    assert url(course, lecture, "/watch") in html and url(course, lecture, "/watch/report") in html
    text = page_text(response)
    assert "已观看 0 %" in words(response)
    assert "再观看 0:18 即可完成" in words(response)                # 90% of 20 s
    assert "1.5 学时" in text and "学时尚未计入" in text
    assert "本模块未布置给您" not in text


@pytest.mark.parametrize("role", ["master", "backbone", "admin"])
def test_who_is_not_assigned_views_without_reporting(cast, client, course, role):
    login(client, getattr(cast, role))
    response = client.get(url(course, course.modules[0]))
    assert response.status_code == 200
    assert 'data-study="0"' in response.get_data(as_text=True)
    assert "本模块未布置给您，观看或阅读不计学时" in page_text(response)


@pytest.mark.parametrize("role,status", [("outsider", 403), ("other_office", 403),
                                         ("anonymous", 302)])
def test_strangers_do_not_see_the_module_or_its_video(cast, client, course, role, status):
    login(client, None if role == "anonymous" else getattr(cast, role))
    assert client.get(url(course, course.modules[0])).status_code == status
    assert client.get(url(course, course.modules[0], "/video")).status_code == status


def test_the_video_is_served_with_range_and_a_quiz_opens_its_own_page(cast, client, course):
    login(client, cast.backbone)
    response = client.get(url(course, course.modules[0], "/video"),
                          headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and response.data == lecture_bytes()[:100]
    quiz = course.modules[3]
    response = client.get(url(course, quiz))
    assert response.status_code == 302 and response.headers["Location"].endswith("/quiz")


def test_the_progress_shown_is_the_servers(cast, client, course):
    lecture = course.modules[0]
    login(client, cast.new_teacher)
    client.post(url(course, lecture, "/watch"), json={})
    row = progress_of(lecture, cast.new_teacher)
    db.session.refresh(row)
    row.covered, row.covered_seconds, row.position = [[0, 10]], 10, 10
    db.session.commit()
    text = words(client.get(url(course, lecture)))
    assert "已观看 49 %" in text and "再观看 0:08" in text
    assert 'data-position="10.0"' in client.get(url(course, lecture)).get_data(as_text=True)


def test_a_reading_counts_only_after_its_minimum_time(cast, client, course):
    reading = course.modules[1]
    login(client, cast.new_teacher)
    response = client.get(url(course, reading))
    assert "热爱祖国，热爱人民。" in page_text(response)
    opened = progress_of(reading, cast.new_teacher).opened_at
    assert opened is not None
    client.get(url(course, reading))                    # opening it again does not restart it
    db.session.expire_all()
    assert progress_of(reading, cast.new_teacher).opened_at == opened

    early = client.post(url(course, reading, "/finish"))
    assert early.status_code == 409
    assert "请继续阅读：还需 2 分钟才能完成" in page_text(early)
    assert course_hours(cast.new_teacher) == 0

    row = progress_of(reading, cast.new_teacher)
    row.opened_at -= timedelta(seconds=120)
    db.session.commit()
    done = client.post(url(course, reading, "/finish"))
    assert done.status_code == 302
    page = page_text(client.get(done.headers["Location"]))
    assert "阅读已完成，获得 0.5 学时" in page and "学时已计入" in page
    assert "我已读完" not in page
    assert course_hours(cast.new_teacher) == 0.5
    again = client.post(url(course, reading, "/finish"))
    assert again.status_code == 409 and course_hours(cast.new_teacher) == 0.5


def test_a_reading_must_be_opened_before_it_is_finished(cast, client, course):
    login_en(client, cast.new_teacher)
    response = client.post(url(course, course.modules[1], "/finish"))
    assert response.status_code == 409
    assert "Please open the reading first." in page_text(response)


@pytest.mark.parametrize("role", ["master", "backbone", "admin"])
def test_only_the_assigned_learner_finishes_a_reading(cast, client, course, role):
    reading = course.modules[1]
    login(client, getattr(cast, role))
    page = client.get(url(course, reading))
    assert page.status_code == 200 and "我已读完" not in page_text(page)
    assert progress_of(reading, getattr(cast, role)) is None
    assert client.post(url(course, reading, "/finish")).status_code == 403


def test_a_pdf_reading_is_shown_in_a_frame_of_the_page(cast, client, course):
    reading = course.modules[2]
    login(client, cast.new_teacher)
    html = client.get(url(course, reading)).get_data(as_text=True)
    assert f'<iframe class="reading-document" src="{url(course, reading, "/document")}"' in html
    document = client.get(url(course, reading, "/document"))
    assert document.status_code == 200 and document.data.startswith(b"%PDF")
    assert document.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in document.headers["Content-Security-Policy"]
    # a lecture has no document, a Markdown reading neither
    assert client.get(url(course, course.modules[1], "/document")).status_code == 404
