"""The demo studios loaded by ``flask seed-demo``."""
import pytest
from flask import g, request_started
from sqlalchemy import func, select

from models import MentorGroup, MentorGroupMember, Membership, Studio, User
from studio.demo import DEMO_PASSWORD, seed_demo
from studio.extensions import db

MATHS = "初中数学名师网络工作室"
CHINESE = "小学语文名师网络工作室"




def totals():
    def count(model):
        return db.session.execute(select(func.count()).select_from(model)).scalar()
    return {model.__name__: count(model)
            for model in (User, Studio, Membership, MentorGroup, MentorGroupMember)}


def studio_named(name):
    return db.session.execute(select(Studio).where(Studio.name == name)).scalar_one()


def user_named(username):
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def test_seed_demo_builds_the_maths_studio(app):
    created = seed_demo()

    assert created[:3] == ["admin", MATHS, CHINESE]
    admin = user_named("admin")
    assert admin.is_admin and admin.is_demo
    maths = studio_named(MATHS)
    assert maths.role_counts() == {"master": 1, "backbone": 10, "new_teacher": 80}
    assert maths.master.username == "master"
    backbones = [user_named(f"backbone{b:02d}") for b in range(1, 11)]
    placed = set()
    for backbone in backbones:
        assert backbone.role_in(maths) == "backbone"
        mentees = maths.mentees_of(backbone)
        assert len(mentees) == 8
        assert all(m.role_in(maths) == "new_teacher" for m in mentees)
        placed |= {m.id for m in mentees}
    teachers = [user_named(f"teacher{n:03d}") for n in range(1, 81)]
    assert placed == {t.id for t in teachers}  # every new teacher in exactly one group
    assert all(maths.mentor_of(t) in backbones for t in teachers)
    people = [admin, maths.master] + backbones + teachers
    assert all(p.name and p.school for p in people[1:])
    assert len({p.username for p in people}) == len(people)


def test_seed_demo_builds_the_second_studio(app):
    seed_demo()
    chinese = studio_named(CHINESE)
    counts = chinese.role_counts()
    assert counts["master"] == 1 and counts["backbone"] >= 1 and counts["new_teacher"] >= 1
    assert chinese.master.username == "yw_master"
    assert user_named("yw_teacher001").role_in(chinese) == "new_teacher"
    assert chinese.mentor_of(user_named("yw_teacher001")) is not None
    # the studios are separate: nobody of one is in the other
    maths = studio_named(MATHS)
    assert user_named("yw_teacher001").role_in(maths) is None
    assert user_named("teacher001").role_in(chinese) is None


def test_seed_demo_twice_changes_nothing(app):
    seed_demo()
    before = totals()
    names = dict(db.session.execute(select(User.username, User.name)).all())

    assert seed_demo() == []

    assert totals() == before
    assert dict(db.session.execute(select(User.username, User.name)).all()) == names


def test_demo_accounts_are_not_forced_to_change_their_password(app):
    seed_demo()
    forced = db.session.execute(select(func.count()).select_from(User)
                                .where(User.must_change_password.is_(True))).scalar()
    assert forced == 0
    assert db.session.execute(select(func.count()).select_from(User)
                              .where(User.is_demo.is_(False))).scalar() == 0


@pytest.mark.parametrize("username,lands_on", [
    ("admin", "/admin/"),
    ("zz_office", "/admin/"),
    ("jinshui_office", "/admin/"),
    ("master", "/studios/{maths}/"),
    ("backbone01", "/studios/{maths}/"),
    ("backbone10", "/studios/{maths}/"),
    ("teacher001", "/studios/{maths}/"),
    ("teacher080", "/studios/{maths}/"),
    ("yw_master", "/studios/{chinese}/"),
    ("yw_teacher001", "/studios/{chinese}/"),
])
def test_every_kind_of_demo_user_logs_in_with_the_demo_password(app, client, username, lands_on):
    seed_demo()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")  # not the change-password form
    response = client.get("/")
    ids = {"maths": studio_named(MATHS).id, "chinese": studio_named(CHINESE).id}
    assert response.status_code == 302
    assert response.headers["Location"].endswith(lands_on.format(**ids))
    assert client.get(response.headers["Location"]).status_code == 200


