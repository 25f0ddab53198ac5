"""The course library (issue 11, part A): the studio's list and its twin, adoption, the course
page, the office library and the media routes."""
import pytest

from models.audit import AuditLog
from models.course import Course, CourseAdoption
from studio.extensions import db
from tests.conftest import count_queries, login, login_en, page_text
from tests.course_factories import (LECTURE_SECONDS, add_lecture, add_quiz, add_reading, adopt,
                                    assign_course, lecture_bytes, make_course)
from blueprints.courses.operations import complete_module, progress_for

VIEWERS = ("admin", "office", "other_office", "master", "backbone", "new_teacher", "outsider")


def courses_of_every_kind(cast):
    """A studio course in each state, a platform course adopted (published) and one offered,
    a city course adopted, an archived adopted course, and another studio's course."""
    made = []
    for state in ("draft", "published", "archived"):
        course = make_course(cast.master, studio=cast.studio, title=f"studio-{state}", state=state)
        add_reading(course, cast.master)
        made.append(course)
    platform = make_course(cast.admin, title="platform-adopted")
    adopt(cast.studio, platform, cast.master)
    offered = make_course(cast.admin, title="platform-offered")
    city = make_course(cast.office, region=cast.city, title="city-adopted")
    adopt(cast.studio, city, cast.master)
    archived = make_course(cast.admin, title="platform-archived", state="archived")
    adopt(cast.studio, archived, cast.master)
    other = make_course(cast.other_master, studio=cast.other_studio, title="other-studio")
    made += [platform, offered, city, archived, other]
    db.session.commit()
    return made


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_library_lists_what_each_viewer_may_open(client, cast, viewer):
    made = courses_of_every_kind(cast)
    user = getattr(cast, viewer)
    visible = {c.title for c in made if c.can_view_in(cast.studio, user)}
    listed = db.session.execute(Course.available_in(cast.studio, user)).scalars().all()
    assert {c.title for c in listed} == visible
    if viewer in ("master", "admin", "office"):
        assert "studio-draft" in visible
    if viewer in ("backbone", "new_teacher"):
        assert visible == {"studio-published", "platform-adopted", "city-adopted"}
    if viewer in ("outsider", "other_office"):
        assert visible == set()
        assert client.get(f"/studios/{cast.studio.id}/courses").status_code in (302, 403)
        return
    login(client, user)
    page = page_text(client.get(f"/studios/{cast.studio.id}/courses"))
    table = page.split('data-testid="course-list"')[1].split("</table>")[0]
    assert {t for t in (c.title for c in made) if f">{t}</a>" in table} == visible


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_office_library_lists_what_each_office_may_read(client, cast, viewer):
    made = courses_of_every_kind(cast)
    county = make_course(cast.admin, region=cast.county, title="county-draft", state="draft")
    other_city = make_course(cast.other_office, region=cast.other_city, title="luoyang")
    made += [county, other_city]
    db.session.commit()
    user = getattr(cast, viewer)
    readable = {c.title for c in made if c.office_may_read(user)}
    listed = db.session.execute(Course.office_library(user)).scalars().all()
    assert {c.title for c in listed} == readable
    if viewer == "office":   # 郑州市: its city's and county's, the platform's published ones
        assert readable == {"platform-adopted", "platform-offered", "city-adopted", "county-draft"}
    if viewer == "other_office":
        assert readable == {"platform-adopted", "platform-offered", "luoyang"}


def test_the_master_adopts_an_offered_course_and_stops_using_it(client, cast):
    city = make_course(cast.office, region=cast.city, title="班级管理专题", category="班级管理")
    add_reading(city, cast.office)
    db.session.commit()
    login_en(client, cast.master)
    page = page_text(client.get(f"/studios/{cast.studio.id}/courses"))
    assert "Office courses offered to the studio" in page and "班级管理专题" in page
    done = client.post(f"/studios/{cast.studio.id}/courses/{city.id}/adopt", follow_redirects=True)
    assert "is now part of the studio's courses" in page_text(done)
    assert city.is_in(cast.studio)
    assert db.session.query(AuditLog).filter_by(action="course_adopted").count() == 1
    again = client.post(f"/studios/{cast.studio.id}/courses/{city.id}/adopt",
                        follow_redirects=True)
    assert "already adopted" in page_text(again)
    # a task uses the course: it stays
    assign_course(cast.studio, cast.master, [cast.new_teacher], city, title="学习班级管理")
    db.session.commit()
    refused = client.post(f"/studios/{cast.studio.id}/courses/{city.id}/unadopt",
                          follow_redirects=True)
    assert "the task “学习班级管理” uses it" in page_text(refused)
    assert city.is_in(cast.studio)


