"""Three-year growth plans (三年成长规划): writing from the template, yearly revisions kept as
versions with a diff, the mentor's comments, evidence per goal, who sees what, the studio's
list of who has a plan and who revised it this school year."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from models import HourEntry, Notification
from models.plan import SECTIONS, GrowthPlan, PlanComment, PlanEvidence, PlanVersion
from studio.extensions import db
from tests.coreloop import count, login, section, text
from tests.factories import PLAN_TEXT, make_case, make_observation, make_plan
from tests.test_observations import LIST_VIEWERS, people  # noqa: F401  (the fixture)


def url(studio, rest=""):
    return f"/studios/{studio.id}/plans{rest}"


def write(client, studio, **changes):
    return client.post(url(studio, "/mine"), data={**PLAN_TEXT, **changes})


def test_a_member_writes_a_plan_revises_it_and_reads_the_old_version_and_the_diff(client, people):
    login(client, people.new_teacher, "zh_CN")
    form = text(client.get(url(people.studio, "/mine")))
    for label in ("现状分析", "第一年目标", "第二年目标", "第三年目标", "行动措施", "预期成果"):
        assert label in form
    response = write(client, people.studio, goal_year1="- 站稳讲台\n- 上好**规范课**")
    assert response.status_code == 302
    plan = db.session.execute(select(GrowthPlan)).scalar_one()
    page = text(client.get(response.headers["Location"]))
    assert "第 1 版已保存" in page and "<strong>规范课</strong>" in page
    response = write(client, people.studio, goal_year1="- 站稳讲台\n- 上好**优秀课**",
                     note="第二年修订")
    assert response.status_code == 302
    assert [v.number for v in db.session.execute(
        select(PlanVersion).order_by(PlanVersion.number)).scalars()] == [1, 2]
    old = text(client.get(url(people.studio, f"/{plan.id}?version=1")))
    # the plan's text, not the top bar (whose 优秀课例展示 link names the showcase)
    assert "<strong>规范课</strong>" in old and "<strong>优秀课</strong>" not in old
    assert "您正在查看较早的版本" in old
    diff = text(client.get(url(people.studio, f"/{plan.id}/diff?from=1&to=2")))
    goal = section(diff, "diff-goal_year1")
    assert re.search(r'<li class="removed">- 上好\*\*规范课\*\*</li>', goal)
    assert re.search(r'<li class="added">- 上好\*\*优秀课\*\*</li>', goal)
    assert re.search(r'<li class="same">- 站稳讲台</li>', goal)
    assert "未修改" in section(diff, "diff-situation")
    assert client.get(url(people.studio, f"/{plan.id}/diff?from=1&to=9")).status_code == 404
    assert client.get(url(people.studio, f"/{plan.id}?version=7")).status_code == 404


def test_markup_in_a_plan_is_sanitized_on_the_page_and_escaped_in_the_diff(client, people):
    login(client, people.new_teacher)
    write(client, people.studio, measures="<script>alert(1)</script>[x](javascript:alert(2))")
    write(client, people.studio, measures="<img src=x onerror=alert(3)>")
    plan = db.session.execute(select(GrowthPlan)).scalar_one()
    page = client.get(url(people.studio, f"/{plan.id}?version=1")).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "javascript:" not in page
    diff = client.get(url(people.studio, f"/{plan.id}/diff")).get_data(as_text=True)
    assert "<img src=x" not in diff and "&lt;img src=x onerror=alert(3)&gt;" in diff
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in diff


@pytest.mark.parametrize("missing", SECTIONS)
def test_every_part_of_the_template_is_required(client, people, missing):
    login(client, people.new_teacher, "zh_CN")
    response = write(client, people.studio, **{missing: "  "})
    assert response.status_code == 400
    assert "请填写规划的每一部分" in text(response)
    assert "站稳讲台" in text(response) or missing == "goal_year1"   # what was typed stays
    assert count(GrowthPlan) == count(PlanVersion) == 0


def test_a_save_that_changes_nothing_is_not_a_new_version(client, people):
    login(client, people.new_teacher, "zh_CN")
    write(client, people.studio)
    response = write(client, people.studio)
    assert response.status_code == 400 and "与上一版相比没有任何修改" in text(response)
    assert count(PlanVersion) == 1


def test_the_mentor_comments_and_the_author_is_notified_the_office_only_reads(client, people):
    plan = make_plan(people.studio, people.new_teacher, versions=2)
    db.session.commit()
    comment = url(people.studio, f"/{plan.id}/comments")
    login(client, people.backbone, "zh_CN")
    assert client.post(comment, data={"body": "目标具体，措施可再细化。"}).status_code == 302
    saved = db.session.execute(select(PlanComment)).scalar_one()
    assert (saved.author_id, saved.version.number) == (people.backbone.id, 2)
    assert db.session.execute(select(Notification.kind).where(
        Notification.user_id == people.new_teacher.id)).scalar_one() == "plan_commented"
    assert client.post(comment, data={"body": "  "}).status_code == 400
    for who in ("admin", "backbone2", "new_teacher", "mentee2", "outsider"):
        login(client, getattr(people, who))
        assert client.post(comment, data={"body": "不该出现"}).status_code == 403, who
    login(client, people.master)                  # the master comments on anyone's plan
    assert client.post(comment, data={"body": "同意。"}).status_code == 302
    login(client, people.new_teacher, "zh_CN")
    page = text(client.get(url(people.studio, f"/{plan.id}")))
    assert "目标具体" in page and "同意。" in page and "不该出现" not in page
    assert "plan-comment-form" not in page


def test_a_backbones_plan_is_commented_by_the_master_not_by_another_backbone(client, people):
    plan = make_plan(people.studio, people.backbone)
    db.session.commit()
    login(client, people.backbone2)
    assert client.get(url(people.studio, f"/{plan.id}")).status_code == 403
    login(client, people.master)
    assert client.post(url(people.studio, f"/{plan.id}/comments"),
                       data={"body": "很好"}).status_code == 302


def test_evidence_is_the_authors_own_work_linked_to_a_goal(client, people):
    plan = make_plan(people.studio, people.new_teacher)
    own = make_observation(people.studio, people.new_teacher, topic="我听的课")
    theirs = make_observation(people.studio, people.mentee2, topic="别人听的课")
    case = make_case(people.studio, people.new_teacher, state="submitted", reviewer=people.backbone)
    elsewhere = make_observation(people.other_studio, people.outsider)
    db.session.commit()
    link = url(people.studio, f"/{plan.id}/evidence")
    login(client, people.new_teacher, "zh_CN")
    page = text(client.get(url(people.studio, f"/{plan.id}")))
    assert f'value="observation:{own.id}"' in page and f'value="case:{case.id}"' in page
    assert f"observation:{theirs.id}" not in page
    assert client.post(link, data={"goal": "2", "item": f"observation:{own.id}"}).status_code == 302
    assert client.post(link, data={"goal": "1", "item": f"case:{case.id}"}).status_code == 302
    response = client.post(link, data={"goal": "2", "item": f"observation:{own.id}"})
    assert response.status_code == 400 and "已关联到该目标" in text(response)
    for item in (f"observation:{theirs.id}", f"observation:{elsewhere.id}", "hours:999",
                 "case:²", "plan:1", "observation:", ""):
        response = client.post(link, data={"goal": "1", "item": item})
        assert response.status_code == 400, item
    for goal in ("0", "4", "NaN", "²"):
        assert client.post(link, data={"goal": goal, "item": f"case:{case.id}"}).status_code == 400
    links = db.session.execute(select(PlanEvidence).order_by(PlanEvidence.id)).scalars().all()
    assert [(e.goal, e.kind, e.target_id) for e in links] == [
        (2, "observation", own.id), (1, "case", case.id)]
    page = text(client.get(url(people.studio, f"/{plan.id}")))
    goal2 = page[page.index("第二年目标", page.index("plan-evidence")):]
    assert "我听的课" in goal2[:goal2.index("第三年目标")]
    login(client, people.backbone)                  # the mentor reads the evidence, no form
    page = text(client.get(url(people.studio, f"/{plan.id}")))
    assert "我听的课" in page and "evidence-form" not in page
    assert client.post(link, data={"goal": "1", "item": f"observation:{own.id}"}).status_code == 403
    remove = url(people.studio, f"/{plan.id}/evidence/{links[0].id}/remove")
    assert client.post(remove).status_code == 403
    login(client, people.new_teacher)
    assert client.post(remove).status_code == 302
    assert count(PlanEvidence) == 1


def test_hour_entries_can_back_a_goal(client, people):
    from blueprints.hours.operations import credit_hours
    plan = make_plan(people.studio, people.new_teacher)
    entry = credit_hours(people.new_teacher, 2, "manual", people.master, studio=people.studio,
                         reason="市级教研活动")
    db.session.commit()
    login(client, people.new_teacher)
    assert client.post(url(people.studio, f"/{plan.id}/evidence"),
                       data={"goal": "3", "item": f"hours:{entry.id}"}).status_code == 302
    assert "市级教研活动" in db.session.execute(select(PlanEvidence.label)).scalar_one()
    assert count(HourEntry) == 1


@pytest.mark.parametrize("viewer", LIST_VIEWERS)
def test_plan_list_and_page_follow_one_rule_for_every_viewer(client, people, viewer):
    authors = ("master", "backbone", "backbone2", "new_teacher", "mentee2")   # not peer
    made = [make_plan(people.studio, getattr(people, who)) for who in authors]
    make_plan(people.other_studio, people.outsider)
    db.session.commit()
    user = getattr(people, viewer)
    visible = {p.author_id for p in made if p.can_view(user)}
    listed = db.session.execute(GrowthPlan.visible_to(people.studio, user)).scalars().all()
    assert {p.author_id for p in listed} == visible
    login(client, user)
    response = client.get(url(people.studio))
    if viewer == "outsider":
        assert response.status_code == 403
        return
    table = section(text(response), "plan-list", "</table>")
    linked = {int(i) for i in re.findall(r"/plans/(\d+)\"", table)}
    assert linked == {p.id for p in made if p.author_id in visible}
    for plan in made:
        status = client.get(url(people.studio, f"/{plan.id}")).status_code
        assert status == (200 if plan.author_id in visible else 403)


def test_the_studio_sees_who_has_a_plan_and_who_revised_it_this_school_year(client, people):
    make_plan(people.studio, people.new_teacher, versions=2)
    make_plan(people.studio, people.mentee2, revised_at=datetime.utcnow() - timedelta(days=400))
    db.session.commit()
    login(client, people.master, "zh_CN")
    page = text(client.get(url(people.studio)))
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr><td>([^<]+)</td>.*?</tr>", page, re.S)}
    assert "第 2 版" in rows["张新师"] and "✓" in rows["张新师"]
    assert "第 1 版" in rows["吴新师"] and "尚未" in rows["吴新师"]
    assert "未提交" in rows["周新师"] and "/plans/" not in rows["周新师"]
    figures = section(page, "plan-figures", "</p>")
    assert "2 / 6" in figures and "1 / 6" in figures
    progress = text(client.get(f"/studios/{people.studio.id}/progress"))
    rows = {m.group(1): m.group(0)
            for m in re.finditer(r"<tr><td>([^<]+)</td>.*?</tr>", progress, re.S)}
    assert "v2" in rows["张新师"] and "本学年未修订" in rows["吴新师"]
    # 我的待办: written but not revised this year, or not written at all
    login(client, people.mentee2, "zh_CN")
    assert "本学年尚未修订" in section(text(client.get(f"/studios/{people.studio.id}/")),
                                       "todo-year")
    login(client, people.peer, "zh_CN")
    assert "尚未撰写" in section(text(client.get(f"/studios/{people.studio.id}/")), "todo-year")
    login(client, people.new_teacher, "zh_CN")
    assert "第 2 版，本学年已修订" in section(text(client.get(f"/studios/{people.studio.id}/")),
                                           "todo-year")


def test_saving_notifies_the_mentor_and_the_master(client, people):
    login(client, people.new_teacher)
    write(client, people.studio)
    kinds = set(db.session.execute(select(Notification.user_id, Notification.kind)).all())
    assert kinds == {(people.backbone.id, "plan_written"), (people.master.id, "plan_written")}
    write(client, people.studio, outcomes="两份课例。")
    assert (people.backbone.id, "plan_revised") in set(
        db.session.execute(select(Notification.user_id, Notification.kind)).all())
