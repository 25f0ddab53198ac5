"""Certification (挂牌认定): every readiness item against hand-built data (met and not met),
the checklist's statement count at 2 and 20 studios, the application life cycle for every
role, the certificate numbers, the name template, the programme settings and bad input."""
from datetime import timedelta

import pytest

from blueprints.certification import operations, readiness
from blueprints.hours.operations import credit_hours
from models import Notification
from models.assessment import AssessmentRound
from models.base import utcnow
from models.briefing import Briefing
from models.case import Review
from models.certification import Certification
from models.region import Programme, Region
from blueprints.assessment.operations import default_year
from studio.dates import studio_today
from studio.errors import RuleError
from studio.extensions import db
from tests.conftest import login, make_studio, make_user, page_text
from tests.factories import make_activity, make_application, make_case, make_programme


# --- hand-built data ------------------------------------------------------------------------
def review(case, days_after=1, reviewer=None):
    version = case.versions[-1]
    db.session.add(Review(case_id=case.id, version_id=version.id,
                          reviewer_id=(reviewer or case.author).id, verdict="approve",
                          learner_analysis_score=4, lesson_design_score=4,
                          teaching_delivery_score=4, reflection_score=4,
                          created_at=version.submitted_at + timedelta(days=days_after)))


def finished_work(studio, master, backbones, new_teachers, state="approved"):
    cases = [make_case(studio, t, state=state, kind="standard") for t in new_teachers]
    for b in backbones:
        cases += [make_case(studio, b, state=state, kind="excellent"),
                  make_case(studio, b, state=state, kind="report", title="自我专业发展报告")]
    cases.append(make_case(studio, master, state=state, kind="practice", title="工作室实践案例"))
    for case in cases:
        review(case)
    return cases


def activities(studio, host, n):
    for i in range(n):
        make_activity(studio, host, [], starts_in=-600 - i, minutes=60, title=f"专题研讨{i}")


def briefings(studio, author, n, state="published"):
    for i in range(n):
        db.session.add(Briefing(studio_id=studio.id, author_id=author.id, title=f"简报{i}",
                                number=i + 1 if state == "published" else None, state=state))


def hours(studio, users_targets, actor):
    for user, amount in users_targets:
        credit_hours(user, amount, "manual", actor, studio=studio, reason="线下培训")


def assessment(studio, opener, state="published", year=None):
    year = year or default_year(studio)
    db.session.add(AssessmentRound(studio_id=studio.id, year=year, state=state,
                                   opened_by_id=opener.id))


def make_ready(cast):
    finished_work(cast.studio, cast.master, [cast.backbone], [cast.new_teacher])
    activities(cast.studio, cast.master, 4)
    briefings(cast.studio, cast.master, 3)
    hours(cast.studio, [(cast.backbone, 60), (cast.new_teacher, 50)], cast.master)
    assessment(cast.studio, cast.master)
    db.session.commit()


def items_of(studio):
    return {item.key: item for item in readiness.checklist(studio)}


# --- the checklist ------------------------------------------------------------------------
def test_a_studio_that_did_its_work_meets_every_item(cast):
    make_ready(cast)
    items = items_of(cast.studio)
    assert list(items) == list(readiness.KEYS)
    assert {k: i.ok for k, i in items.items()} == {k: True for k in readiness.KEYS}
    assert items["standard_cases"].figure == "1 / 1 (100%)"
    assert items["hours"].figure == "2 / 2 (100%)"
    assert items["briefings"].figure == "3" and items["briefings"].threshold == "≥ 3"
    assert items["review_coverage"].figure.startswith("4 / 4")
    assert items["hours"].evidence.endswith(f"/studios/{cast.studio.id}/hours")
    assert items["activities"].evidence.endswith(f"/studios/{cast.studio.id}/activities")


def test_an_empty_studio_meets_no_item(cast):
    items = items_of(cast.studio)
    assert not any(i.ok for i in items.values())
    assert items["standard_cases"].figure == "0 / 1 (0%)"
    year = default_year(cast.studio)
    assert str(items["assessment"].figure) in (f"{year}: no round opened", f"{year}学年：尚未开展考核")