def test_unadopting_a_course_no_task_uses(client, cast):
    course = make_course(cast.admin, title="新教师师德修养")
    adopt(cast.studio, course, cast.master)
    db.session.commit()
    login_en(client, cast.master)
    page = page_text(client.get(f"/studios/{cast.studio.id}/courses"))
    assert 'data-testid="unadopt"' in page
    client.post(f"/studios/{cast.studio.id}/courses/{course.id}/unadopt")
    assert db.session.get(CourseAdoption, (cast.studio.id, course.id)) is None


@pytest.mark.parametrize("role", ["backbone", "new_teacher", "outsider", "other_office"])
def test_only_who_runs_the_studio_adopts(client, cast, role):
    city = make_course(cast.office, region=cast.city, title="班级管理专题")
    db.session.commit()
    login(client, getattr(cast, role))
    assert client.post(f"/studios/{cast.studio.id}/courses/{city.id}/adopt").status_code == 403
    assert not city.is_in(cast.studio)


def test_another_citys_course_is_not_offered(client, cast):
    luoyang = make_course(cast.other_office, region=cast.other_city, title="洛阳课程")
    db.session.commit()
    login(client, cast.master)
    assert "洛阳课程" not in page_text(client.get(f"/studios/{cast.studio.id}/courses"))
    assert client.post(f"/studios/{cast.studio.id}/courses/{luoyang.id}/adopt").status_code == 403


def test_the_learner_sees_sizes_progress_and_a_category_filter(client, cast):
    course = make_course(cast.master, studio=cast.studio, title="师德课程")
    lecture = add_lecture(course, cast.master, hours=1)
    reading = add_reading(course, cast.master, hours=0.5)
    other = make_course(cast.master, studio=cast.studio, title="信息技术课程", category="信息技术")
    add_quiz(other)
    assign_course(cast.studio, cast.master, [cast.new_teacher], course, modules=[reading])
    complete_module(progress_for(reading, cast.new_teacher, cast.studio), cast.studio)
    progress_for(lecture, cast.new_teacher, cast.studio).covered_seconds = LECTURE_SECONDS / 2
    db.session.commit()
    login_en(client, cast.new_teacher)
    page = page_text(client.get(f"/studios/{cast.studio.id}/courses"))
    assert "2 modules, 1.5 hours" in page
    assert "1 of 2 modules completed" in page and "0 of 1 modules completed" in page
    filtered = page_text(client.get(f"/studios/{cast.studio.id}/courses?category=信息技术"))
    assert "信息技术课程" in filtered and "师德课程" not in filtered
    # the course page: state per module, the duration, the note on the unassigned lecture
    show = page_text(client.get(f"/studios/{cast.studio.id}/courses/{course.id}"))
    assert "In progress 50%" in show and "Completed" in show
    assert "0:20" in show
    assert show.count('data-testid="not-assigned"') == 1
    assert "earns no study hours" in show
    assert f"/courses/{course.id}/modules/{lecture.id}" in show
    assert 'data-testid="course-editing"' not in show


def _library_queries(client, cast, count):
    for i in range(count):
        course = make_course(cast.master, studio=cast.studio, title=f"课程{i}",
                             category="师德" if i % 2 else "班级管理")
        add_reading(course, cast.master)
        office = make_course(cast.admin, title=f"省级课程{i}")
        add_reading(office, cast.admin)
        if i % 2:
            adopt(cast.studio, office, cast.master)
    db.session.commit()
    counts = {}
    for role in ("master", "new_teacher"):
        login(client, getattr(cast, role))
        client.get(f"/studios/{cast.studio.id}/courses")  # warm up
        with count_queries() as counter:
            assert client.get(f"/studios/{cast.studio.id}/courses").status_code == 200
        counts[role] = counter.count
    return counts


