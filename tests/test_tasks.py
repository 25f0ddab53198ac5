"""Tasks (任务): who a task goes to, what is refused, "my tasks", the setter's follow-up by
mentor group, and handing in / returning / completing an assignment."""
import re
import types
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Assignment, HourEntry, Notification, Task
from studio.extensions import db
from tests.conftest import join, make_user, mentor
from tests.coreloop import count, login, section, text
from tests.factories import make_task

TODAY = date.today()


@pytest.fixture
def team(cast, _password_hash):
    """The cast's studio plus a second mentor group, a second mentee of the first group and a
    new teacher not yet placed in a group."""
    h = _password_hash
    t = types.SimpleNamespace(**vars(cast))
    t.backbone2 = make_user("backbone2", "刘骨干", h)
    t.mentee2 = make_user("mentee2", "吴新师", h)       # backbone's second mentee
    t.peer = make_user("peer", "周新师", h)             # backbone2's mentee
    t.loner = make_user("loner", "孙新师", h)           # in no mentor group
    join(cast.studio, t.backbone2, "backbone")
    for user in (t.mentee2, t.peer, t.loner):
        join(cast.studio, user, "new_teacher")
    db.session.flush()
    from models import MentorGroup, MentorGroupMember
    group = db.session.execute(select(MentorGroup).where(
        MentorGroup.mentor_id == cast.backbone.id)).scalar_one()
    db.session.add(MentorGroupMember(group=group, mentee=t.mentee2))
    t.group = group
    t.group2 = mentor(cast.studio, t.backbone2, t.peer)
    db.session.commit()
    return t


def form(**overrides):
    data = {"title": "读书笔记：《给教师的建议》", "description": "读第一章，写 **500 字**心得。",
            "focus": "reflection", "deliverable": "reading_notes", "hours": "3",
            "opens_on": TODAY.isoformat(), "due_on": (TODAY + timedelta(days=7)).isoformat(),
            "audience": "studio", "audience_value": "", "members": []}
    data.update(overrides)
    return data


def assignees(task_title="读书笔记：《给教师的建议》"):
    rows = db.session.execute(select(Assignment.user_id).join(Task)
                              .where(Task.title == task_title)).scalars().all()
    return set(rows)


def notified(kind="task_assigned"):
    return set(db.session.execute(select(Notification.user_id)
                                  .where(Notification.kind == kind)).scalars().all())


def written():
    return {"tasks": count(Task), "assignments": count(Assignment),
            "notifications": count(Notification)}


# --- setting a task --------------------------------------------------------------------------

def test_master_sets_a_task_for_the_whole_studio(client, team):
    assert written() == {"tasks": 0, "assignments": 0, "notifications": 0}
    login(client, team.master)
    response = client.post(f"/studios/{team.studio.id}/tasks/new", data=form())
    assert response.status_code == 302
    task = db.session.execute(select(Task)).scalar_one()
    assert response.headers["Location"].endswith(f"/studios/{team.studio.id}/tasks/{task.id}")
    everyone_but_master = {u.id for u in (team.backbone, team.backbone2, team.new_teacher,
                                          team.mentee2, team.peer, team.loner)}
    assert assignees() == everyone_but_master
    assert notified() == everyone_but_master
    assert team.outsider.id not in assignees()
    states = db.session.execute(select(Assignment.state)).scalars().all()
    assert set(states) == {"assigned"}
    page = text(client.get(response.headers["Location"]))
    assert "The task has been sent to 6 members." in page


@pytest.mark.parametrize("audience, value, who", [
    ("role", "new_teacher", ("new_teacher", "mentee2", "peer", "loner")),
    ("role", "backbone", ("backbone", "backbone2")),
    ("group", "group", ("new_teacher", "mentee2")),
    ("group", "group2", ("peer",)),
    ("members", None, ("peer", "backbone2")),
])
def test_master_sets_a_task_for_a_role_a_group_or_chosen_members(client, team, audience, value,
                                                                 who):
    login(client, team.master)
    data = form(audience=audience)
    if audience == "role":
        data["audience_value"] = value
    elif audience == "group":
        data["audience_value"] = str(getattr(team, value).id)
    else:
        data["members"] = [str(team.peer.id), str(team.backbone2.id)]
    assert assignees() == set()
    response = client.post(f"/studios/{team.studio.id}/tasks/new", data=data)
    assert response.status_code == 302
    expected = {getattr(team, name).id for name in who}
    assert assignees() == expected
    assert notified() == expected


