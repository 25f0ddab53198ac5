"""The office's dashboard (项目办数据看板): its figures against hand-built data, the filters,
the office's scope, who may open it, the XLSX export and a constant statement count."""
import io
import types
from datetime import date, datetime, timedelta

import pytest

from blueprints.dashboard import figures
from models import (Activity, Briefing, CaseVersion, Certification, HourEntry, Membership, Region,
                    Review, Studio)
from models.base import utcnow
from studio.extensions import db
from tests.conftest import join, login, login_en, make_studio, make_user, page_text
from tests.factories import make_case

URL = "/admin/dashboard"
EXPORT = "/admin/dashboard/export.xlsx"


def hours(studio, user, amount):
    db.session.add(HourEntry(studio_id=studio.id, user_id=user.id, amount=amount,
                             source="manual", reason="补录"))


def review(case, version, reviewer, at):
    db.session.add(Review(case_id=case.id, version_id=version.id, reviewer_id=reviewer.id,
                          verdict="approve", learner_analysis_score=4, lesson_design_score=4,
                          teaching_delivery_score=4, reflection_score=4, created_at=at))


def activity(studio, host, days_ago, title="专题研讨"):
    start = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    db.session.add(Activity(studio=studio, host_id=host.id, title=title, starts_at=start,
                            ends_at=start + timedelta(hours=2), hours=2))


def briefing(studio, author, state="published", number=None):
    db.session.add(Briefing(studio_id=studio.id, title="工作简报", state=state, number=number,
                            author_id=author.id))


def application(studio, master, round_no, state):
    db.session.add(Certification(studio_id=studio.id, round_no=round_no, state=state,
                                 applied_by_id=master.id))


def region(name, level, parent=None):
    node = Region(name=name, level=level, parent=parent)
    db.session.add(node)
    db.session.flush()
    node.set_path()
    return node


@pytest.fixture
def figures_data(cast):
    """Studio A: backbone reaches 60 h, the new teacher has 30 of 50; cases submitted,
    approved and a draft; first reviews after 2 h and 10 h; two activities this cycle year,
    one before it and one to come; two briefings published and a draft; a returned round
    then a pending one. Studio B has nothing."""
    s = cast.studio
    s.cycle_start = date.today() - timedelta(days=400)       # this cycle year began 35 days ago
    hours(s, cast.backbone, 60)
    hours(s, cast.new_teacher, 20)
    hours(s, cast.new_teacher, 10)
    submitted = make_case(s, cast.new_teacher, state="submitted", reviewer=cast.backbone)
    approved = make_case(s, cast.backbone, state="approved", reviewer=cast.master, kind="excellent")
    make_case(s, cast.new_teacher, state="draft")
    when = datetime(2026, 3, 2, 8, 0)
    for case, first in ((submitted, 2), (approved, 10)):
        version = db.session.query(CaseVersion).filter_by(case_id=case.id).one()
        version.submitted_at = when
        review(case, version, cast.master, when + timedelta(hours=first))
        review(case, version, cast.master, when + timedelta(hours=first + 30))
    for days_ago in (3, 20):
        activity(s, cast.master, days_ago)
    activity(s, cast.master, 60, title="上个年度的活动")
    activity(s, cast.master, -5, title="下周的活动")
    briefing(s, cast.master, number=1)
    briefing(s, cast.master, number=2)
    briefing(s, cast.master, state="draft")
    application(s, cast.master, 1, "returned")
    application(s, cast.master, 2, "submitted")
    db.session.commit()
    return cast


def rows_by_name(cast, user=None, **filters):
    from blueprints.dashboard import board
    flt = board.Filters(**filters)
    rows, _, _ = board.build_rows(board.scope_of(user or cast.admin, flt))
    return {r.studio.name: r for r in rows}


