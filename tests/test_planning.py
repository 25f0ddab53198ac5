"""Collective lesson planning (集体备课): the shared plan of an activity, its sections given
out by the host, each save a version with its author, the version check that stops a second
editor from silently overwriting the first, the escaped diff, and the plan used as the design
of a member's lesson case."""
import os
import re

import pytest

from blueprints.activities import planning_operations as planning
from models import LessonCase, Notification
from models.lesson_plan import PlanSection, SectionVersion
from studio.extensions import db
from tests.conftest import login, page_text
from tests.factories import make_activity, make_case


@pytest.fixture
def activity(cast):
    a = make_activity(cast.studio, cast.master, [cast.backbone, cast.new_teacher])
    db.session.commit()
    return a


def url(activity, tail=""):
    return f"/studios/{activity.studio_id}/activities/{activity.id}/plan{tail}"


def versions(activity, name):
    return db.session.execute(
        db.select(SectionVersion).join(PlanSection).where(PlanSection.name == name)
        .order_by(SectionVersion.number)).scalars().all()


def section(activity, name):
    return planning.plan_of(activity).section(name)


def started_from(response):
    return re.search(r'name="started_from"[^>]*value="(\d+)"',
                     response.get_data(as_text=True)).group(1)


def test_the_plan_has_six_sections_read_by_whoever_sees_the_activity(cast, client, activity):
    login(client, cast.new_teacher)
    text = page_text(client.get(url(activity)))
    for heading in ("教学目标", "学情分析", "教学重难点", "教学过程", "板书设计", "作业设计"):
        assert heading in text
    assert 'data-testid="edit-objectives"' not in text       # an invited member reads
    login(client, cast.outsider)
    assert client.get(url(activity)).status_code == 403
    seminar = make_activity(cast.studio, cast.master, [cast.new_teacher], kind="seminar",
                            title="专题研讨")
    db.session.commit()
    login(client, cast.master)
    assert client.get(url(seminar)).status_code == 404
    # the activity page links to its plan
    assert url(activity) in client.get(url(activity).rsplit("/plan", 1)[0]).get_data(as_text=True)


def test_the_host_assigns_a_section_and_only_the_assignee_host_and_master_edit_it(
        cast, client, activity):
    login(client, cast.master)
    client.get(url(activity))
    objectives = section(activity, "objectives")
    response = client.post(url(activity, "/objectives/assign"),
                           data={"assignee_id": str(cast.new_teacher.id)})
    assert response.status_code == 302
    assert section(activity, "objectives").assignee_id == cast.new_teacher.id
    assert db.session.execute(db.select(Notification).where(
        Notification.user_id == cast.new_teacher.id,
        Notification.kind == "plan_section_assigned")).scalar_one()
    # a member of another studio cannot be given a section; nothing changes
    response = client.post(url(activity, "/objectives/assign"),
                           data={"assignee_id": str(cast.outsider.id)})
    assert response.status_code == 400 and "受邀" in page_text(response)
    db.session.expire_all()
    assert section(activity, "objectives").assignee_id == cast.new_teacher.id
    # who edits: the assignee, the host (the master here); the other invited member does not
    expected = {"new_teacher": 200, "master": 200, "backbone": 403, "admin": 403,
                "outsider": 403}
    for role, status in expected.items():
        login(client, getattr(cast, role))
        assert client.get(url(activity, "/objectives/edit")).status_code == status, role
        assert client.post(url(activity, "/objectives/edit"),
                           data={"body": "x", "started_from": "0"}).status_code in (
            (302, 409) if status == 200 else (403,)), role
    assert objectives.id
    # only the host (or master) hands out sections
    login(client, cast.new_teacher)
    assert client.post(url(activity, "/process/assign"),
                       data={"assignee_id": str(cast.new_teacher.id)}).status_code == 403
    login(client, None)
    assert client.get(url(activity, "/objectives/edit")).status_code == 302


def test_a_backbone_host_runs_the_plan_of_their_own_activity(cast, client):
    own = make_activity(cast.studio, cast.backbone, [cast.new_teacher], title="集体备课：一次函数")
    db.session.commit()
    login(client, cast.backbone)
    client.get(url(own))
    assert client.post(url(own, "/board/assign"),
                       data={"assignee_id": str(cast.new_teacher.id)}).status_code == 302
    login(client, cast.new_teacher)
    response = client.post(url(own, "/board/edit"), data={"body": "板书：y=kx+b", "started_from": "0"})
    assert response.status_code == 302
    login(client, cast.master)        # the master may step in
    assert client.get(url(own, "/board/edit")).status_code == 200