def test_every_demo_user_has_the_demo_password(app):
    seed_demo()
    hashes = set(db.session.execute(select(User.password_hash)).scalars())
    assert len(hashes) == 1
    assert user_named("teacher042").check_password(DEMO_PASSWORD)


def test_the_seed_demo_command_prints_the_logins(app):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    out = result.output
    assert "初中数学名师网络工作室" in out and "created" in out
    assert DEMO_PASSWORD in out
    for username in ("admin", "master", "backbone01", "teacher001", "yw_master"):
        assert username in out
    db.session.commit()  # see what the command committed
    assert studio_named(MATHS).role_counts()["new_teacher"] == 80

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output
    assert DEMO_PASSWORD in again.output and "backbone01" in again.output


def test_the_demo_has_observations_this_term_and_growth_plans_some_revised(app):
    from blueprints.observations.operations import counts_this_term
    from blueprints.plans.operations import plan_status
    from models.plan import PlanComment, PlanEvidence
    seed_demo()
    maths = studio_named(MATHS)
    observed = counts_this_term(maths)
    assert len(observed) >= 70 and max(observed.values()) >= 20      # many members, some done
    status = plan_status(maths)
    assert 60 <= len(status) < 91                                    # most have a plan
    assert any(versions == 2 and revised for _plan, versions, revised in status.values())
    assert any(versions == 1 and not revised for _plan, versions, revised in status.values())
    assert db.session.execute(select(func.count()).select_from(PlanComment)).scalar() > 10
    assert db.session.execute(select(func.count()).select_from(PlanEvidence)).scalar() > 10


def test_the_demo_planning_activity_has_a_shared_plan_by_several_members_one_section_revised(app):
    from models.activity import Activity
    from models.lesson_plan import SharedLessonPlan
    seed_demo()
    activity = db.session.execute(select(Activity).where(
        Activity.kind == "collective_planning")).scalars().first()
    plan = db.session.execute(select(SharedLessonPlan).where(
        SharedLessonPlan.activity_id == activity.id)).scalar_one()
    written = [s for s in plan.sections if s.latest is not None]
    assert len(written) == 5 and len({s.latest.author_id for s in written}) >= 3
    process = plan.section("process")
    assert [v.author_id for v in process.versions] == [process.assignee_id, activity.host_id]
    assert plan.section("board").latest is None        # one section still open


def test_seed_demo_certifies_maths_and_returns_the_chinese_application(app, client):
    from models.certification import Certification
    from studio.demo_certification import PROGRAMME
    from tests.conftest import login, page_text
    seed_demo()
    maths, yw = studio_named(MATHS), studio_named(CHINESE)
    assert maths.programme.name == PROGRAMME and yw.programme.name == PROGRAMME

    def rounds(studio):
        return db.session.execute(select(Certification).where(Certification.studio_id == studio.id)
                                  .order_by(Certification.round_no)).scalars().all()
    assert [(r.round_no, r.state) for r in rounds(maths)] == [(1, "returned"), (2, "certified")]
    certified = rounds(maths)[1]
    assert certified.certified_name == f"河南省{maths.master.name}名师工作室"
    assert certified.certificate_number.startswith("豫名师") and maths.status == "certified"
    assert rounds(maths)[0].reason and rounds(maths)[0].applied_at < certified.applied_at
    assert [(r.round_no, r.state) for r in rounds(yw)] == [(1, "returned")]
    login(client, user_named("master"))
    assert certified.certified_name in page_text(client.get(f"/studios/{maths.id}/certificate"))
    before = db.session.execute(select(func.count()).select_from(Certification)).scalar()
    seed_demo()
    assert db.session.execute(select(func.count()).select_from(Certification)).scalar() == before
