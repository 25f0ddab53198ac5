"""Course study progress (issue 11, part D): a learner's own courses, the master's, the
office's and a mentor's view of members × course tasks with who is behind first, and the
office's completion across its studios. Constant statements in members, courses, studios."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.courses.operations import complete_module, progress_for
from models import MentorGroup, MentorGroupMember
from studio.extensions import db
from tests.conftest import join, login, login_en, make_studio, make_user, page_text
from tests.course_factories import (add_lecture, add_quiz, add_reading, adopt, assign_course,
                                    make_course)


def done(module, user, studio):
    complete_module(progress_for(module, user, studio), studio)


@pytest.fixture
def study(cast, _password_hash):
    """A studio course of three modules (2 hours) and the adopted platform course (1 hour);
    new_teacher (the backbone's mentee) did 2 of 3 modules, ``loner`` (no mentor) none and
    is past due on the office course; the backbone finished the office course."""
    s = cast
    s.loner = make_user("loner", "孙新师", _password_hash)
    join(s.studio, s.loner, "new_teacher")
    own = make_course(s.master, studio=s.studio, title="初中数学单元整体教学设计")
    s.lecture, s.reading = add_lecture(own, s.master, real_video=False), add_reading(own, s.master)
    s.quiz = add_quiz(own)
    office = make_course(s.admin, title="新教师师德修养")
    s.office_lecture = add_lecture(office, s.admin, hours=1, real_video=False)
    adopt(s.studio, office, s.master)
    s.own, s.office_course = own, office
    s.unit = assign_course(s.studio, s.master, [s.new_teacher, s.loner], own, due_in=20,
                           title="单元教学设计课程")
    s.ethics = assign_course(s.studio, s.master, [s.loner, s.backbone], office, due_in=-2,
                             title="师德课程")
    done(s.lecture, s.new_teacher, s.studio)
    done(s.reading, s.new_teacher, s.studio)
    done(s.office_lecture, s.backbone, s.studio)
    db.session.commit()
    return s


def rows(response):
    text = page_text(response)
    return [r.split("</tr>")[0] for r in text.split('data-testid="progress-row"')[1:]]


def test_a_learner_sees_their_own_courses_only(client, study):
    login_en(client, study.new_teacher)
    response = client.get(f"/studios/{study.studio.id}/courses/progress")
    text = page_text(response)
    assert response.status_code == 200
    mine = text.split('data-testid="my-courses"')[1].split("</section>")[0]
    assert "初中数学单元整体教学设计" in mine and "2 / 3" in mine
    assert "Hours earned from courses: 1.5" in mine
    assert str(study.unit.due_on) in mine
    assert "新教师师德修养" not in mine
    assert 'data-testid="members-progress"' not in text


def test_the_master_sees_everyone_with_who_is_behind_first(client, study):
    login_en(client, study.master)
    response = client.get(f"/studios/{study.studio.id}/courses/progress")
    found = rows(response)
    assert len(found) == 4
    assert "孙新师" in found[0] and "师德课程" in found[0] and "Behind" in found[0]
    assert "张新师" in found[-1] or "李骨干" in found[-1]
    backbone = next(r for r in found if "李骨干" in r)
    assert "1 / 1" in backbone and "Completed" in backbone and "1.0" in backbone
    mentee = next(r for r in found if "张新师" in r)
    assert "2 / 3" in mentee and "On track" in mentee and "1.5" in mentee
    assert "1 behind of 4" in page_text(response)


def test_due_within_a_week_with_under_half_done_is_behind(client, study):
    study.unit.due_on = study.unit.due_on - timedelta(days=15)   # due in 5 days
    db.session.commit()
    login_en(client, study.master)
    found = rows(client.get(f"/studios/{study.studio.id}/courses/progress?task={study.unit.id}"))
    assert len(found) == 2
    assert "孙新师" in found[0] and "Behind" in found[0]          # 0 of 3
    assert "张新师" in found[1] and "On track" in found[1]         # 2 of 3


def test_the_master_filters_by_task_and_role(client, study):
    login_en(client, study.master)
    base = f"/studios/{study.studio.id}/courses/progress"
    assert len(rows(client.get(f"{base}?task={study.ethics.id}"))) == 2
    backbones = rows(client.get(f"{base}?role=backbone"))
    assert len(backbones) == 1 and "李骨干" in backbones[0]
    assert len(rows(client.get(f"{base}?role=new_teacher&task={study.unit.id}"))) == 2


@pytest.mark.parametrize("query", ["task=abc", "task=-1", "task=" + "9" * 40, "role=admin",
                                   "task=1.5&role=", "task=nan"])
def test_odd_filters_show_everything_not_an_error(client, study, query):
    login(client, study.master)
    response = client.get(f"/studios/{study.studio.id}/courses/progress?{query}")
    assert response.status_code == 200
    assert len(rows(response)) == 4


def test_a_nul_byte_in_the_filter_is_a_clear_400(client, study):
    login_en(client, study.master)
    response = client.get(f"/studios/{study.studio.id}/courses/progress?task=1%00")
    assert response.status_code == 400
    assert "cannot be saved" in page_text(response) or "NUL" in page_text(response)


def test_a_mentor_sees_their_current_mentees_and_their_own_courses(client, study):
    login_en(client, study.backbone)
    response = client.get(f"/studios/{study.studio.id}/courses/progress")
    found = rows(response)
    assert len(found) == 1 and "张新师" in found[0]
    mine = page_text(response).split('data-testid="my-courses"')[1].split("</section>")[0]
    assert "新教师师德修养" in mine
    link = db.session.execute(select(MentorGroupMember).join(MentorGroup).where(
        MentorGroup.mentor_id == study.backbone.id)).scalar_one()
    from models.base import utcnow
    link.ended_at = utcnow()
    db.session.commit()
    assert rows(client.get(f"/studios/{study.studio.id}/courses/progress")) == []


def test_the_overseeing_office_sees_the_members_and_others_are_refused(client, study):
    path = f"/studios/{study.studio.id}/courses/progress"
    for office in (study.admin, study.office):
        login(client, office)
        assert len(rows(client.get(path))) == 4
    for stranger in (study.other_office, study.outsider):
        login(client, stranger)
        assert client.get(path).status_code == 403
    login(client, None)
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_progress_page_costs_the_same_for_more_members(client, study, queries,
                                                           _password_hash):
    group = db.session.execute(select(MentorGroup).where(
        MentorGroup.mentor_id == study.backbone.id)).scalar_one()

    def grow(n, prefix):
        teachers = [make_user(f"{prefix}{i:03d}", f"{prefix}老师{i:03d}", _password_hash)
                    for i in range(n)]
        for teacher in teachers:
            join(study.studio, teacher, "new_teacher")
        db.session.flush()
        course = make_course(study.master, studio=study.studio, title=f"{prefix}课程")
        module = add_reading(course, study.master)
        for teacher in teachers:
            db.session.add(MentorGroupMember(group=group, mentee=teacher))
        assign_course(study.studio, study.master, teachers, course)
        for teacher in teachers[::2]:
            done(module, teacher, study.studio)
        db.session.commit()

    def counts():
        result = {}
        for user in (study.new_teacher, study.backbone, study.master, study.admin):
            login(client, user)
            with queries() as q:
                assert client.get(f"/studios/{study.studio.id}/courses/progress"
                                  ).status_code == 200
            result[user.username] = q.count
        return result

    grow(3, "a")
    few = counts()
    grow(30, "b")
    assert counts() == few


# --- the office's completion across studios ----------------------------------------------------

def completion_rows(response, kind):
    text = page_text(response)
    return [r.split("</tr>")[0] for r in text.split(f'data-testid="completion-{kind}"')[1:]]


def test_the_office_sees_completion_per_studio_and_per_course(client, study):
    db.session.commit()
    login_en(client, study.admin)
    response = client.get("/admin/courses/completion")
    assert response.status_code == 200
    studios = completion_rows(response, "studio")
    mine = next(r for r in studios if study.studio.name in r)
    # 4 course assignments, 1 completed (the backbone's), 2.5 hours credited, 1 member behind
    cells = [c.split("</td>")[0].strip() for c in mine.split("<td>")[1:]]
    assert cells[1:5] == ["4", "1 (25%)", "2.5", "1"]
    courses = completion_rows(response, "course")
    ethics = next(r for r in courses if "新教师师德修养" in r)
    cells = [c.split("</td>")[0].strip() for c in ethics.split("<td>")[1:]]
    assert cells[1:] == ["1", "2", "1 (50%)", "1.0", "1"]


def test_a_city_office_sees_only_the_studios_in_its_region(client, study):
    login(client, study.office)
    text = page_text(client.get("/admin/courses/completion"))
    assert study.studio.name in text and study.other_studio.name not in text
    login(client, study.other_office)
    text = page_text(client.get("/admin/courses/completion"))
    assert study.studio.name not in text and "新教师师德修养" not in text


@pytest.mark.parametrize("who", ["master", "backbone", "new_teacher", "outsider"])
def test_completion_is_for_offices_only(client, study, who):
    login(client, getattr(study, who))
    assert client.get("/admin/courses/completion").status_code == 403


def test_completion_asks_for_a_login(client, study):
    response = client.get("/admin/courses/completion")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_completion_costs_the_same_for_more_studios(client, study, queries, _password_hash):
    def grow(n, prefix):
        for i in range(n):
            studio = make_studio(f"{prefix}工作室{i}", region_node=study.county)
            teacher = make_user(f"{prefix}t{i}", f"{prefix}老师{i}", _password_hash)
            master = make_user(f"{prefix}m{i}", f"{prefix}名师{i}", _password_hash)
            join(studio, teacher, "new_teacher")
            join(studio, master, "master")
            db.session.flush()
            adopt(studio, study.office_course, master)
            course = make_course(master, studio=studio, title=f"{prefix}课程{i}")
            module = add_reading(course, master)
            assign_course(studio, master, [teacher], course)
            assign_course(studio, master, [teacher], study.office_course)
            done(module, teacher, studio)
        db.session.commit()

    def count():
        login(client, study.admin)
        with queries() as q:
            assert client.get("/admin/courses/completion").status_code == 200
        return q.count

    grow(2, "a")
    few = count()
    grow(12, "b")
    assert count() == few


def test_the_tasks_page_leads_to_course_progress(client, study):
    login(client, study.new_teacher)
    page = client.get(f"/studios/{study.studio.id}/tasks").get_data(as_text=True)
    assert f'href="/studios/{study.studio.id}/courses/progress"' in page


def test_followed_members_is_the_list_twin_of_can_follow(app, cast):
    """Whose progress a viewer lists (``Studio.followed_members``) is whose work they may
    follow (``Studio.can_follow``), themselves aside, for every viewer and member."""
    from models import Membership, User
    from studio.extensions import db as _db
    members = _db.session.execute(select(User).join(Membership).where(
        Membership.studio_id == cast.studio.id, Membership.active.is_(True))).scalars().all()
    for viewer in (cast.admin, cast.office, cast.other_office, cast.master, cast.backbone,
                   cast.new_teacher, cast.outsider):
        followed = cast.studio.followed_members(viewer)
        ids = set() if followed is None else set(_db.session.execute(followed).scalars())
        expected = {m.id for m in members
                    if m.id != viewer.id and cast.studio.can_follow(viewer, m)}
        assert ids == expected, viewer.username
    assert cast.studio.followed_members(cast.backbone) is not None   # a mentor, of new_teacher