def test_two_editors_of_one_section_the_second_save_is_refused_and_loses_nothing(
        cast, app, client, activity):
    login(client, cast.master)
    client.get(url(activity))
    client.post(url(activity, "/process/assign"), data={"assignee_id": str(cast.backbone.id)})
    client.post(url(activity, "/process/edit"), data={"body": "一、导入", "started_from": "0"})
    other = app.test_client()
    login(other, cast.backbone)
    first = client.get(url(activity, "/process/edit"))     # the host opens the section
    second = other.get(url(activity, "/process/edit"))     # so does the assignee
    assert started_from(first) == started_from(second) == "1"
    # the assignee is told who else has it open
    assert "王名师 正在编辑此部分" in page_text(second)
    saved = other.post(url(activity, "/process/edit"),
                       data={"body": "一、导入\n二、探究：拼图验证", "started_from": "1"})
    assert saved.status_code == 302
    late = client.post(url(activity, "/process/edit"),
                       data={"body": "一、导入\n二、讲授：赵爽弦图", "started_from": "1"})
    assert late.status_code == 409
    text = page_text(late)
    assert "李骨干 保存了此部分" in text
    assert "二、探究：拼图验证" in text                      # their text beside…
    assert "二、讲授：赵爽弦图" in text                      # …the typed text, kept in the form
    assert started_from(late) == "2"
    db.session.expire_all()
    assert [(v.number, v.author_id, v.body) for v in versions(activity, "process")] == [
        (1, cast.master.id, "一、导入"), (2, cast.backbone.id, "一、导入\n二、探究：拼图验证")]
    # having merged, the host saves on top of the assignee's version
    merged = client.post(url(activity, "/process/edit"), data={
        "body": "一、导入\n二、探究：拼图验证\n三、讲授：赵爽弦图", "started_from": "2"})
    assert merged.status_code == 302
    db.session.expire_all()
    assert [v.number for v in versions(activity, "process")] == [1, 2, 3]


def test_the_version_check_holds_without_the_form(cast, activity):
    plan = planning.ensure_plan(activity)
    planning.save_section(plan.section("homework"), cast.master, "A组：基础题", 0)
    db.session.commit()
    with pytest.raises(planning.SectionConflict) as refused:
        planning.save_section(plan.section("homework"), cast.master, "B组：拓展题", 0)
    assert refused.value.theirs.body == "A组：基础题"


def test_versions_keep_their_authors_and_the_diff_is_escaped(cast, client, activity):
    plan = planning.ensure_plan(activity)
    planning.save_section(plan.section("key_points"), cast.master, "重点：勾股定理\n难点：证明", 0)
    planning.save_section(plan.section("key_points"), cast.master,
                          "重点：勾股定理\n难点：<script>alert(1)</script>**证明**", 1)
    db.session.commit()
    login(client, cast.new_teacher)
    page = client.get(url(activity, "/key_points/versions?from=1&version=2"))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;**证明**" in body
    assert re.search(r'<li class="removed">难点：证明</li>', body)
    assert re.search(r'<li class="added">难点：&lt;script&gt;', body)
    shown = client.get(url(activity, "/key_points/versions?version=1")).get_data(as_text=True)
    assert "难点：证明" in shown and "王名师" in shown
    plan_page = client.get(url(activity)).get_data(as_text=True)
    assert "<script>alert(1)" not in plan_page and "<strong>证明</strong>" in plan_page
    assert client.get(url(activity, "/key_points/versions?version=9")).status_code == 404
    assert client.get(url(activity, "/nonsense/versions")).status_code == 404