def test_backbone_sets_a_task_for_own_mentees_only(client, team):
    login(client, team.backbone)
    url = f"/studios/{team.studio.id}/tasks/new"
    # the whole group: only the backbone's own mentees, whatever group id is sent
    response = client.post(url, data=form(audience="group", audience_value=str(team.group2.id)))
    assert response.status_code == 302
    assert assignees() == {team.new_teacher.id, team.mentee2.id}
    # chosen members: a member of another group gets nothing
    response = client.post(url, data=form(title="观课记录", audience="members",
                                          members=[str(team.new_teacher.id), str(team.peer.id)]))
    assert response.status_code == 302
    assert assignees("观课记录") == {team.new_teacher.id}
    assert team.peer.id not in notified()


def test_backbone_choosing_only_someone_elses_mentee_is_refused(client, team):
    login(client, team.backbone)
    before = written()
    response = client.post(f"/studios/{team.studio.id}/tasks/new",
                           data=form(audience="members", members=[str(team.peer.id)]))
    assert response.status_code == 400
    assert "Nobody matches this audience" in text(response)
    assert written() == before


@pytest.mark.parametrize("audience", ["studio", "role"])
def test_backbone_cannot_address_the_studio_or_a_role(client, team, audience):
    login(client, team.backbone)
    before = written()
    response = client.post(f"/studios/{team.studio.id}/tasks/new",
                           data=form(audience=audience, audience_value="new_teacher"))
    assert response.status_code == 400
    assert written() == before


@pytest.mark.parametrize("who", ["new_teacher", "outsider"])
def test_new_teachers_and_outsiders_cannot_set_tasks(client, team, who):
    login(client, getattr(team, who))
    assert client.get(f"/studios/{team.studio.id}/tasks/new").status_code == 403
    response = client.post(f"/studios/{team.studio.id}/tasks/new", data=form())
    assert response.status_code == 403
    assert written() == {"tasks": 0, "assignments": 0, "notifications": 0}


@pytest.mark.parametrize("overrides, message", [
    ({"due_on": (TODAY - timedelta(days=1)).isoformat()}, "The due date is in the past."),
    ({"hours": "-2"}, "Study hours are between 0 and 100."),
    ({"title": ""}, "Please enter a title."),
    ({"title": "   "}, "Please enter a title."),
    ({"due_on": "not a date"}, "Please enter a valid due date."),
    ({"opens_on": (TODAY + timedelta(days=9)).isoformat()}, "The task must open before it is due."),
])
def test_an_invalid_task_is_refused_and_nothing_written(client, team, overrides, message):
    login(client, team.master)
    response = client.post(f"/studios/{team.studio.id}/tasks/new", data=form(**overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert written() == {"tasks": 0, "assignments": 0, "notifications": 0}


def test_the_task_form_in_chinese_names_the_past_due_date(client, team):
    login(client, team.master, locale="zh_CN")
    response = client.post(f"/studios/{team.studio.id}/tasks/new",
                           data=form(due_on=(TODAY - timedelta(days=3)).isoformat()))
    assert response.status_code == 400
    assert "截止日期不能早于今天。" in text(response)
    assert count(Task) == 0


# --- my tasks ------------------------------------------------------------------------------

def test_my_tasks_are_ordered_by_due_date_and_overdue_is_shown(client, team):
    make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection",
              due_in=20, title="任务-二十天后")
    make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection",
              due_in=-3, title="任务-已逾期")
    make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection",
              due_in=5, title="任务-五天后")
    make_task(team.studio, team.master, [team.peer], deliverable="reflection",
              due_in=1, title="任务-别人的")
    db.session.commit()
    login(client, team.new_teacher)
    page = text(client.get(f"/studios/{team.studio.id}/tasks"))
    mine = section(page, "my-tasks", "</ul>")
    titles = re.findall(r"<strong>(任务-[^<]+)</strong>", mine)
    assert titles == ["任务-已逾期", "任务-五天后", "任务-二十天后"]
    items = mine.split("<li")[1:]
    assert "Overdue" in items[0] and "state-overdue" in items[0]
    assert all("Overdue" not in item and "To do" in item for item in items[1:])


