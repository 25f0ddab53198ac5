"""年度考核: the figures against hand-built data, the life cycle for each role, the 优秀 cap,
removal (淘汰) and the member history, the export, hostile input, constant query counts."""
import io
from datetime import timedelta

import pytest

from blueprints.assessment import operations
from blueprints.assessment.figures import figures_for
from models.assessment import AnnualAssessment
from models.base import utcnow
from models.notification import Notification
from models.region import Programme
from models.studio import Membership
from studio.errors import RuleError
from studio.extensions import db
from tests.conftest import join, login, login_en, make_user
from tests.factories import (make_activity, make_assessment_round, make_case, make_observation,
                             make_plan, make_task)


def _row(round_, user):
    return next(a for a in round_.assessments if a.user_id == user.id)


def _url(cast, row, action=""):
    return f"/studios/{cast.studio.id}/assessment/members/{row.id}{action}"


def _decide_all(cast, round_, grade="qualified"):
    for row in round_.assessments:
        operations.decide_grade(row, cast.master, grade, "按时完成各项任务。")


# --- figures ---------------------------------------------------------------------------------

def test_figures_from_the_real_tables(app, cast):
    from blueprints.hours.operations import credit_hours
    from models.activity import Attendance
    from models.case import CaseTransition, CaseVersion, Review
    nt, bb, studio = cast.new_teacher, cast.backbone, cast.studio
    credit_hours(nt, 12.5, "manual", cast.master, studio=studio, reason="补录")
    task = make_task(studio, bb, [nt])
    make_task(studio, bb, [nt], title="第二个任务")
    task.assignments[0].state = "completed"
    case = make_case(studio, nt, state="approved", reviewer=bb)
    db.session.add(CaseTransition(case_id=case.id, from_state="in_review", to_state="approved",
                                  actor_id=bb.id))
    version = db.session.get(CaseVersion, case.latest.id)
    late = utcnow() - timedelta(days=1)
    version.submitted_at = late - timedelta(days=9)
    kwargs = dict(verdict="approve", learner_analysis_score=4, lesson_design_score=4,
                  teaching_delivery_score=4, reflection_score=4)
    db.session.add_all([Review(case_id=case.id, version_id=version.id, reviewer_id=bb.id,
                               created_at=late, **kwargs),
                        Review(case_id=case.id, version_id=version.id, reviewer_id=bb.id,
                               created_at=late - timedelta(days=5), **kwargs)])
    attended = make_activity(studio, cast.master, [nt, bb])
    excused = make_activity(studio, cast.master, [nt], title="专题讲座", starts_in=-300)
    make_activity(studio, cast.master, [nt], title="还没开始", starts_in=600)
    db.session.add(Attendance(activity_id=attended.id, user_id=nt.id, method="manual"))
    from models.activity import ActivityParticipant
    leave = db.session.execute(db.select(ActivityParticipant).filter_by(
        activity_id=excused.id)).scalar_one()
    leave.reply, leave.leave_decision = "leave", "approved"
    make_observation(studio, nt)
    make_observation(studio, nt, topic="二次函数")
    plan = make_plan(studio, nt, versions=2)
    db.session.commit()
    year = operations.default_year(studio)
    got = figures_for(studio, year, {nt.id: "new_teacher", bb.id: "backbone"}, utcnow())
    mine = got[nt.id]
    assert mine["hours"] == 12.5 and mine["hours_target"] == 50
    assert (mine["tasks_done"], mine["tasks_set"]) == (1, 2)
    assert (mine["cases_approved"], mine["cases_recommended"]) == (1, 0)
    assert (mine["activities_held"], mine["activities_attended"],
            mine["activities_excused"]) == (2, 1, 1)
    assert mine["observations"] == 2 and mine["observation_target"] == 50
    assert mine["plan_revised"] is True and mine["plan_id"] == plan.id
    assert (got[bb.id]["reviews"], got[bb.id]["reviews_on_time"]) == (2, 1)
    assert got[bb.id]["plan_id"] is None and got[bb.id]["hours"] == 0


def test_figures_of_another_year_are_empty(app, cast):
    make_observation(cast.studio, cast.new_teacher)
    db.session.commit()
    year = operations.default_year(cast.studio) - 1
    got = figures_for(cast.studio, year, {cast.new_teacher.id: "new_teacher"}, utcnow())
    assert got[cast.new_teacher.id]["observations"] == 0


def _grow(cast, n):
    members = {}
    for i in range(n):
        user = make_user(f"nt{n}_{i}", f"新教师{i}", cast.new_teacher.password_hash)
        join(cast.studio, user, "new_teacher")
        db.session.flush()
        make_observation(cast.studio, user)
        members[user.id] = "new_teacher"
    db.session.commit()
    return members