def test_the_plan_becomes_the_design_of_a_members_lesson_case(cast, client, activity):
    plan = planning.ensure_plan(activity)
    planning.save_section(plan.section("objectives"), cast.master, "会用勾股定理计算边长", 0)
    planning.assign_section(plan, plan.section("homework"), cast.master, cast.backbone)
    planning.save_section(plan.section("homework"), cast.backbone, "课本第 24 页 1–3 题", 0)
    draft = make_case(cast.studio, cast.new_teacher, state="draft", title="我的草稿")
    handed_in = make_case(cast.studio, cast.new_teacher, state="submitted",
                          reviewer=cast.backbone, title="已提交")
    db.session.commit()
    before = handed_in.latest.design_text
    login(client, cast.new_teacher)
    assert "用作我的课例教学设计" in page_text(client.get(url(activity)))
    response = client.post(url(activity, "/use-as-case"))
    assert response.status_code == 302 and f"/cases/{draft.id}/edit" in response.location
    db.session.expire_all()
    design = draft.latest.design_text
    assert design.startswith("## 教学目标") and "会用勾股定理计算边长" in design
    assert "## 作业设计" in design and "## 板书设计" not in design   # empty sections left out
    assert draft.state == "draft" and handed_in.latest.design_text == before
    assert db.session.execute(db.select(db.func.count()).select_from(LessonCase).where(
        LessonCase.author_id == cast.new_teacher.id)).scalar_one() == 2
    # the backbone has no draft: a new draft excellent case is made, theirs alone
    login(client, cast.backbone)
    response = client.post(url(activity, "/use-as-case"))
    case = db.session.execute(db.select(LessonCase).where(
        LessonCase.author_id == cast.backbone.id)).scalar_one()
    assert (case.kind, case.state, case.title) == ("excellent", "draft", activity.title)
    assert "会用勾股定理计算边长" in case.latest.design_text
    # the master's required work is a practice case (a document): no button, refused
    login(client, cast.master)
    assert "用作我的课例教学设计" not in page_text(client.get(url(activity)))
    assert client.post(url(activity, "/use-as-case")).status_code == 403


def test_an_empty_plan_is_not_used_as_a_design(cast, client, activity):
    login(client, cast.new_teacher)
    response = client.post(url(activity, "/use-as-case"))
    assert response.status_code == 409 and "教案还没有内容" in page_text(response)
    assert db.session.execute(db.select(LessonCase)).first() is None


@pytest.mark.parametrize("body,status,message", [
    ("一、导入\x00二、探究", 400, "无法保存"),
    ("甲" * (1024 * 1024), 400, "最多 50000 个字符"),
    ("   ", 400, "此部分内容为空"),
])
def test_hostile_section_text_is_refused_in_chinese_and_nothing_is_saved(
        cast, client, activity, body, status, message):
    login(client, cast.master)
    client.get(url(activity))
    response = client.post(url(activity, "/process/edit"), data={"body": body,
                                                                 "started_from": "0"})
    assert response.status_code == status
    assert message in page_text(response)
    if "\x00" not in body and body.strip():
        assert body[:1000] in page_text(response)          # the typed text stays in the form
    db.session.expire_all()
    assert versions(activity, "process") == []


@pytest.mark.parametrize("value", ["²", "-1", "9" * 30, "", "NaN"])
def test_a_hostile_starting_version_is_refused(cast, client, activity, value):
    login(client, cast.master)
    client.get(url(activity))
    response = client.post(url(activity, "/process/edit"),
                           data={"body": "一、导入", "started_from": value})
    assert response.status_code in (400, 409)
    db.session.expire_all()
    assert versions(activity, "process") == []


def test_the_plan_page_costs_the_same_queries_however_many_sections_are_written(
        cast, client, activity, queries):
    from models import Activity, User
    plan = planning.ensure_plan(activity)
    planning.save_section(plan.section("objectives"), cast.master, "目标", 0)
    db.session.commit()
    address, activity_id, master_id = url(activity), activity.id, cast.master.id
    login(client, cast.new_teacher)
    client.get(address)
    db.session.close()          # each request starts with an empty session, as in production
    with queries() as few:
        client.get(address)
    master, activity = db.session.get(User, master_id), db.session.get(Activity, activity_id)
    for name in ("learners", "key_points", "process", "board", "homework"):
        planning.save_section(planning.plan_of(activity).section(name), master, name, 0)
    db.session.commit()
    db.session.close()
    with queries() as many:
        assert "homework" in page_text(client.get(address))
    assert many.count == few.count, "\n".join(s[:150] for s in many.statements)
    # the six sections' versions come in one query, not one per section
    assert sum("FROM plan_section_versions" in s for s in many.statements) == 1


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="concurrent transactions need PostgreSQL")
def test_concurrent_saves_of_one_section_keep_exactly_one(app, cast, activity):
    """Six saves at once, all started from the same version: one becomes version 1, the
    other five are refused with 409; no text is written over another."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    planning.ensure_plan(activity)
    db.session.commit()
    path, token = url(activity, "/process/edit"), cast.master.session_token
    barrier = Barrier(6)

    def attempt(n):
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = token, True
            barrier.wait()
            return client.post(path, data={"body": f"第 {n} 稿", "started_from": "0"}).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(attempt, range(6)))
    db.session.expire_all()
    assert statuses == [302] + [409] * 5
    assert [v.number for v in versions(activity, "process")] == [1]