def test_a_completed_task_past_its_due_date_is_not_overdue(client, team):
    task = make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection",
                     due_in=-3, title="任务-按时完成")
    task.assignments[0].state = "completed"
    db.session.commit()
    login(client, team.new_teacher)
    mine = section(text(client.get(f"/studios/{team.studio.id}/tasks")), "my-tasks", "</ul>")
    assert "Completed" in mine and "Overdue" not in mine


def test_the_setters_view_groups_completion_by_mentor_group_and_names_who_is_late(client, team):
    task = make_task(team.studio, team.master,
                     [team.new_teacher, team.mentee2, team.peer, team.loner],
                     deliverable="reflection", due_in=-2, title="逾期的反思任务")
    by_user = {a.user_id: a for a in task.assignments}
    by_user[team.mentee2.id].state = "completed"
    by_user[team.peer.id].state = "submitted"
    db.session.commit()
    login(client, team.master)
    page = text(client.get(f"/studios/{team.studio.id}/tasks/{task.id}"))
    groups = {m.group(1): m.group(2) for m in re.finditer(
        r"<summary><strong>(.+?)</strong>(.*?)</summary>", page, re.S)}
    assert set(groups) == {"Group of 李骨干", "Group of 刘骨干", "Not in a mentor group"}
    assert "1 of 2 completed" in groups["Group of 李骨干"]
    assert "late: 张新师" in groups["Group of 李骨干"]
    assert "吴新师" not in groups["Group of 李骨干"]
    assert "0 of 1 completed" in groups["Group of 刘骨干"]
    assert "late" not in groups["Group of 刘骨干"]          # handed in, so not late
    assert "late: 孙新师" in groups["Not in a mentor group"]
    # the master's task list counts the late ones
    listing = section(text(client.get(f"/studios/{team.studio.id}/tasks")), "set-tasks",
                      "</table>")
    assert re.search(r"1 / 4</td><td>1</td>\s*<td><span class=\"late\">2</span>", listing)


def test_a_mentor_follows_only_their_own_group_on_a_masters_task(client, team):
    task = make_task(team.studio, team.master, [team.new_teacher, team.peer],
                     deliverable="reflection", due_in=-1, title="逾期任务")
    db.session.commit()
    login(client, team.backbone)
    page = text(client.get(f"/studios/{team.studio.id}/tasks/{task.id}"))
    assert "Group of 李骨干" in page and "late: 张新师" in page
    assert "刘骨干" not in page and "周新师" not in page
    # a new teacher not assigned the task may not open it
    login(client, team.loner)
    assert client.get(f"/studios/{team.studio.id}/tasks/{task.id}").status_code == 403


# --- handing in, returning, completing ---------------------------------------------------------