def test_the_demo_has_a_published_annual_assessment_with_every_grade(app):
    from models.assessment import AnnualAssessment, AssessmentRound
    from models.notification import Notification
    seed_demo()
    maths = studio_named(MATHS)
    round_ = db.session.execute(select(AssessmentRound).where(
        AssessmentRound.studio_id == maths.id)).scalar_one()
    assert round_.year == 2026 and round_.is_completed
    rows = round_.assessments
    assert len(rows) == 90 and all(r.grade and r.grade_reason and r.figures for r in rows)
    grades = {r.grade for r in rows}
    assert {"excellent", "qualified", "unqualified"} <= grades
    assert sum(bool(r.self_evaluation) for r in rows) >= 50
    assert all(r.proposed_grade for r in rows if r.role == "new_teacher")
    assert db.session.execute(select(func.count()).select_from(Notification).where(
        Notification.kind == "assessment_published")).scalar() == 90
    flunked = next(r for r in rows if r.grade == "unqualified")
    assert flunked.can_dismiss(maths.master)
    assert seed_demo() == [] and db.session.execute(
        select(func.count()).select_from(AnnualAssessment)).scalar() == 90
def test_the_demo_has_three_numbered_briefings_one_drafted_from_data_and_a_draft(app):
    from models.briefing import Briefing
    seed_demo()
    maths = studio_named(MATHS)
    briefings = db.session.execute(select(Briefing).where(Briefing.studio_id == maths.id)
                                   .order_by(Briefing.id)).scalars().all()
    assert [b.number for b in briefings] == [1, 2, 3, None]
    drafted = briefings[2]
    assert "一、活动开展" in drafted.body and "五、精彩研讨" in drafted.body
    assert f"/briefings/{drafted.id}/photos/" in drafted.body_html     # activity photos
    assert seed_demo() == [] and db.session.execute(select(func.count()).select_from(
        Briefing).where(Briefing.studio_id == maths.id)).scalar() == 4