def test_a_standard_case_counts_once_approved(cast):
    make_case(cast.studio, cast.new_teacher, state="submitted")
    db.session.commit()
    assert not items_of(cast.studio)["standard_cases"].ok
    make_case(cast.studio, cast.new_teacher, state="recommended")
    db.session.commit()
    assert items_of(cast.studio)["standard_cases"].ok


def test_standard_case_share_follows_the_programme(cast):
    second = make_user("nt2", "刘新师", "x")
    from tests.conftest import join
    join(cast.studio, second, "new_teacher")
    make_case(cast.studio, cast.new_teacher, state="approved")
    make_programme(studios=[cast.studio], standard_case_share=50)
    db.session.commit()
    item = items_of(cast.studio)["standard_cases"]
    assert item.figure == "1 / 2 (50%)" and item.threshold == "≥ 50%" and item.ok
    cast.studio.programme.standard_case_share = 51
    db.session.commit()
    assert not items_of(cast.studio)["standard_cases"].ok


def test_a_backbone_needs_both_the_excellent_case_and_the_report(cast):
    make_case(cast.studio, cast.backbone, state="approved", kind="excellent")
    db.session.commit()
    assert items_of(cast.studio)["backbone_work"].figure == "0 / 1"
    make_case(cast.studio, cast.backbone, state="approved", kind="report")
    db.session.commit()
    assert items_of(cast.studio)["backbone_work"].ok


def test_the_masters_practice_case(cast):
    make_case(cast.studio, cast.master, state="in_review", kind="practice")
    db.session.commit()
    assert not items_of(cast.studio)["practice_case"].ok
    make_case(cast.studio, cast.master, state="approved", kind="practice")
    db.session.commit()
    assert items_of(cast.studio)["practice_case"].ok


def test_hours_reached_by_share_of_members(cast):
    hours(cast.studio, [(cast.backbone, 59.5), (cast.new_teacher, 50)], cast.master)
    make_programme(studios=[cast.studio], hours_share=100)
    db.session.commit()
    item = items_of(cast.studio)["hours"]
    assert item.figure == "1 / 2 (50%)" and not item.ok
    cast.studio.programme.hours_share = 50
    db.session.commit()
    assert items_of(cast.studio)["hours"].ok


def test_activities_count_only_when_held_this_cycle_year(cast):
    activities(cast.studio, cast.master, 3)
    make_activity(cast.studio, cast.master, [], starts_in=60)              # not held yet
    make_activity(cast.studio, cast.master, [], starts_in=-60 * 24 * 400)  # a year ago and more
    db.session.commit()
    item = items_of(cast.studio)["activities"]
    assert item.figure.startswith("3 (") and not item.ok
    activities(cast.studio, cast.master, 1)
    db.session.commit()
    assert items_of(cast.studio)["activities"].ok


def test_only_published_briefings_count(cast):
    briefings(cast.studio, cast.master, 2)
    briefings(cast.studio, cast.master, 3, state="draft")
    db.session.commit()
    assert items_of(cast.studio)["briefings"].figure == "2"
    assert not items_of(cast.studio)["briefings"].ok


def test_review_coverage_counts_reviews_within_the_period(cast):
    late = make_case(cast.studio, cast.new_teacher, state="approved")
    in_time = make_case(cast.studio, cast.new_teacher, state="approved")
    waiting = make_case(cast.studio, cast.new_teacher, state="submitted")   # not due yet
    overdue = make_case(cast.studio, cast.new_teacher, state="submitted")
    overdue.versions[-1].submitted_at = utcnow() - timedelta(days=8)
    review(late, days_after=8)
    review(in_time, days_after=6)
    db.session.commit()
    item = items_of(cast.studio)["review_coverage"]
    assert item.figure == "1 / 3 (33%)" and not item.ok
    assert waiting.id