def test_hand_in_return_with_feedback_hand_in_again_and_complete(client, team):
    task = make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection",
                     hours=3, title="教学反思一篇")
    assignment = task.assignments[0]
    db.session.commit()
    base = f"/studios/{team.studio.id}/tasks/{task.id}"
    decide = f"{base}/assignments/{assignment.id}/decide"

    login(client, team.new_teacher)
    assert client.post(f"{base}/submit", data={"note": ""}).status_code == 400
    assert assignment.state == "assigned"
    response = client.post(f"{base}/submit", data={"note": "我的反思：*提问*要更开放。"})
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.state == "submitted" and assignment.submitted_at is not None
    assert "<em>提问</em>" in assignment.note_html
    assert notified("assignment_submitted") == {team.master.id, team.backbone.id}  # + mentor
    # handed in: a second hand-in is refused
    assert client.post(f"{base}/submit", data={"note": "再交一次"}).status_code == 409
    # the assignee does not decide
    assert client.post(decide, data={"decision": "complete"}).status_code == 403

    login(client, team.master)
    response = client.post(decide, data={"decision": "return", "feedback": ""})
    assert response.status_code == 400
    assert "Please say what should be improved." in text(response)
    db.session.refresh(assignment)
    assert assignment.state == "submitted"
    response = client.post(decide, data={"decision": "return", "feedback": "请结合课堂实例。"})
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.state == "returned" and assignment.feedback == "请结合课堂实例。"
    assert notified("assignment_returned") == {team.new_teacher.id}
    # returned: nothing to complete
    assert client.post(decide, data={"decision": "complete"}).status_code == 409
    assert count(HourEntry) == 0

    login(client, team.new_teacher)
    page = text(client.get(base))
    assert "Returned" in page and "请结合课堂实例。" in page
    assert client.post(f"{base}/submit", data={"note": "修改后的反思"}).status_code == 302
    db.session.refresh(assignment)
    assert assignment.state == "submitted"

    login(client, team.master)
    response = client.post(decide, data={"decision": "complete", "feedback": "很好"})
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.state == "completed" and assignment.completed_at is not None
    entries = db.session.execute(select(HourEntry)).scalars().all()
    assert [(e.user_id, e.amount, e.source) for e in entries] == [
        (team.new_teacher.id, 3.0, "task")]
    assert notified("assignment_completed") == {team.new_teacher.id}
    login(client, team.new_teacher)
    assert "Completed" in section(text(client.get(base)), "my-assignment")


def test_nobody_hands_in_someone_elses_assignment(client, team):
    task = make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection")
    db.session.commit()
    login(client, team.peer)
    response = client.post(f"/studios/{team.studio.id}/tasks/{task.id}/submit",
                           data={"note": "冒名"})
    assert response.status_code == 403
    assert db.session.get(Assignment, task.assignments[0].id).state == "assigned"


def decide_url(team, task, assignment):
    return f"/studios/{team.studio.id}/tasks/{task.id}/assignments/{assignment.id}/decide"


def audited(action):
    from models.audit import AuditLog
    return [(a.actor_id, a.target_id) for a in db.session.execute(
        select(AuditLog).where(AuditLog.action == action)).scalars()]