def test_figures_against_hand_built_data(figures_data):
    cast = figures_data
    rows = rows_by_name(cast)
    a, b = rows[cast.studio.name], rows[cast.other_studio.name]
    assert a.members == {"master": 1, "backbone": 1, "new_teacher": 1}
    assert a.reached == {"master": 0, "backbone": 1, "new_teacher": 0}
    assert (a.share("backbone"), a.share("new_teacher")) == (100, 0)
    assert a.new_teachers_short
    assert a.cases == {"submitted": 1, "approved": 1}          # the draft is not counted
    assert a.median_hours == 6.0                               # median of 2 h and 10 h
    assert a.activities == 2
    assert a.briefings == 2 and a.rules.briefings_required == 3
    assert a.certification == "submitted"                      # the latest round
    from blueprints.certification.readiness import checklists
    items = checklists([cast.studio])[cast.studio.id]
    assert len(items) == 8 and a.readiness == (sum(i.ok for i in items), 8)
    assert b.members == {"master": 1, "backbone": 0, "new_teacher": 1}
    assert (b.cases, b.median_hours, b.activities, b.briefings, b.certification) == (
        {}, None, 0, 0, "none")
    assert b.share("backbone") is None


def test_the_page_shows_the_figures_and_the_charts_data(figures_data, client):
    cast = figures_data
    text = page_text(login_en(client, cast.admin).get(URL))
    assert "Dashboard" in text and cast.studio.name in text and cast.other_studio.name in text
    for words in ("Awaiting decision", "Not applied", "2 / 3", "2 / 4", "6.0 h", "1 / 2",
                  "below the minimum", 'id="dashboard-data"', "echarts.min.js",
                  "The figures as a table"):
        assert words in text, words
    assert "Readiness" in text
    import json
    import re
    data = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', text, re.S).group(1))
    assert set(data) == {"hours", "cases", "briefings", "activities", "certification"}
    names = data["hours"]["categories"]
    a = names.index(cast.studio.name)
    assert [s["data"][a] for s in data["hours"]["series"]] == [100, 0]
    assert {s["name"]: s["data"] for s in data["certification"]["series"]}["Awaiting decision"] == 1


def test_the_page_is_in_chinese_by_default(figures_data, client):
    text = page_text(login(client, figures_data.admin).get(URL))
    for words in ("数据看板", "待审核", "未申请", "学时达标", "工作简报"):
        assert words in text, words


def test_readiness_column_counts_the_checklist_items_met(figures_data, client):
    """Items met of the eight, from the live checklist: the studio with two briefings of
    three misses that item; publishing a third one makes it met."""
    from blueprints.certification.readiness import checklists
    cast = figures_data
    before = dict((i.key, i.ok) for i in checklists([cast.studio])[cast.studio.id])
    assert before["briefings"] is False
    met = sum(before.values())
    text = page_text(login_en(client, cast.admin).get(URL))
    assert "Readiness" in text and f"{met} / 8" in text
    from models.briefing import Briefing
    db.session.add(Briefing(studio_id=cast.studio.id, number=99, title="第三期", body="",
                            body_html="", state="published", author_id=cast.master.id))
    db.session.commit()
    assert rows_by_name(cast)[cast.studio.name].readiness == (met + 1, 8)


def test_cycle_year_start():
    s = Studio(cycle_start=date(2025, 9, 1))
    assert figures.cycle_year_start(s, date(2026, 8, 31)) == date(2025, 9, 1)
    assert figures.cycle_year_start(s, date(2026, 9, 1)) == date(2026, 9, 1)
    assert figures.cycle_year_start(Studio(), date(2026, 5, 5)) == date(2026, 1, 1)
    assert figures.cycle_year_start(Studio(cycle_start=date(2024, 2, 29)),
                                    date(2025, 3, 10)) == date(2025, 3, 1)
    assert figures.median_hours([3600, 7200, 36000]) == 2.0 and figures.median_hours([]) is None