def test_assessment_round_must_be_published_for_this_cycle_year(cast):
    year = default_year(cast.studio)
    assessment(cast.studio, cast.master, year=year - 1)
    assessment(cast.studio, cast.master, state="open")
    db.session.commit()
    assert not items_of(cast.studio)["assessment"].ok
    db.session.execute(db.update(AssessmentRound).where(AssessmentRound.year == year)
                       .values(state="published"))
    db.session.commit()
    assert items_of(cast.studio)["assessment"].ok


def many_studios(cast, n):
    programme = make_programme(name=f"项目{n}")
    studios = []
    for i in range(n):
        studio = make_studio(f"工作室{n}-{i}", programme_id=programme.id if i % 2 else None)
        studios.append(studio)
    db.session.flush()
    for studio in studios:
        from tests.conftest import join
        join(studio, cast.master, "master")
        make_case(studio, cast.master, state="approved", kind="practice")
        activities(studio, cast.master, 1)
        briefings(studio, cast.master, 1)
    db.session.commit()
    return studios


def test_the_checklist_costs_the_same_statements_for_2_and_20_studios(app, cast, queries):
    counts = []
    for n in (2, 20):
        studios = many_studios(cast, n)
        db.session.expire_all()
        studios = [db.session.get(type(s), s.id) for s in studios]
        with queries() as counter:
            result = readiness.checklists(studios)
        assert len(result) == n and all(len(v) == len(readiness.KEYS) for v in result.values())
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 8, counts


# --- the life cycle -------------------------------------------------------------------------
def page(studio, tail=""):
    return f"/studios/{studio.id}/certification{tail}"


def apply(client, studio, report="## 自评报告\n工作室按计划完成了各项任务。"):
    return client.post(page(studio), data={"report": report})


def decide(client, application, decision, reason="", confirm=False):
    data = {"decision": decision, "reason": reason}
    if confirm:
        data["confirm_unmet"] = "y"
    return client.post(page(application.studio, f"/{application.id}/decide"), data=data)


def rounds(studio):
    db.session.expire_all()
    return db.session.execute(db.select(Certification).where(Certification.studio_id == studio.id)
                              .order_by(Certification.round_no)).scalars().all()


def kinds_for(user):
    return sorted(n.kind for n in db.session.execute(
        db.select(Notification).where(Notification.user_id == user.id)).scalars())


def test_apply_return_apply_again_certify(cast, client):
    make_ready(cast)
    make_programme(studios=[cast.studio], certified_name_template="河南省{master}名师工作室",
                   certificate_prefix="豫名师")
    db.session.commit()
    login(client, cast.master)
    response = client.get(page(cast.studio))
    assert response.status_code == 200 and 'data-testid="apply-form"' in page_text(response)
    assert apply(client, cast.studio).status_code == 302
    first, = rounds(cast.studio)
    assert (first.round_no, first.state) == (1, "submitted")
    assert [i["key"] for i in first.readiness] == list(readiness.KEYS)
    assert "<h2>自评报告</h2>" in first.report_html
    assert kinds_for(cast.admin) == ["certification_applied"]
    assert apply(client, cast.studio).status_code == 409          # one round waits at a time

    login(client, cast.admin)
    assert "初中数学名师网络工作室" in page_text(client.get("/admin/certifications"))
    assert decide(client, first, "return", "").status_code == 400     # reasons required
    assert rounds(cast.studio)[0].state == "submitted"
    assert decide(client, first, "return", "自评报告缺少学时统计。").status_code == 302
    first = rounds(cast.studio)[0]
    assert (first.state, first.reason, first.decided_by_id) == ("returned", "自评报告缺少学时统计。",
                                                                cast.admin.id)
    assert "certification_returned" in kinds_for(cast.master)
    assert decide(client, first, "certify").status_code == 403        # already decided

    login(client, cast.master)
    text = page_text(client.get(page(cast.studio)))
    assert "自评报告缺少学时统计。" in text and 'data-testid="returned-note"' in text
    assert apply(client, cast.studio, "补充了学时统计。").status_code == 302
    second = rounds(cast.studio)[1]
    assert second.round_no == 2

    login(client, cast.admin)
    assert decide(client, second, "certify").status_code == 302
    second = rounds(cast.studio)[1]
    year = studio_today(cast.studio).year
    assert second.state == "certified" and second.certified_name == "河南省王名师名师工作室"
    assert second.certificate_number == f"豫名师{year}001"
    assert second.certified_on == studio_today(cast.studio)
    assert cast.studio.status == "certified"
    assert "certification_certified" in kinds_for(cast.master)
    assert [r.state for r in rounds(cast.studio)] == ["returned", "certified"]

    login(client, cast.master)
    assert apply(client, cast.studio).status_code == 409          # certified: nothing to apply for
    for who in (cast.master, cast.backbone, cast.new_teacher, cast.admin):
        login(client, who)
        response = client.get(f"/studios/{cast.studio.id}/certificate")
        assert response.status_code == 200
        assert "河南省王名师名师工作室" in page_text(response)
    login(client, cast.outsider)
    assert client.get(f"/studios/{cast.studio.id}/certificate").status_code == 403
    login(client, None)
    assert client.get(f"/studios/{cast.studio.id}/certificate").status_code == 302