def test_the_library_costs_the_same_statements_for_2_and_12_courses(client, cast, app):
    few = _library_queries(client, cast, 2)
    more = _library_queries(client, cast, 10)
    assert few == more


def test_a_range_request_gets_the_right_bytes_and_an_outsider_403(client, cast):
    course = make_course(cast.master, studio=cast.studio)
    lecture = add_lecture(course, cast.master)
    reading = add_reading(course, cast.master, pdf=True)
    db.session.commit()
    url = f"/studios/{cast.studio.id}/courses/{course.id}/modules/{lecture.id}/video"
    login(client, cast.new_teacher)
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == lecture_bytes()[100:200]
    document = client.get(f"/studios/{cast.studio.id}/courses/{course.id}/modules/"
                          f"{reading.id}/document")
    assert document.status_code == 200 and document.data.startswith(b"%PDF-")
    login(client, cast.outsider)
    assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 403
    login(client, cast.other_office)
    assert client.get(url).status_code == 403


def test_a_draft_courses_video_is_for_its_editors_only(client, cast):
    draft = make_course(cast.master, studio=cast.studio, state="draft")
    lecture = add_lecture(draft, cast.master)
    db.session.commit()
    url = f"/studios/{cast.studio.id}/courses/{draft.id}/modules/{lecture.id}/video"
    login(client, cast.new_teacher)
    assert client.get(url).status_code == 403
    login(client, cast.master)
    assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 206


def test_the_office_previews_its_course_video_with_range(client, cast):
    course = make_course(cast.office, region=cast.city, state="draft")
    lecture = add_lecture(course, cast.office)
    db.session.commit()
    url = f"/admin/courses/{course.id}/modules/{lecture.id}/video"
    login(client, cast.office)
    part = client.get(url, headers={"Range": "bytes=0-15"})
    assert part.status_code == 206 and part.data == lecture_bytes()[:16]
    login(client, cast.other_office)   # a draft of another city
    assert client.get(url).status_code == 403
    login(client, cast.master)
    assert client.get(url).status_code == 403


def test_the_office_library_and_course_page(client, cast):
    course = make_course(cast.office, region=cast.city, title="班级管理专题", category="班级管理")
    add_lecture(course, cast.office)
    db.session.commit()
    login_en(client, cast.office)
    page = page_text(client.get("/admin/courses"))
    assert "班级管理专题" in page and "Classroom management" in page and "郑州市" in page
    show = page_text(client.get(f"/admin/courses/{course.id}"))
    assert "Preview the video" in show and 'data-testid="course-editing"' in show
    login_en(client, cast.other_office)
    assert "班级管理专题" not in page_text(client.get("/admin/courses"))
    assert client.get(f"/admin/courses/{course.id}").status_code == 403


def test_the_course_page_links_a_quiz_to_its_bank_for_editors_only(app, cast, client):
    course = make_course(cast.master, studio=cast.studio)
    quiz = add_quiz(course)
    office = make_course(cast.admin, title="platform")
    office_quiz = add_quiz(office)
    db.session.commit()
    bank = f"/studios/{cast.studio.id}/courses/{course.id}/modules/{quiz.id}/questions"
    login(client, cast.master)
    html = client.get(f"/studios/{cast.studio.id}/courses/{course.id}").get_data(as_text=True)
    assert bank in html and "题库" in html
    assert client.get(bank).status_code == 200
    login(client, cast.new_teacher)
    html = client.get(f"/studios/{cast.studio.id}/courses/{course.id}").get_data(as_text=True)
    assert bank not in html
    login(client, cast.admin)
    html = client.get(f"/admin/courses/{office.id}").get_data(as_text=True)
    assert f"/admin/courses/{office.id}/modules/{office_quiz.id}/questions" in html