@pytest.mark.parametrize("query,shown", [
    ("subject=语文", {"小学语文名师网络工作室"}),
    ("stage=junior", {"初中数学名师网络工作室"}),
    ("status=active", {"初中数学名师网络工作室", "小学语文名师网络工作室"}),
    ("status=closed", set()),
])
def test_filters(cast, client, query, shown):
    response = login(client, cast.admin).get(f"{URL}?{query}")
    assert response.status_code == 200
    text = page_text(response)
    assert {n for n in ("初中数学名师网络工作室", "小学语文名师网络工作室")
            if f">{n}</a>" in text} == shown


@pytest.fixture
def regions(cast):
    """河南省 → 郑州市 → 金水区 / 二七区; studio A in 金水区, studio B in 二七区, a third in
    洛阳市; a county office for 金水区 and a city office for 郑州市."""
    henan = region("河南省", "province")
    zhengzhou = region("郑州市", "city", henan)
    jinshui, erqi = region("金水区", "county", zhengzhou), region("二七区", "county", zhengzhou)
    luoyang = region("洛阳市", "city", henan)
    cast.studio.region_id, cast.other_studio.region_id = jinshui.id, erqi.id
    third = make_studio("高中英语名师网络工作室", subject="英语", school_stage="senior",
                        region_id=luoyang.id)
    h = cast.admin.password_hash
    county = make_user("jinshui_office", "金水区教育局", h, is_admin=True, region_id=jinshui.id)
    city = make_user("zhengzhou_office", "郑州市教育局", h, is_admin=True, region_id=zhengzhou.id)
    db.session.commit()
    return types.SimpleNamespace(henan=henan, zhengzhou=zhengzhou, jinshui=jinshui, erqi=erqi,
                                 luoyang=luoyang, third=third, county=county, city=city)


def shown(response):
    text = page_text(response)
    return {n for n in ("初中数学名师网络工作室", "小学语文名师网络工作室", "高中英语名师网络工作室")
            if f">{n}</a>" in text}


def test_scope_of_offices(cast, regions, client):
    everything = {"初中数学名师网络工作室", "小学语文名师网络工作室", "高中英语名师网络工作室"}
    assert shown(login(client, cast.admin).get(URL)) == everything
    assert shown(login(client, regions.city).get(URL)) == everything - {"高中英语名师网络工作室"}
    response = login(client, regions.county).get(URL)
    assert shown(response) == {"初中数学名师网络工作室"}
    text = page_text(response)
    assert "金水区" in text and "二七区" not in text and "洛阳市" not in text   # region choices
    assert "英语" not in text                                                   # subject choices


def test_region_filter_takes_the_subtree(cast, regions, client):
    login(client, cast.admin)
    assert shown(client.get(f"{URL}?region={regions.zhengzhou.id}")) == {
        "初中数学名师网络工作室", "小学语文名师网络工作室"}
    assert shown(client.get(f"{URL}?region={regions.erqi.id}")) == {"小学语文名师网络工作室"}


def test_an_office_cannot_filter_outside_its_scope(cast, regions, client):
    response = login_en(client, regions.county).get(f"{URL}?region={regions.luoyang.id}")
    assert response.status_code == 400
    assert "That region is not one you oversee." in page_text(response)
    assert shown(response) == {"初中数学名师网络工作室"}          # still only its own studios
    assert login(client, regions.county).get(
        f"{EXPORT}?region={regions.luoyang.id}").status_code == 400


@pytest.mark.parametrize("query", [
    "region=abc", "region=99999999999999999999", "region=%00", "subject=%00", "stage=nan",
    "status=" + "x" * 5000, "subject=" + "数" * 3000, "region=-1", "region=NaN",
])
def test_hostile_filters_get_a_4xx(cast, client, query):
    response = login(client, cast.admin).get(f"{URL}?{query}")
    assert 400 <= response.status_code < 500
    assert login(client, cast.admin).get(f"{EXPORT}?{query}").status_code < 500


@pytest.mark.parametrize("role,status", [("anonymous", 302), ("master", 403), ("backbone", 403),
                                         ("new_teacher", 403), ("outsider", 403),
                                         ("admin", 200)])