@pytest.mark.parametrize("role,status", [("backbone", 403), ("new_teacher", 403),
                                         ("outsider", 403), ("admin", 403)])
def test_only_the_master_applies(cast, client, role, status):
    login(client, getattr(cast, role))
    assert apply(client, cast.studio).status_code == status
    assert rounds(cast.studio) == []


@pytest.mark.parametrize("role", ["master", "backbone", "new_teacher", "outsider"])
def test_only_the_office_decides(cast, client, role):
    application = make_application(cast.studio, cast.master)
    db.session.commit()
    login(client, getattr(cast, role))
    assert decide(client, application, "certify", "好").status_code == 403
    assert decide(client, application, "return", "不好").status_code == 403
    assert rounds(cast.studio)[0].state == "submitted"


def test_certifying_with_an_unmet_item_needs_confirmation_and_a_reason(cast, client):
    application = make_application(cast.studio, cast.master)
    db.session.commit()
    login(client, cast.admin)
    text = page_text(client.get(page(cast.studio, f"/{application.id}")))
    assert 'data-testid="unmet-warning"' in text
    assert decide(client, application, "certify").status_code == 400
    assert decide(client, application, "certify", "疫情期间活动线上开展，酌情认定。").status_code == 400
    assert decide(client, application, "certify", "", confirm=True).status_code == 400
    assert rounds(cast.studio)[0].state == "submitted"
    assert decide(client, application, "certify", "疫情期间活动线上开展，酌情认定。",
                  confirm=True).status_code == 302
    assert rounds(cast.studio)[0].state == "certified"


def test_a_region_office_decides_only_in_its_scope(cast, client):
    province = Region(name="河南省", level="province")
    db.session.add(province)
    db.session.flush()
    province.set_path()
    city, other = Region(name="郑州市", level="city", parent=province), \
        Region(name="洛阳市", level="city", parent=province)
    db.session.add_all([city, other])
    db.session.flush()
    city.set_path(), other.set_path()
    cast.studio.region_id = city.id
    office = make_user("luoyang", "洛阳市项目办", "x", is_admin=True, region_id=other.id)
    application = make_application(cast.studio, cast.master)
    db.session.commit()
    login(client, office)
    assert client.get(page(cast.studio, f"/{application.id}")).status_code == 403
    assert decide(client, application, "return", "不合格").status_code == 403
    assert "初中数学名师网络工作室" not in page_text(client.get("/admin/certifications"))


def test_the_round_page_shows_report_snapshot_and_live_checklist(cast, client):
    make_ready(cast)
    login(client, cast.master)
    apply(client, cast.studio)
    application, = rounds(cast.studio)
    login(client, cast.admin)
    text = page_text(client.get(page(cast.studio, f"/{application.id}")))
    assert 'data-testid="snapshot"' in text and 'data-testid="checklist"' in text
    assert 'data-testid="decision-form"' in text and "工作室按计划完成了各项任务" in text
    assert f'href="/studios/{cast.studio.id}/hours"' in text
    login(client, cast.backbone)
    assert client.get(page(cast.studio, f"/{application.id}")).status_code == 403


