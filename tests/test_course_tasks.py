"""Course tasks (issue 11, part D): the task form asks for a published course of the studio
and optionally some of its modules; nothing is handed in; the task page lists the modules to
study and each assignee's modules done; studying completes the task; it stays a to-do and a
reminder until then."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from blueprints.courses.operations import complete_module, progress_for
from models import Assignment, HourEntry, Task
from studio.extensions import db
from tests.conftest import login, login_en, page_text
from tests.course_factories import (add_lecture, add_quiz, add_reading, adopt, assign_course,
                                    make_course)

TODAY = date.today()


@pytest.fixture
def courses(cast):
    own = make_course(cast.master, studio=cast.studio, title="初中数学单元整体教学设计")
    lecture = add_lecture(own, cast.master, hours=1, real_video=False)
    reading = add_reading(own, cast.master, hours=0.5)
    quiz = add_quiz(own, hours=0.5)
    draft = make_course(cast.master, studio=cast.studio, title="草稿课程", state="draft")
    add_reading(draft, cast.master)
    office = make_course(cast.admin, title="新教师师德修养")
    office_lecture = add_lecture(office, cast.admin, real_video=False)
    not_adopted = make_course(cast.admin, title="班级管理专题")
    add_reading(not_adopted, cast.admin)
    adopt(cast.studio, office, cast.master)
    db.session.commit()
    return dict(own=own, lecture=lecture, reading=reading, quiz=quiz, draft=draft,
                office=office, office_lecture=office_lecture, not_adopted=not_adopted)


def form(**overrides):
    data = {"title": "学习单元整体教学设计", "description": "按时学完。", "focus": "lesson_design",
            "deliverable": "course", "hours": "2", "opens_on": TODAY.isoformat(),
            "due_on": (TODAY + timedelta(days=14)).isoformat(), "audience": "role",
            "audience_value": "new_teacher", "members": [], "course": "", "modules": []}
    data.update(overrides)
    return data


def tasks():
    return db.session.execute(select(Task)).scalars().all()


def test_master_sets_a_course_task_for_chosen_modules(client, cast, courses):
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/tasks/new", data=form(
        course=str(courses["own"].id),
        modules=[str(courses["lecture"].id), str(courses["quiz"].id)]))
    assert response.status_code == 302
    task = db.session.execute(select(Task)).scalar_one()
    assert task.course_id == courses["own"].id
    assert [m.id for m in task.modules] == [courses["lecture"].id, courses["quiz"].id]
    assert task.hours == 0            # the modules credit the hours, not the task
    assert {a.user_id for a in task.assignments} == {cast.new_teacher.id}


def test_a_whole_adopted_office_course_can_be_assigned(client, cast, courses):
    login(client, cast.backbone)
    response = client.post(f"/studios/{cast.studio.id}/tasks/new", data=form(
        course=str(courses["office"].id), audience="group", audience_value=""))
    assert response.status_code == 302, page_text(response)
    task = db.session.execute(select(Task)).scalar_one()
    assert task.course_id == courses["office"].id and task.modules == []


@pytest.mark.parametrize("which, modules, message", [
    (None, [], "Please choose the course to study."),
    ("draft", [], "Only a published course can be assigned."),
    ("not_adopted", [], "This course is not available in the studio."),
    ("own", ["office_lecture"], "Please choose modules of the chosen course only."),
    ("own", ["junk"], "Please choose modules of the chosen course only."),
    ("own", ["huge"], "Please choose modules of the chosen course only."),
    ("own", ["minus"], "Please choose modules of the chosen course only."),
])
def test_a_bad_course_choice_is_refused_with_a_clear_message(client, cast, courses, which,
                                                             modules, message):
    """The master sees drafts in the library, but only a published course is assigned."""
    login_en(client, cast.master)
    odd = {"junk": "abc", "huge": "9" * 40, "minus": "-3"}
    ids = [odd.get(m) or str(courses[m].id) for m in modules]
    response = client.post(f"/studios/{cast.studio.id}/tasks/new", data=form(
        course=str(courses[which].id) if which else "", modules=ids))
    assert response.status_code == 400
    assert message in page_text(response)
    assert "学习单元整体教学设计" in page_text(response)      # what was typed is kept
    assert tasks() == []


def test_the_course_field_is_ignored_for_other_deliverables(client, cast, courses):
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/tasks/new", data=form(
        deliverable="reading_notes", course=str(courses["own"].id)))
    assert response.status_code == 302
    task = db.session.execute(select(Task)).scalar_one()
    assert task.course_id is None and task.hours == 2


def test_the_form_offers_published_courses_with_their_hours(client, cast, courses):
    login_en(client, cast.master)
    text = page_text(client.get(f"/studios/{cast.studio.id}/tasks/new"))
    assert "初中数学单元整体教学设计" in text and "新教师师德修养" in text
    assert "草稿课程" not in text and "班级管理专题" not in text
    assert "2.0 study hours in all" in text
    assert "credits no hours" in text


def test_a_course_task_has_no_hand_in_and_shows_the_modules(client, cast, courses):
    task = assign_course(cast.studio, cast.master, [cast.new_teacher], courses["own"])
    db.session.commit()
    login_en(client, cast.new_teacher)
    response = client.get(f"/studios/{cast.studio.id}/tasks/{task.id}")
    text = page_text(response)
    assert 'name="note"' not in text
    for module in ("lecture", "reading", "quiz"):
        m = courses[module]
        assert f"/studios/{cast.studio.id}/courses/{m.course_id}/modules/{m.id}" in text
    assert "Not started" in text
    response = client.post(f"/studios/{cast.studio.id}/tasks/{task.id}/submit",
                           data={"note": "我学完了"})
    assert response.status_code == 409
    assert "nothing to hand in" in page_text(response)
    assert db.session.get(Assignment, task.assignments[0].id).state == "assigned"


def test_studying_completes_the_task_and_the_followers_see_modules_done(client, cast, courses):
    task = assign_course(cast.studio, cast.master, [cast.new_teacher], courses["own"],
                         modules=[courses["lecture"], courses["reading"]])
    progress = progress_for(courses["lecture"], cast.new_teacher, cast.studio)
    complete_module(progress, cast.studio)
    db.session.commit()
    for viewer in (cast.master, cast.backbone):
        login_en(client, viewer)
        text = page_text(client.get(f"/studios/{cast.studio.id}/tasks/{task.id}"))
        assert "1 / 2 modules" in text
    login_en(client, cast.new_teacher)
    text = page_text(client.get(f"/studios/{cast.studio.id}/tasks/{task.id}"))
    assert "Completed" in text and "Not started" in text
    assignment = task.assignments[0]
    assert assignment.state == "assigned"
    complete_module(progress_for(courses["reading"], cast.new_teacher, cast.studio), cast.studio)
    db.session.commit()
    assert db.session.get(Assignment, assignment.id).state == "completed"
    hours = db.session.execute(select(HourEntry.amount).where(
        HourEntry.user_id == cast.new_teacher.id)).scalars().all()
    assert sorted(hours) == [0.5, 1.0]          # the modules' hours, none for the task


def test_no_one_completes_a_course_task_by_hand(client, cast, courses):
    task = assign_course(cast.studio, cast.master, [cast.new_teacher], courses["own"])
    db.session.commit()
    login_en(client, cast.master)
    response = client.post(
        f"/studios/{cast.studio.id}/tasks/{task.id}/assignments/{task.assignments[0].id}/decide",
        data={"decision": "complete"})
    assert response.status_code == 409
    assert "completed by itself when its modules are completed" in page_text(response)
    assert db.session.get(Assignment, task.assignments[0].id).state == "assigned"


def test_an_open_course_task_is_a_to_do_and_overdue_after_its_due_date(client, cast, courses):
    task = assign_course(cast.studio, cast.master, [cast.new_teacher], courses["own"],
                         due_in=-1, title="逾期的课程任务")
    db.session.commit()
    login_en(client, cast.new_teacher)
    home = page_text(client.get(f"/studios/{cast.studio.id}/"))
    assert "逾期的课程任务" in home
    tasks_page = page_text(client.get(f"/studios/{cast.studio.id}/tasks"))
    assert "逾期的课程任务" in tasks_page and "Overdue" in tasks_page
    for module in ("lecture", "reading", "quiz"):
        complete_module(progress_for(courses[module], cast.new_teacher, cast.studio), cast.studio)
    db.session.commit()
    assert db.session.get(Assignment, task.assignments[0].id).state == "completed"
    home = page_text(client.get(f"/studios/{cast.studio.id}/"))
    assert "逾期的课程任务" not in home.split("todo-tasks")[1].split("</section>")[0]


def test_a_reminder_names_an_open_course_task_due_soon(app, cast, courses):
    from blueprints.notifications import reminders
    assign_course(cast.studio, cast.master, [cast.new_teacher], courses["own"], due_in=1)
    db.session.commit()
    due = [a for a in reminders._open_assignments(TODAY) if a.user_id == cast.new_teacher.id]
    assert len(due) == 1 and due[0].task.deliverable == "course"


@pytest.mark.parametrize("course", ["abc", "9" * 40, "-1", "1.5", "NaN", "99999"])
def test_a_course_that_is_not_an_id_is_a_clear_400(client, cast, courses, course):
    login_en(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/tasks/new", data=form(course=course))
    assert response.status_code == 400
    text = page_text(response)
    assert ("Please choose the course to study." in text
            or "This course is not available in the studio." in text)
    assert tasks() == []


def test_a_course_of_another_studio_is_refused(client, cast, courses):
    foreign = make_course(cast.other_master, studio=cast.other_studio, title="别的工作室课程")
    add_reading(foreign, cast.other_master)
    db.session.commit()
    login_en(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/tasks/new",
                           data=form(course=str(foreign.id)))
    assert response.status_code == 400
    assert "This course is not available in the studio." in page_text(response)
    assert tasks() == []


def test_the_task_list_shows_the_hours_the_modules_credit(app, cast, client):
    """A course task credits no hours of its own: the list shows what its modules credit."""
    own = make_course(cast.master, studio=cast.studio, title="单元整体教学")
    lecture = add_lecture(own, cast.master, hours=1, real_video=False)
    add_reading(own, cast.master, hours=0.5)
    add_quiz(own, hours=0.5)
    assign_course(cast.studio, cast.master, [cast.new_teacher], own, title="整门课程")
    assign_course(cast.studio, cast.master, [cast.new_teacher], own, modules=[lecture],
                  title="只学讲座")
    db.session.commit()
    login_en(client, cast.new_teacher)
    text = page_text(client.get(f"/studios/{cast.studio.id}/tasks"))
    import re
    hours = {title: float(h) for title, h in
             re.findall(r"(整门课程|只学讲座)<.*?([0-9.]+) study hours", text, re.S)}
    assert hours == {"整门课程": 2.0, "只学讲座": 1.0}
