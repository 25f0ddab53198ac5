"""Lesson observations (听课记录): who records and who sees them, the per-term target in the
tracker and on 我的待办, the hours they may credit (and take back), bad input."""
import re
import types
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import HourEntry, MentorGroup, MentorGroupMember, Studio
from models.observation import Observation
from studio.dates import studio_today, term_bounds
from studio.extensions import db
from tests.conftest import join, make_user, mentor
from tests.coreloop import build_studio, count, login, section, text
from tests.factories import make_case, make_observation, make_plan


@pytest.fixture
def people(cast, _password_hash):
    """The cast plus a second mentee of the same mentor and a second mentor group."""
    h = _password_hash
    p = types.SimpleNamespace(**vars(cast))
    p.mentee2 = make_user("mentee2", "吴新师", h)
    p.backbone2 = make_user("backbone2", "刘骨干", h)
    p.peer = make_user("peer", "周新师", h)
    join(cast.studio, p.mentee2, "new_teacher")
    join(cast.studio, p.backbone2, "backbone")
    join(cast.studio, p.peer, "new_teacher")
    db.session.flush()
    group = db.session.execute(select(MentorGroup).where(
        MentorGroup.mentor_id == cast.backbone.id)).scalar_one()
    db.session.add(MentorGroupMember(group=group, mentee=p.mentee2))
    mentor(cast.studio, p.backbone2, p.peer)
    db.session.commit()
    return p


def base(studio):
    return f"/studios/{studio.id}/observations"


def form(**overrides):
    data = {"observed_on": str(date.today()), "teacher": "刘老师", "school": "郑州市第八中学",
            "subject": "数学", "grade": "八年级", "topic": "一次函数的图像",
            "learner_analysis": "学生已会描点。", "lesson_design": "由表格到图像。",
            "teaching_delivery": "小组合作充分。", "reflection": "板书可更清晰。",
            "rating": "excellent", "overall": "值得学习。"}
    data.update(overrides)
    return data


# --- the term (学期) ---------------------------------------------------------------------------

@pytest.mark.parametrize("day,first,last,kind", [
    (date(2027, 2, 1), date(2027, 2, 1), date(2027, 7, 31), "spring"),
    (date(2027, 7, 31), date(2027, 2, 1), date(2027, 7, 31), "spring"),
    (date(2026, 8, 1), date(2026, 8, 1), date(2027, 1, 31), "autumn"),
    (date(2027, 1, 31), date(2026, 8, 1), date(2027, 1, 31), "autumn"),  # winter holiday
    (date(2026, 12, 2), date(2026, 8, 1), date(2027, 1, 31), "autumn"),
])
def test_a_term_is_february_to_july_or_august_to_january(day, first, last, kind):
    assert term_bounds(day) == (first, last, kind)


# --- recording and seeing ------------------------------------------------------------------------

def test_a_new_teacher_records_an_observation_and_her_mentor_reads_it(client, people):
    login(client, people.new_teacher, "zh_CN")
    response = client.post(f"{base(people.studio)}/new", data=form())
    assert response.status_code == 302
    observation = db.session.execute(select(Observation)).scalar_one()
    assert (observation.author_id, observation.topic, observation.rating) == (
        people.new_teacher.id, "一次函数的图像", "excellent")
    assert count(HourEntry) == 0                       # the studio credits no hours by default
    page = text(client.get(response.headers["Location"]))
    assert "听课记录已保存" in page and "小组合作充分。" in page and "优秀" in page
    assert "学情分析" in page and "教学实施" in page   # the notes under the rubric's dimensions
    for who in ("backbone", "master", "admin"):
        login(client, getattr(people, who))
        assert client.get(f"{base(people.studio)}/{observation.id}").status_code == 200
    for who in ("backbone2", "mentee2", "peer"):      # not their mentee, not theirs
        login(client, getattr(people, who))
        assert client.get(f"{base(people.studio)}/{observation.id}").status_code == 403
    login(client, people.outsider)
    assert client.get(f"{base(people.studio)}/{observation.id}").status_code == 403


def test_the_project_office_reads_but_does_not_change(client, people):
    observation = make_observation(people.studio, people.new_teacher)
    db.session.commit()
    login(client, people.admin)
    page = text(client.get(f"{base(people.studio)}/{observation.id}"))
    assert "/edit" not in page and "delete-observation" not in page
    assert client.post(f"{base(people.studio)}/{observation.id}/edit",
                       data=form(topic="改")).status_code == 403
    assert client.post(f"{base(people.studio)}/{observation.id}/delete").status_code == 403
    assert client.post(f"{base(people.studio)}/new", data=form()).status_code == 403
    assert db.session.get(Observation, observation.id).topic == "一次函数的图像"


LIST_VIEWERS = ["admin", "master", "backbone", "backbone2", "new_teacher", "mentee2", "peer",
                "outsider"]