def test_the_demo_showcase_has_two_public_cases_with_a_recording_and_one_consent_asked(
        app, client):
    from models.showcase import ShowcaseEntry
    seed_demo()
    entries = db.session.execute(select(ShowcaseEntry).order_by(ShowcaseEntry.id)).scalars().all()
    assert sorted(e.state for e in entries) == ["published", "published", "requested"]
    assert {e.studio.name for e in entries} == {MATHS}
    assert all(e.case.state == "recommended" and e.version.recording_file_id for e in entries)
    public = [e for e in entries if e.is_public]
    response = client.get(f"/showcase/{public[0].id}/files/{public[0].version.recording_file_id}",
                          headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert seed_demo() == [] and len(db.session.execute(select(ShowcaseEntry)).all()) == 3
def test_the_demo_gives_the_dashboard_studios_at_different_points(app, client):
    """Five smaller studios in other subjects, stages and cities, each further along than the
    next: the office's dashboard compares them (hours, cases, reviews, activities, briefings)."""
    from blueprints.dashboard import board
    from studio.demo_dashboard import STUDIOS
    seed_demo()
    admin = user_named("admin")
    rows, _, waits = board.build_rows(board.scope_of(admin, board.Filters()))
    by_name = {r.studio.name: r for r in rows}
    assert {spec[0] for spec in STUDIOS} <= set(by_name)
    physics, chemistry = by_name["高中物理名师网络工作室"], by_name["高中化学名师网络工作室"]
    assert physics.members["backbone"] == 3 and physics.members["new_teacher"] == 12
    assert physics.briefings > chemistry.briefings and physics.activities > chemistry.activities
    assert sum(physics.cases.values()) > 0 and physics.median_hours is not None
    assert physics.certification == "submitted"
    assert by_name["中职计算机名师网络工作室"].certification == "returned"
    assert len({r.share("new_teacher") for r in rows if r.studio.name in dict(
        (spec[0], 1) for spec in STUDIOS)}) > 2
    from tests.conftest import login
    assert login(client, admin).get("/admin/dashboard?subject=物理").status_code == 200
def test_the_demo_has_regions_a_city_office_and_a_county_office(app, client):
    """郑州市 (金水区, 二七区, 中原区) and 洛阳市 (西工区, 涧西区); 郑州市教育局 and 金水区教育局
    see the maths studio (in 金水区), not the 语文 studio (in 西工区)."""
    from models import Region
    seed_demo()
    names = set(db.session.execute(select(Region.name)).scalars())
    assert names == {"河南省", "郑州市", "金水区", "二七区", "中原区", "洛阳市", "西工区", "涧西区",
                     "开封市", "新乡市", "南阳市", "许昌市"}   # the last: the smaller studios' cities
    assert studio_named(MATHS).region_name == "河南省郑州市金水区"
    assert studio_named(CHINESE).region_name == "河南省洛阳市西工区"
    for username, region in (("zz_office", "郑州市"), ("jinshui_office", "金水区")):
        office = user_named(username)
        assert office.is_admin and office.region.name == region
        assert office.oversees(studio_named(MATHS)) and not office.oversees(studio_named(CHINESE))
    assert seed_demo() == []


def test_the_demo_has_two_courses_adopted_assigned_and_partly_studied(app, client):
    """Issue 11: the office's 师德 course adopted by the maths studio and the master's own
    course, each with a lecture, a reading and a quiz; course tasks for the new teachers and
    the backbone teachers; ~30% of the new teachers done (hours in the ledger), ~40% partway."""
    import os

    from models import Assignment, HourEntry, Task
    from models.course import Course, CourseAdoption, ModuleProgress, QuizAttempt
    seed_demo()
    maths = studio_named(MATHS)
    ethics = db.session.execute(select(Course).where(Course.title == "新教师师德修养")).scalar_one()
    unit = db.session.execute(select(Course).where(
        Course.title == "初中数学单元整体教学设计")).scalar_one()
    assert ethics.studio_id is None and ethics.region_id is None and ethics.state == "published"
    assert unit.studio_id == maths.id and unit.state == "published"
    assert db.session.get(CourseAdoption, (maths.id, ethics.id)) is not None
    for course in (ethics, unit):
        assert [m.kind for m in course.modules] == ["lecture", "reading", "quiz"]
        lecture = course.modules[0]
        assert lecture.duration_seconds == pytest.approx(20.008)
        path = os.path.join(app.config["UPLOAD_DIR"], lecture.video.relative_path)
        assert os.path.getsize(path) == lecture.video.size
    quiz = ethics.modules[2]
    assert (len(quiz.questions), quiz.draw_count, quiz.pass_mark) == (8, 5, 80)
    assert unit.modules[1].document.mimetype == "application/pdf"
    assert "爱岗敬业" in ethics.modules[1].body_html

    course_tasks = db.session.execute(select(Task).where(
        Task.studio_id == maths.id, Task.deliverable == "course")).scalars().all()
    assert len(course_tasks) == 3 and all(t.hours == 0 for t in course_tasks)
    ethics_task = next(t for t in course_tasks if t.course_id == ethics.id)
    states = [a.state for a in ethics_task.assignments]
    assert len(states) == 80 and states.count("completed") == 24
    backbone_task = next(t for t in course_tasks if t.title.startswith("骨干"))
    assert {a.user.username[:8] for a in backbone_task.assignments} == {"backbone"}
    assert [m.kind for m in backbone_task.modules] == ["lecture", "reading"]

    course_hours = db.session.execute(select(HourEntry.user_id, func.sum(HourEntry.amount)).where(
        HourEntry.studio_id == maths.id, HourEntry.source == "course")
        .group_by(HourEntry.user_id)).all()
    by_user = {user_id: hours for user_id, hours in course_hours}
    assert sum(1 for h in by_user.values() if h >= 2) == 24         # the 师德 course: 2 hours
    assert [by_user.get(user_named(f"backbone{b:02d}").id) for b in (1, 2, 3)] == [1.5, 1.5, None]
    partway = db.session.execute(select(func.count()).select_from(ModuleProgress).where(
        ModuleProgress.module_id == ethics.modules[0].id, ModuleProgress.completed_at.is_(None),
        ModuleProgress.position > 0)).scalar()
    assert partway == 32
    failed = db.session.execute(select(func.count()).select_from(QuizAttempt).where(
        QuizAttempt.module_id == quiz.id, QuizAttempt.passed.is_(False))).scalar()
    assert 3 <= failed <= 10
    untouched = db.session.execute(select(func.count()).select_from(Assignment).where(
        Assignment.task_id == ethics_task.id, Assignment.user_id.not_in(
            select(ModuleProgress.user_id).where(ModuleProgress.module_id.in_(
                [m.id for m in ethics.modules]))))).scalar()
    assert untouched == 24

    from tests.conftest import login
    login(client, user_named("master"))
    page = client.get(f"/studios/{maths.id}/courses/progress").get_data(as_text=True)
    assert page.count('data-testid="progress-row"') == 80 * 2 + 10
    assert 'data-testid="behind"' in page