# --- numbers and names --------------------------------------------------------------------------
def test_numbers_run_per_prefix_and_year(cast):
    for i, number in enumerate(["豫名师2026001", "豫名师2026002", "豫名师2025007", "郑名师2026001"]):
        application = make_application(cast.other_studio, cast.other_master, state="certified",
                                       round_no=i + 1)
        application.certificate_number = number
    db.session.commit()
    assert operations.next_number("豫名师", 2026) == "豫名师2026003"
    assert operations.next_number("豫名师", 2027) == "豫名师2027001"
    assert operations.next_number("郑名师", 2026) == "郑名师2026002"
    assert operations.next_number("50%_", 2026) == "50%_2026001"


def test_a_taken_number_is_retried(cast, monkeypatch):
    taken = make_application(cast.other_studio, cast.other_master, state="certified")
    taken.certificate_number = "豫名师2026001"
    application = make_application(cast.studio, cast.master)
    db.session.commit()
    answers = iter(["豫名师2026001", "豫名师2026002"])        # another office took 001 first
    monkeypatch.setattr(operations, "next_number", lambda prefix, year: next(answers))
    operations.certify_studio(application, cast.admin, "酌情认定", confirm_unmet=True)
    db.session.commit()
    assert rounds(cast.studio)[0].certificate_number == "豫名师2026002"


@pytest.mark.parametrize("template,problem", [
    ("河南省{master}名师工作室", None), ("{region}{subject}{master}名师工作室", None),
    ("河南省{teacher}名师工作室", "teacher"), ("河南省{master名师工作室", "brace"),
    ("{master!r}", "master"), ("{master:>30}", "master"), ("{0}", "0"), ("{}", "{}"),
    ("{master.__class__}", "master.__class__")])
def test_template_placeholders(template, problem, app):
    found = operations.template_problem(template)
    assert (found is None) == (problem is None)


def test_the_certified_name_fills_the_placeholders(cast):
    cast.studio.subject = "数学"
    assert operations.certified_name("{region}{subject}{master}名师工作室", cast.studio) == \
        "河南省郑州市金水区数学王名师名师工作室"


# --- programmes -------------------------------------------------------------------------------
PROGRAMME = {"name": "河南省中小学名师网络工作室建设项目（2026–2029）",
             "certified_name_template": "河南省{master}名师工作室", "certificate_prefix": "豫名师",
             "excellent_cap": "30", "briefings_required": "3", "activities_per_year": "4",
             "standard_case_share": "90", "hours_share": "90", "review_coverage_share": "90",
             "review_days": "7"}