def test_a_mentor_completes_and_returns_their_mentees_hand_ins_of_a_masters_task(client, team):
    task = make_task(team.studio, team.master, [team.new_teacher, team.mentee2, team.peer],
                     deliverable="reflection", hours=2, title="读书心得")
    mine, second, peers = sorted(task.assignments, key=lambda a: [
        team.new_teacher.id, team.mentee2.id, team.peer.id].index(a.user_id))
    for a in task.assignments:
        a.state, a.note_html = "submitted", "<p>心得</p>"
    db.session.commit()
    login(client, team.backbone)
    # The task page shows the decide buttons for the mentor's own mentees only.
    page = text(client.get(f"/studios/{team.studio.id}/tasks/{task.id}"))
    assert decide_url(team, task, mine) in page and decide_url(team, task, second) in page
    assert decide_url(team, task, peers) not in page and "周新师" not in page

    response = client.post(decide_url(team, task, mine), data={"decision": "complete",
                                                               "feedback": "写得扎实"})
    assert response.status_code == 302
    response = client.post(decide_url(team, task, second), data={"decision": "return",
                                                                 "feedback": "请补充课堂实例"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (mine.state, mine.feedback) == ("completed", "写得扎实")
    assert (second.state, second.feedback) == ("returned", "请补充课堂实例")
    entries = db.session.execute(select(HourEntry)).scalars().all()
    assert [(e.user_id, e.amount) for e in entries] == [(team.new_teacher.id, 2.0)]
    # The mentees are notified as by the master, and the decisions are audited.
    assert notified("assignment_completed") == {team.new_teacher.id}
    assert notified("assignment_returned") == {team.mentee2.id}
    assert audited("assignment_completed") == [(team.backbone.id, mine.id)]
    assert audited("assignment_returned") == [(team.backbone.id, second.id)]
    # Another group's hand-in is not theirs to decide; nor is one already decided.
    response = client.post(decide_url(team, task, peers), data={"decision": "complete"})
    assert response.status_code == 403
    response = client.post(decide_url(team, task, mine), data={"decision": "complete"})
    assert response.status_code == 409
    db.session.expire_all()
    assert peers.state == "submitted" and count(HourEntry) == 1


def test_another_backbone_teacher_cannot_decide_a_mentees_hand_in(client, team):
    task = make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection")
    assignment = task.assignments[0]
    assignment.state = "submitted"
    db.session.commit()
    login(client, team.backbone2)
    response = client.post(decide_url(team, task, assignment), data={"decision": "complete"})
    assert response.status_code == 403
    db.session.refresh(assignment)
    assert assignment.state == "submitted" and count(HourEntry) == 0


def test_a_mentor_no_longer_decides_once_the_mentee_has_left_the_group(client, team):
    from blueprints.studios.operations import assign_mentor
    task = make_task(team.studio, team.master, [team.mentee2, team.new_teacher],
                     deliverable="reflection")
    assignment, stays = sorted(task.assignments, key=lambda a: a.user_id != team.mentee2.id)
    assignment.state = stays.state = "submitted"
    db.session.commit()
    assign_mentor(team.studio, team.mentee2, team.backbone2, team.master)
    db.session.commit()
    # The former mentor still follows the task (张新师 is in their group), not 吴新师's part.
    login(client, team.backbone)
    page = text(client.get(f"/studios/{team.studio.id}/tasks/{task.id}"))
    assert decide_url(team, task, stays) in page
    assert decide_url(team, task, assignment) not in page
    response = client.post(decide_url(team, task, assignment), data={"decision": "complete"})
    assert response.status_code == 403
    # The new mentor decides now.
    login(client, team.backbone2)
    response = client.post(decide_url(team, task, assignment), data={"decision": "complete"})
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.state == "completed"


def test_the_mentors_task_list_shows_each_mentees_state_on_the_masters_tasks(client, team):
    task = make_task(team.studio, team.master, [team.new_teacher, team.mentee2, team.peer],
                     deliverable="reflection", title="读书心得")
    states = {team.new_teacher.id: "submitted", team.mentee2.id: "completed",
              team.peer.id: "completed"}
    for a in task.assignments:
        a.state = states[a.user_id]
    db.session.commit()
    login(client, team.backbone)
    page = text(client.get(f"/studios/{team.studio.id}/tasks"))
    listed = section(page, "set-tasks", "</table>")
    assert "读书心得" in listed
    assert re.search(r"吴新师 <span class=\"badge state-completed\">Completed</span>", listed)
    assert re.search(r"张新师 <span class=\"badge state-submitted\">Handed in</span>", listed)
    # Another group's mentee is not shown, nor counted: 1 of the mentor's 2 completed.
    assert "周新师" not in listed and "1 / 2" in listed
    # The master sees the whole task.
    login(client, team.master)
    listed = section(text(client.get(f"/studios/{team.studio.id}/tasks")), "set-tasks", "</table>")
    assert "2 / 3" in listed and 'data-testid="mentee-states"' not in listed


@pytest.mark.parametrize("who", ["new_teacher", "outsider", "backbone2"])
def test_complete_assignment_itself_refuses_who_may_not_decide(app, team, who):
    """The operation checks Assignment.can_decide like return_assignment, not only the route."""
    from blueprints.tasks.operations import complete_assignment
    from studio.errors import RuleError

    task = make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection")
    assignment = task.assignments[0]
    assignment.state = "submitted"
    db.session.commit()
    with pytest.raises(RuleError):
        complete_assignment(assignment, getattr(team, who), "")
    db.session.rollback()
    db.session.refresh(assignment)
    assert assignment.state == "submitted" and count(HourEntry) == 0


def test_complete_assignment_refuses_an_assignment_not_handed_in(app, team):
    from blueprints.tasks.operations import complete_assignment
    from studio.errors import RuleError

    task = make_task(team.studio, team.master, [team.new_teacher], deliverable="reflection")
    assignment = task.assignments[0]
    db.session.commit()
    with pytest.raises(RuleError):
        complete_assignment(assignment, team.master, "")
    db.session.rollback()
    assert count(HourEntry) == 0


def test_complete_assignment_of_a_lesson_case_task_needs_its_approved_case(app, team):
    """A lesson-case task is completed by the reviewer approving its case, not by hand."""
    from blueprints.tasks.operations import complete_assignment
    from studio.errors import RuleError
    from tests.factories import make_case

    task = make_task(team.studio, team.master, [team.new_teacher], deliverable="lesson_case")
    assignment = task.assignments[0]
    assignment.state = "submitted"
    case = make_case(team.studio, team.new_teacher, state="in_review", reviewer=team.backbone,
                     assignment=assignment)
    db.session.commit()
    for who in (team.master, team.backbone):      # nothing approved yet
        with pytest.raises(RuleError):
            complete_assignment(assignment, who)
    case.state = "approved"
    db.session.commit()
    with pytest.raises(RuleError):                 # not the case's reviewer
        complete_assignment(assignment, team.backbone2)
    complete_assignment(assignment, team.backbone)
    db.session.commit()
    assert assignment.state == "completed" and count(HourEntry) == 1


def test_a_lesson_case_task_is_not_handed_in_with_a_note(client, team):
    task = make_task(team.studio, team.master, [team.new_teacher], deliverable="lesson_case")
    db.session.commit()
    login(client, team.new_teacher)
    response = client.post(f"/studios/{team.studio.id}/tasks/{task.id}/submit",
                           data={"note": "见附件"})
    assert response.status_code == 400
    assert "answered with a lesson case" in text(response)
    assert db.session.get(Assignment, task.assignments[0].id).state == "assigned"
    page = text(client.get(f"/studios/{team.studio.id}/tasks/{task.id}"))
    assert f"/cases/new?assignment={task.assignments[0].id}" in page


# --- a fixed number of queries whatever the studio's size ------------------------------------

def studio_with_tasks(password_hash, n):
    from tests.coreloop import build_studio
    studio, master, backbones, news = build_studio(password_hash, f"工作室{n}", n)
    everyone = backbones + news
    tasks = [make_task(studio, master, everyone, deliverable="reflection", due_in=due,
                       title=f"任务{due}") for due in (-2, 3, 9)]
    for i, assignment in enumerate(tasks[0].assignments):
        assignment.state = ("completed", "submitted", "assigned")[i % 3]
    make_task(studio, backbones[0], news[::2], deliverable="reflection", title="骨干的任务")
    db.session.commit()
    return studio, master, backbones, news, tasks


def test_task_pages_use_the_same_number_of_queries_for_10_and_100_new_teachers(
        client, app, _password_hash, queries):
    from tests.coreloop import queries_on_page
    counts = {}
    for n in (10, 100):
        studio, master, backbones, news, tasks = studio_with_tasks(_password_hash, n)
        base = f"/studios/{studio.id}/tasks"
        counts[n] = {
            "my tasks (new teacher)": queries_on_page(client, queries, news[0], base),
            "my tasks (master)": queries_on_page(client, queries, master, base),
            "my tasks (mentor)": queries_on_page(client, queries, backbones[0], base),
            "setter's view": queries_on_page(client, queries, master, f"{base}/{tasks[0].id}"),
            "mentor's view": queries_on_page(client, queries, backbones[0],
                                             f"{base}/{tasks[0].id}"),
            "hours (master)": queries_on_page(client, queries, master,
                                              f"/studios/{studio.id}/hours"),
        }
    assert counts[10] == counts[100]


def test_a_hand_in_tells_the_setter_and_the_members_current_mentor(client, team):
    """The mentor may decide a mentee's hand-in of the master's task, so they are told of it;
    another mentor is not, and a member in no group tells only the setter."""
    task = make_task(team.studio, team.master, [team.new_teacher, team.loner],
                     deliverable="reflection", hours=2, title="读书心得")
    for user in (team.new_teacher, team.loner):
        login(client, user)
        response = client.post(f"/studios/{team.studio.id}/tasks/{task.id}/submit",
                               data={"note": "我的读书心得"})
        assert response.status_code == 302
    rows = db.session.execute(select(Notification.user_id, Notification.actor_name).where(
        Notification.kind == "assignment_submitted")).all()
    assert sorted(rows) == sorted([(team.master.id, "张新师"), (team.backbone.id, "张新师"),
                                   (team.master.id, "孙新师")])