@pytest.mark.parametrize("viewer", LIST_VIEWERS)
def test_the_list_equals_the_page_rule_for_every_viewer(client, people, viewer):
    authors = ("master", "backbone", "backbone2", "new_teacher", "mentee2", "peer")
    made = [make_observation(people.studio, getattr(people, who), topic=f"课-{who}")
            for who in authors]
    make_observation(people.other_studio, people.outsider, topic="课-outsider")
    db.session.commit()
    user = getattr(people, viewer)
    visible = {o.topic for o in made if o.can_view(user)}
    listed = db.session.execute(Observation.visible_to(people.studio, user)).scalars().all()
    assert {o.topic for o in listed} == visible
    expected = {"admin": set(authors), "master": set(authors),
                "backbone": {"backbone", "new_teacher", "mentee2"},
                "backbone2": {"backbone2", "peer"}, "new_teacher": {"new_teacher"},
                "mentee2": {"mentee2"}, "peer": {"peer"}, "outsider": set()}[viewer]
    assert visible == {f"课-{who}" for who in expected}
    login(client, user)
    response = client.get(base(people.studio))
    if viewer == "outsider":
        assert response.status_code == 403
        return
    shown = set(re.findall(r'/observations/\d+">([^<]+)</a>',
                           section(text(response), "observation-list", "</table>")))
    assert shown == visible
    for observation in made:                 # the page agrees with the list, one by one
        status = client.get(f"{base(people.studio)}/{observation.id}").status_code
        assert status == (200 if observation.topic in visible else 403)


# --- a lesson case logged as an observation ---------------------------------------------------------

def test_the_case_page_offers_to_log_it_and_the_form_is_prefilled(client, people):
    case = make_case(people.studio, people.new_teacher, state="approved", reviewer=people.backbone)
    db.session.commit()
    login(client, people.peer, "zh_CN")
    page = text(client.get(f"/studios/{people.studio.id}/cases/{case.id}"))
    assert "记为听课记录" in page
    page = text(client.get(f"{base(people.studio)}/new?case={case.id}"))
    assert 'value="张新师"' in page and 'value="行程问题"' in page and 'value="七年级"' in page
    assert client.post(f"{base(people.studio)}/new?case={case.id}",
                       data=form(case_id=str(case.id))).status_code == 302
    assert db.session.execute(select(Observation.case_id)).scalar_one() == case.id


def test_a_case_the_member_may_not_see_is_neither_shown_nor_linked(client, people):
    draft = make_case(people.studio, people.mentee2, state="draft", title="秘密草稿")
    db.session.commit()
    login(client, people.peer)
    page = text(client.get(f"{base(people.studio)}/new?case={draft.id}"))
    assert "秘密草稿" not in page and 'value="吴新师"' not in page
    assert client.post(f"{base(people.studio)}/new", data=form(case_id=str(draft.id))).status_code == 302
    assert db.session.execute(select(Observation.case_id)).scalar_one() is None