def test_the_office_sets_up_a_programme_and_its_studios(cast, client):
    login(client, cast.admin)
    assert client.get("/admin/programmes/new").status_code == 200
    response = client.post("/admin/programmes/new", data=PROGRAMME)
    assert response.status_code == 302
    programme = db.session.execute(db.select(Programme)).scalar_one()
    assert (programme.excellent_cap, programme.review_days) == (30, 7)
    response = client.post(f"/admin/programmes/{programme.id}/studios",
                           data={"studios": [str(cast.studio.id), "999999", "x"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert cast.studio.programme_id == programme.id and cast.other_studio.programme_id is None
    assert client.post(f"/admin/programmes/{programme.id}/studios", data={}).status_code == 302
    db.session.expire_all()
    assert cast.studio.programme_id is None
    edited = {**PROGRAMME, "excellent_cap": "", "hours_share": "80"}
    assert client.post(f"/admin/programmes/{programme.id}", data=edited).status_code == 302
    db.session.expire_all()
    assert (programme.excellent_cap, programme.hours_share) == (None, 80)


@pytest.mark.parametrize("field,value,message", [
    ("certified_name_template", "河南省{teacher}名师工作室", "{teacher}"),
    ("certified_name_template", "河南省{master名师工作室", "{master}"),
    ("hours_share", "101", ""), ("review_days", "0", ""), ("excellent_cap", "nan", ""),
    ("briefings_required", "99999999999999999999", ""), ("name", "", ""),
    ("name", "名" * 129, ""), ("certificate_prefix", "x\x00y", "")])
def test_bad_programme_input_is_refused_with_a_message(cast, client, field, value, message):
    login(client, cast.admin)
    response = client.post("/admin/programmes/new", data={**PROGRAMME, field: value})
    assert response.status_code == 400
    assert message in page_text(response)
    assert db.session.execute(db.select(Programme)).first() is None


def test_a_region_office_manages_only_its_programmes(cast, client):
    province = Region(name="河南省", level="province")
    db.session.add(province)
    db.session.flush()
    province.set_path()
    city = Region(name="洛阳市", level="city", parent=province)
    db.session.add(city)
    db.session.flush()
    city.set_path()
    office = make_user("luoyang", "洛阳市项目办", "x", is_admin=True, region_id=city.id)
    platform = make_programme()
    db.session.commit()
    login(client, office)
    assert client.get(f"/admin/programmes/{platform.id}").status_code == 403
    assert platform.name not in page_text(client.get("/admin/programmes"))
    assert client.post("/admin/programmes/new", data={**PROGRAMME, "name": "洛阳市项目"}).status_code == 302
    mine = db.session.execute(db.select(Programme).where(Programme.name == "洛阳市项目")).scalar_one()
    assert mine.region_id == city.id
    # its scope holds no studio of the cast: assigning them changes nothing
    client.post(f"/admin/programmes/{mine.id}/studios", data={"studios": [str(cast.studio.id)]})
    db.session.expire_all()
    assert cast.studio.programme_id is None


# --- bad input, list pages --------------------------------------------------------------------
@pytest.mark.parametrize("report,status", [("报告\x00", 400), ("长" * 50001, 400), ("", 400),
                                           ("   ", 400)])
def test_a_bad_report_is_refused_and_nothing_saved(cast, client, report, status):
    login(client, cast.master)
    response = apply(client, cast.studio, report)
    assert response.status_code == status
    assert rounds(cast.studio) == []


def test_a_huge_reason_is_refused(cast, client):
    application = make_application(cast.studio, cast.master)
    db.session.commit()
    login(client, cast.admin)
    assert decide(client, application, "return", "理由" * 20000).status_code == 400
    assert decide(client, application, "return", "理由\x00").status_code == 400
    assert decide(client, application, "maybe", "理由").status_code == 400
    assert rounds(cast.studio)[0].state == "submitted"


def test_list_pages_cost_the_same_for_few_and_many_rows(cast, client, queries):
    login(client, cast.admin)
    counts = []
    for n in (2, 12):
        for i in range(n - (2 if n == 12 else 0)):
            studio = make_studio(f"排队工作室{n}-{i}")
            db.session.flush()
            make_application(studio, cast.master)
            make_programme(name=f"项目{n}-{i}", studios=[studio])
        db.session.commit()
        with queries() as q_queue:
            assert client.get("/admin/certifications").status_code == 200
        with queries() as q_programmes:
            assert client.get("/admin/programmes").status_code == 200
        counts.append((q_queue.count, q_programmes.count))
    assert counts[0] == counts[1], counts


def test_the_studio_page_costs_the_same_for_one_round_and_many(cast, client, queries):
    login(client, cast.admin)
    counts = []
    for rounds_made in (1, 6):
        for n in range(len(rounds(cast.studio)) + 1, rounds_made + 1):
            returned = make_application(cast.studio, cast.master, state="returned", round_no=n,
                                        reason="请补充材料。")
            returned.decided_by_id, returned.decided_at = cast.admin.id, utcnow()
        db.session.commit()
        with queries() as counter:
            assert client.get(page(cast.studio)).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