def test_who_may_open_it(cast, client, role, status):
    login(client, None if role == "anonymous" else getattr(cast, role))
    for url in (URL, EXPORT):
        response = client.get(url)
        assert response.status_code == status
        if role == "anonymous":
            assert "/login" in response.headers["Location"]


def test_xlsx_export(figures_data, client):
    from openpyxl import load_workbook
    cast = figures_data
    cast.other_studio.name = "=HYPERLINK(\"http://x\")工作室"
    db.session.commit()
    response = login_en(client, cast.admin).get(f"{EXPORT}?stage=junior")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Studios shown"] == 1 and summary["Awaiting decision"] == 1
    assert summary["Review turnaround median (hours)"] == 6.0
    sheet = book["Studio by studio"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    row = dict(zip(header, rows[0]))
    assert row["Studio"] == cast.studio.name and row["New teachers"] == 1
    assert row["Backbone reaching hours (%)"] == 100 and row["Approved"] == 1
    assert row["Briefings published"] == 2 and row["Certification"] == "Awaiting decision"
    everything = load_workbook(io.BytesIO(login(client, cast.admin).get(EXPORT).data))["各工作室明细"]
    cell = next(c for c in everything["A"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"                               # text, never a formula


def add_studios(n, password_hash, prefix="规模"):
    """``n`` studios, each with a master, two backbones, three new teachers, hours, two cases
    reviewed, an activity, a briefing and an application."""
    for i in range(n):
        studio = make_studio(f"{prefix}{i}名师工作室", subject="数学" if i % 2 else "物理")
        people = [make_user(f"{prefix}{i}u{k}", f"教师{i}-{k}", password_hash) for k in range(6)]
        db.session.flush()
        for k, user in enumerate(people):
            join(studio, user, "master" if k == 0 else "backbone" if k < 3 else "new_teacher")
            hours(studio, user, 30 + 10 * k)
        for k in (1, 3):
            case = make_case(studio, people[k], state="approved", reviewer=people[0])
            version = db.session.query(CaseVersion).filter_by(case_id=case.id).one()
            review(case, version, people[0], version.submitted_at + timedelta(hours=k))
        activity(studio, people[0], 3)
        briefing(studio, people[0], number=1)
        application(studio, people[0], 1, "certified" if i % 3 else "returned")
    db.session.commit()


def test_statement_count_does_not_grow_with_the_studios(cast, client, queries):
    login(client, cast.admin)
    counts = []
    for n in (2, 18):                           # 4 then 22 studios with the cast's two
        add_studios(n, cast.admin.password_hash, prefix=f"s{n}-")
        for url in (URL, EXPORT):
            with queries() as counter:
                assert client.get(url).status_code == 200
            counts.append(counter.count)
    assert counts[:2] == counts[2:], counts
    assert counts[0] <= 20, counts            # the figures and the readiness checklist (8)


def test_nobody_in_scope_shows_an_empty_page(cast, regions, client):
    empty = region("新区", "county", regions.zhengzhou)
    office = make_user("new_office", "新区教育局", cast.admin.password_hash, is_admin=True,
                       region_id=empty.id)
    db.session.commit()
    response = login_en(client, office).get(URL)
    assert response.status_code == 200
    assert "No studio matches these filters." in page_text(response)
    assert login(client, office).get(EXPORT).status_code == 200


def test_members_and_departed_members(cast):
    """A member who left is not counted against the quota."""
    db.session.query(Membership).filter_by(user_id=cast.new_teacher.id).one().active = False
    db.session.commit()
    assert rows_by_name(cast)[cast.studio.name].members["new_teacher"] == 0


def test_the_dashboard_scope_is_the_twin_of_oversees(cast, regions):
    """For every office, the studios on its dashboard are exactly those it oversees."""
    studios = db.session.query(Studio).all()
    for office in (cast.admin, regions.city, regions.county, cast.master):
        names = set(rows_by_name(cast, user=office))
        assert names == {s.name for s in studios if office.oversees(s)}, office.username