# --- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value,message", [
    ("observed_on", str(date.today() + timedelta(days=3)), "听课日期须在 2000-01-01 至今天之间"),
    ("observed_on", "1999-12-31", "听课日期须在 2000-01-01 至今天之间"),
    ("observed_on", "昨天", "请输入听课日期"),
    ("observed_on", "", "请输入听课日期"),
    ("teacher", "   ", "请输入授课教师"),
    ("topic", "", "请输入课题"),
    ("rating", "superb", "Not a valid choice"),
    ("overall", "长" * 5001, "5000"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(client, people, field, value,
                                                               message):
    login(client, people.new_teacher, "zh_CN")
    response = client.post(f"{base(people.studio)}/new", data=form(**{field: value}))
    assert response.status_code == 400
    page = text(response)
    assert message in page or (message == "Not a valid choice" and "role=\"alert\"" in page)
    assert 'value="刘老师"' in page or field == "teacher"     # what was typed comes back
    assert count(Observation) == 0


# --- targets and hours -------------------------------------------------------------------------------

def test_the_master_sets_targets_and_hours_and_bad_numbers_are_refused(client, people):
    url = f"{base(people.studio)}/rules"
    login(client, people.master, "zh_CN")
    for hours in ("NaN", "sNaN", "inf", "1e999", "-1", "100"):
        response = client.post(url, data={"observation_target_backbone": "30",
                                          "observation_target_new_teacher": "20",
                                          "observation_hours": hours})
        assert response.status_code == 400, hours
        assert "学时" in text(response)
    for target in ("501", "-3", "²", "NaN", ""):
        response = client.post(url, data={"observation_target_backbone": target,
                                          "observation_target_new_teacher": "20",
                                          "observation_hours": "1"})
        assert response.status_code == 400, target
        assert "0 到 500" in text(response)
    studio = db.session.get(Studio, people.studio.id)
    db.session.refresh(studio)
    assert (studio.observation_target_backbone, studio.observation_target_new_teacher,
            studio.observation_hours) == (25, 25, 0)
    assert client.post(url, data={"observation_target_backbone": "30",
                                  "observation_target_new_teacher": "20",
                                  "observation_hours": "0.55"}).status_code == 302
    db.session.refresh(studio)
    assert (studio.observation_target_backbone, studio.observation_target_new_teacher,
            studio.observation_hours) == (30, 20, 0.6)
    login(client, people.backbone)
    assert client.post(url, data={"observation_target_backbone": "1",
                                  "observation_target_new_teacher": "1",
                                  "observation_hours": "9"}).status_code == 403


def test_hours_per_observation_are_credited_once_and_taken_back_on_removal(client, people):
    people.studio.observation_hours = 1.5
    db.session.commit()
    login(client, people.new_teacher)
    response = client.post(f"{base(people.studio)}/new", data=form())
    observation = db.session.execute(select(Observation)).scalar_one()
    credit = db.session.execute(select(HourEntry)).scalar_one()
    assert (credit.source, credit.source_id, credit.amount, credit.user_id) == (
        "observation", observation.id, 1.5, people.new_teacher.id)
    client.post(f"{base(people.studio)}/{observation.id}/edit", data=form(topic="二次函数"))
    assert count(HourEntry) == 1                       # a change credits nothing more
    assert client.post(f"{base(people.studio)}/{observation.id}/delete").status_code == 302
    assert count(Observation) == 0
    entries = db.session.execute(select(HourEntry).order_by(HourEntry.id)).scalars().all()
    assert [e.amount for e in entries] == [1.5, -1.5]    # the ledger keeps both lines
    assert "撤销听课记录学时" in entries[1].reason and "二次函数" in entries[1].reason
    login(client, people.new_teacher)
    page = text(client.get(f"/studios/{people.studio.id}/hours/{people.new_teacher.id}"))
    assert "撤销听课记录学时" in page
    assert response.status_code == 302
    assert entries[1].source == "reversal" and entries[1].source_id == entries[0].id


def test_an_observation_recorded_after_one_was_removed_credits_its_hours(client, people):
    """The removed observation's id is not given again (SQLite would reuse the highest id):
    the new one is credited, not mistaken for the removed one's credit."""
    people.studio.observation_hours = 1.5
    db.session.commit()
    login(client, people.new_teacher)
    client.post(f"{base(people.studio)}/new", data=form())
    first = db.session.execute(select(Observation)).scalar_one()
    assert client.post(f"{base(people.studio)}/{first.id}/delete").status_code == 302
    assert client.post(f"{base(people.studio)}/new", data=form(topic="勾股定理")).status_code == 302
    second = db.session.execute(select(Observation)).scalar_one()
    assert second.id != first.id
    amounts = db.session.execute(select(HourEntry.amount).order_by(HourEntry.id)).scalars().all()
    assert amounts == [1.5, -1.5, 1.5]


# --- the tracker and 我的待办 -----------------------------------------------------------------------

def test_the_tracker_and_the_todo_count_this_terms_observations(client, people):
    today = studio_today(people.studio)
    first, _last, _kind = term_bounds(today)
    for n in range(3):
        make_observation(people.studio, people.new_teacher, observed_on=today, topic=f"本学期{n}")
    make_observation(people.studio, people.new_teacher, observed_on=first - timedelta(days=1),
                     topic="上学期")
    make_observation(people.studio, people.backbone, observed_on=first)
    people.studio.observation_target_new_teacher = 12
    db.session.commit()
    login(client, people.master, "zh_CN")
    page = text(client.get(f"/studios/{people.studio.id}/progress"))
    rows = {m.group(1): m.group(0)
            for m in re.finditer(r"<tr><td>([^<]+)</td>.*?</tr>", page, re.S)}
    assert re.search(r'data-testid="observed"><span class="late">3 / 12<', rows["张新师"])
    assert "1 / 25" in rows["李骨干"] and "0 / 12" in rows["吴新师"]
    login(client, people.new_teacher, "zh_CN")
    home = text(client.get(f"/studios/{people.studio.id}/"))
    assert "听课 3 / 12" in section(home, "todo-year")
    assert "尚未撰写" in section(home, "todo-year")           # no growth plan yet
    mine = text(client.get(base(people.studio)))
    assert re.search(r'my-observation-count">3 / 12<', mine)


def test_the_tracker_costs_the_same_queries_for_10_and_100_new_teachers(client, _password_hash,
                                                                        queries):
    from tests.coreloop import queries_on_page
    counts = {}
    for n in (10, 100):
        studio, master, backbones, news = build_studio(_password_hash, f"听课{n}", n)
        for i, teacher in enumerate(news):
            make_observation(studio, teacher, topic=f"课{i}")
            if i % 2:
                make_plan(studio, teacher, versions=1 + i % 3)
        db.session.commit()
        counts[n] = {
            "progress": queries_on_page(client, queries, master, f"/studios/{studio.id}/progress"),
            "observations": queries_on_page(client, queries, master,
                                            f"/studios/{studio.id}/observations"),
            "plans": queries_on_page(client, queries, master, f"/studios/{studio.id}/plans"),
            "mentor plans": queries_on_page(client, queries, backbones[0],
                                            f"/studios/{studio.id}/plans"),
            "home": queries_on_page(client, queries, news[1], f"/studios/{studio.id}/"),
        }
    assert counts[10] == counts[100]