@pytest.mark.parametrize("n", [3, 30])
def test_figures_in_a_constant_number_of_statements(app, cast, queries, n):
    members = _grow(cast, n)
    with queries() as counter:
        got = figures_for(cast.studio, operations.default_year(cast.studio), members, utcnow())
    assert len(got) == n and counter.count <= 9   # 8 and the studio reloaded after commit


def test_round_page_statement_count_does_not_grow(app, cast, client, queries):
    counts = []
    for n, year in ((3, 2010), (27, 2011)):
        _grow(cast, n)
        round_ = make_assessment_round(cast, year)
        db.session.commit()
        login(client, cast.master)
        with queries() as counter:
            page = client.get(f"/studios/{cast.studio.id}/assessment/{round_.id}")
        assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


# --- life cycle ------------------------------------------------------------------------------

def test_life_cycle_through_the_pages(app, cast, client):
    sid = cast.studio.id
    login_en(client, cast.master)
    year = operations.default_year(cast.studio)
    response = client.post(f"/studios/{sid}/assessment/open", data={"year": str(year)})
    assert response.status_code == 302
    round_ = db.session.execute(db.select(operations.AssessmentRound)).scalar_one()
    nt_row, bb_row = _row(round_, cast.new_teacher), _row(round_, cast.backbone)
    assert {a.role for a in round_.assessments} == {"new_teacher", "backbone"}

    login(client, cast.new_teacher)
    assert client.post(_url(cast, nt_row, "/self"),
                       data={"self_evaluation": "本年度完成规范课一节。"}).status_code == 302
    assert client.post(_url(cast, bb_row, "/self"),
                       data={"self_evaluation": "x"}).status_code == 403
    assert client.get(_url(cast, bb_row)).status_code == 403
    login(client, cast.backbone)
    assert client.post(_url(cast, nt_row, "/propose"),
                       data={"grade": "excellent", "reason": "进步明显。"}).status_code == 302
    assert client.post(_url(cast, nt_row, "/decide"),
                       data={"grade": "excellent", "reason": "x"}).status_code == 403
    login(client, cast.master)
    assert client.post(_url(cast, nt_row, "/propose"), data={"grade": "qualified",
                                                             "reason": "x"}).status_code == 403
    assert client.post(f"/studios/{sid}/assessment/{round_.id}/publish").status_code == 409
    for row, grade in ((nt_row, "excellent"), (bb_row, "unqualified")):
        assert client.post(_url(cast, row, "/decide"),
                           data={"grade": grade, "reason": "依据考核数据。"}).status_code == 302
    login(client, cast.new_teacher)
    page = client.get(_url(cast, nt_row)).get_data(as_text=True)
    assert 'data-testid="grade"' not in page          # not before publishing
    login(client, cast.master)
    assert client.post(f"/studios/{sid}/assessment/{round_.id}/publish").status_code == 302
    db.session.expire_all()
    assert round_.state == "published" and nt_row.figures["hours_target"] == 50
    kinds = db.session.execute(db.select(Notification.user_id).filter_by(
        kind="assessment_published")).scalars().all()
    assert sorted(kinds) == sorted([cast.new_teacher.id, cast.backbone.id])
    login_en(client, cast.new_teacher)
    page = client.get(_url(cast, nt_row)).get_data(as_text=True)
    assert "Excellent" in page and "本年度完成规范课一节。" in page
    assert client.post(_url(cast, nt_row, "/self"),
                       data={"self_evaluation": "改"}).status_code == 403
    login_en(client, cast.admin)
    assert "Excellent" in client.get(_url(cast, nt_row)).get_data(as_text=True)
    assert client.post(_url(cast, nt_row, "/decide"),
                       data={"grade": "qualified", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_strangers_see_nothing(app, cast, client, who):
    round_ = make_assessment_round(cast)
    db.session.commit()
    login(client, None if who == "anonymous" else cast.outsider)
    for url in (f"/studios/{cast.studio.id}/assessment/{round_.id}",
                _url(cast, _row(round_, cast.new_teacher))):
        assert client.get(url).status_code in (302, 403)


def test_each_member_sees_their_own_rows(app, cast):
    round_ = make_assessment_round(cast)
    db.session.commit()
    for user, expected in ((cast.new_teacher, {cast.new_teacher.id}),
                           (cast.backbone, {cast.backbone.id, cast.new_teacher.id}),
                           (cast.master, {cast.backbone.id, cast.new_teacher.id}),
                           (cast.admin, {cast.backbone.id, cast.new_teacher.id}),
                           (cast.outsider, set())):
        rows = db.session.execute(AnnualAssessment.visible_to(round_, user)).scalars().all()
        assert {r.user_id for r in rows} == expected
        assert {r.user_id for r in round_.assessments if r.can_view(user)} == expected


def test_a_regional_office_outside_sees_nothing(app, cast, client):
    from models.region import Region
    here, there = Region(name="郑州市", level="city"), Region(name="洛阳市", level="city")
    db.session.add_all([here, there])
    db.session.flush()
    here.set_path(), there.set_path()
    cast.studio.region_id = here.id
    office = make_user("luoyang", "洛阳市项目办", cast.admin.password_hash, is_admin=True,
                       region_id=there.id)
    round_ = make_assessment_round(cast)
    db.session.commit()
    assert not round_.can_view(office) and not _row(round_, cast.new_teacher).can_view(office)
    assert db.session.execute(AnnualAssessment.visible_to(round_, office)).scalars().all() == []
    login(client, office)
    for url in (f"/studios/{cast.studio.id}/assessment",
                f"/studios/{cast.studio.id}/assessment/{round_.id}",
                f"/studios/{cast.studio.id}/assessment/{round_.id}/export.xlsx",
                _url(cast, _row(round_, cast.new_teacher))):
        assert client.get(url).status_code == 403, url


def test_opening_twice_or_a_strange_year_is_refused(app, cast):
    make_assessment_round(cast)
    with pytest.raises(RuleError):
        make_assessment_round(cast)
    for year in (1999, 9999):
        with pytest.raises(RuleError):
            operations.open_round(cast.studio, cast.master, year)
    with pytest.raises(RuleError):
        operations.open_round(cast.studio, cast.backbone, 2026)


# --- the cap ---------------------------------------------------------------------------------

def test_excellent_beyond_the_programme_cap_is_refused(app, cast, client):
    programme = Programme(name="试点项目", excellent_cap=50, **{
        k: v for k, v in Programme.DEFAULTS.items() if k != "excellent_cap"})
    db.session.add(programme)
    cast.studio.programme = programme
    round_ = make_assessment_round(cast)
    db.session.commit()
    operations.decide_grade(_row(round_, cast.backbone), cast.master, "excellent", "示范引领。")
    db.session.commit()
    login_en(client, cast.master)
    response = client.post(_url(cast, _row(round_, cast.new_teacher), "/decide"),
                           data={"grade": "excellent", "reason": "很好"})
    assert response.status_code == 400 and "at most 1" in response.get_data(as_text=True)
    assert "很好" in response.get_data(as_text=True)          # the reasons as typed
    assert _row(round_, cast.new_teacher).grade is None
    page = client.get(f"/studios/{cast.studio.id}/assessment/{round_.id}").get_data(as_text=True)
    assert "Excellent: 1 of at most 1" in page
    # deciding the same member again as excellent is not counted twice
    operations.decide_grade(_row(round_, cast.backbone), cast.master, "excellent", "再次确认。")


# --- dynamic management ----------------------------------------------------------------------

def _published(cast, grade="unqualified"):
    round_ = make_assessment_round(cast)
    _decide_all(cast, round_, grade)
    operations.publish_round(round_, cast.master, utcnow())
    db.session.commit()
    return round_


def test_removal_of_an_unqualified_member_keeps_their_work(app, cast, client):
    from blueprints.hours.operations import credit_hours
    credit_hours(cast.new_teacher, 3, "manual", cast.master, studio=cast.studio, reason="补录")
    round_ = _published(cast)
    row = _row(round_, cast.new_teacher)
    login(client, cast.backbone)
    assert client.post(_url(cast, row, "/dismiss"), data={"reason": "x"}).status_code == 403
    login(client, cast.master)
    assert client.post(_url(cast, row, "/dismiss"), data={"reason": ""}).status_code == 400
    assert client.post(_url(cast, row, "/dismiss"),
                       data={"reason": "全年未完成任务"}).status_code == 302
    membership = db.session.execute(db.select(Membership).filter_by(
        studio_id=cast.studio.id, user_id=cast.new_teacher.id)).scalar_one()
    assert not membership.active and membership.left_at is not None
    assert cast.studio.mentor_of(cast.new_teacher) is None
    from blueprints.hours.operations import totals_by_member
    assert totals_by_member(cast.studio)[cast.new_teacher.id] == 3
    login_en(client, cast.master)
    page = client.get(f"/studios/{cast.studio.id}/groups/history").get_data(as_text=True)
    assert "全年未完成任务" in page and cast.master.name in page
    assert client.post(_url(cast, row, "/dismiss"), data={"reason": "again"}).status_code == 403


def test_removal_needs_a_published_unqualified_grade(app, cast):
    round_ = make_assessment_round(cast)
    row = _row(round_, cast.new_teacher)
    operations.decide_grade(row, cast.master, "unqualified", "未完成")
    assert not row.can_dismiss(cast.master)          # not published yet
    with pytest.raises(RuleError):
        operations.dismiss_member(row, cast.master, "x")


def test_a_qualified_member_cannot_be_removed(app, cast):
    round_ = _published(cast, "qualified")
    assert not _row(round_, cast.new_teacher).can_dismiss(cast.master)


def _import(cast, *people):
    from blueprints.admin.operations import apply_import, preview_import
    from tests.test_import import csv_bytes, person
    rows, batch = preview_import(cast.studio, "members.csv", csv_bytes(
        [person(name, username, "new_teacher") for name, username in people]),
        "Init-Pass-2026!", cast.admin)
    if batch is None:
        raise RuleError("; ".join(p for row in rows for p in row["problems"]))
    db.session.flush()
    return apply_import(batch, cast.admin)


def test_addition_through_the_import_is_in_the_history_and_quotas_hold(app, cast, client):
    cast.studio.max_new_teachers = 2
    _import(cast, ("补充教师", "newcomer"))
    db.session.commit()
    with pytest.raises(RuleError):
        _import(cast, ("超额教师", "extra"))
    db.session.rollback()
    assert cast.studio.role_counts()["new_teacher"] == 2
    login_en(client, cast.master)
    page = client.get(f"/studios/{cast.studio.id}/groups/history").get_data(as_text=True)
    assert "补充教师" in page and "超额教师" not in page and cast.admin.name in page
    assert "Joined as New teacher" in page


# --- export ----------------------------------------------------------------------------------

def test_export_has_one_row_per_member_with_every_figure(app, cast, client):
    from openpyxl import load_workbook
    round_ = make_assessment_round(cast)
    row = _row(round_, cast.new_teacher)
    row.self_evaluation = "=HYPERLINK(\"x\")\x01 自评"
    operations.decide_grade(row, cast.master, "excellent", "表现突出")
    db.session.commit()
    login(client, cast.master)
    response = client.get(f"/studios/{cast.studio.id}/assessment/{round_.id}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and len(rows[0]) == 23
    mine = next(r for r in rows if r[1] == cast.new_teacher.name)
    assert "优秀" in mine and "表现突出" in mine and mine[5] == 50
    cell = next(c for c in sheet[rows.index(mine) + 1] if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s"
    login(client, cast.backbone)
    assert client.get(f"/studios/{cast.studio.id}/assessment/{round_.id}/export.xlsx"
                      ).status_code == 403


# --- hostile input ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["自评\x00内容", "长" * 20000, "\x00", "NaN"])
def test_hostile_self_evaluation(app, cast, client, text):
    round_ = make_assessment_round(cast)
    db.session.commit()
    row = _row(round_, cast.new_teacher)
    login(client, cast.new_teacher)
    response = client.post(_url(cast, row, "/self"), data={"self_evaluation": text})
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert "\x00" not in row.self_evaluation and len(row.self_evaluation) <= 5000


@pytest.mark.parametrize("data", [{"grade": "\x00", "reason": "x"},
                                  {"grade": "excellent", "reason": "理" * 5000},
                                  {"grade": "excellent" * 100, "reason": "x"},
                                  {"grade": "qualified", "reason": "\x00\x00"}])
def test_hostile_grades(app, cast, client, data):
    round_ = make_assessment_round(cast)
    db.session.commit()
    login(client, cast.master)
    response = client.post(_url(cast, _row(round_, cast.new_teacher), "/decide"), data=data)
    assert response.status_code == 400
    db.session.expire_all()
    assert _row(round_, cast.new_teacher).grade is None


@pytest.mark.parametrize("year", ["\x00", "NaN", "99999999999999999999", "-1", "２０２６", ""])
def test_hostile_year(app, cast, client, year):
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/assessment/open", data={"year": year})
    assert response.status_code == 400


# --- 我的待办 ---------------------------------------------------------------------------------

def test_todo_links_to_the_self_evaluation_and_the_proposals(app, cast, client):
    round_ = make_assessment_round(cast)
    db.session.commit()
    home = f"/studios/{cast.studio.id}/"
    login_en(client, cast.new_teacher)
    page = client.get(home).get_data(as_text=True)
    assert "Write your self-evaluation" in page
    assert _url(cast, _row(round_, cast.new_teacher)) in page
    login_en(client, cast.backbone)
    page = client.get(home).get_data(as_text=True)
    assert "Propose grades for your mentees" in page and "Write your self-evaluation" in page
    login_en(client, cast.master)
    assert "Decide the grades of the annual assessment" in client.get(home).get_data(as_text=True)
    operations.write_self_evaluation(_row(round_, cast.new_teacher), cast.new_teacher, "完成")
    operations.propose_grade(_row(round_, cast.new_teacher), cast.backbone, "qualified", "好")
    db.session.commit()
    login_en(client, cast.new_teacher)
    assert "Write your self-evaluation" not in client.get(home).get_data(as_text=True)
    login_en(client, cast.backbone)
    assert "Propose grades" not in client.get(home).get_data(as_text=True)
