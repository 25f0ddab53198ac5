"""我的待办 on the studio home: each block for each role, nobody else's items, overdue marked,
the numbers right, Chinese labels, and a query count that does not grow with the studio."""
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from blueprints.hours.operations import credit_hours
from blueprints.threads.operations import add_post, start_thread
from models import MentorGroup, MentorGroupMember, Post
from studio.extensions import db
from tests.conftest import join, login, make_user, page_text
from tests.factories import make_case, make_task

TODAY = lambda: datetime.now(ZoneInfo("Asia/Shanghai")).date()  # noqa: E731  the studio's day


def home(client, user, studio):
    response = login(client, user).get(f"/studios/{studio.id}/")
    assert response.status_code == 200
    return response


def block(response, testid):
    """The HTML of the section marked ``data-testid=testid`` (up to its closing tag)."""
    html = page_text(response)
    start = html.find(f'data-testid="{testid}"')
    assert start != -1, f"no {testid} block"
    return html[start:html.find("</section>", start)]


def waited(case, days):
    case.submitted_at = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=days)


@pytest.fixture
def work(cast):
    """Tasks, cases, hours, threads and a mention around the cast's studio."""
    s, nt, bb, master = cast.studio, cast.new_teacher, cast.backbone, cast.master
    w = type("Work", (), {})()
    w.soon = make_task(s, bb, [nt], deliverable="reflection", due_in=5, title="撰写教学反思")
    w.late = make_task(s, bb, [nt], deliverable="reading_notes", due_in=-3, title="读书笔记")
    w.done = make_task(s, bb, [nt], deliverable="report", due_in=2, title="已完成的任务")
    w.done.assignments[0].state = "completed"
    w.handed = make_task(s, bb, [nt], deliverable="report", due_in=2, title="已提交的任务")
    w.handed.assignments[0].state = "submitted"
    w.bb_task = make_task(s, master, [bb], deliverable="report", due_in=10, title="骨干研修任务")
    w.other = make_task(cast.other_studio, cast.other_master, [cast.outsider], due_in=1,
                        title="别的工作室的任务")
    w.revise = make_case(s, nt, state="changes_requested", reviewer=bb, title="需要修改的课例")
    w.nt_waiting = make_case(s, nt, state="submitted", reviewer=bb, title="新教师待评课例")
    waited(w.nt_waiting, 9)
    w.bb_case = make_case(s, bb, state="resubmitted", reviewer=master, kind="excellent",
                          title="骨干待评课例")
    waited(w.bb_case, 2)
    w.approved = make_case(s, nt, state="approved", reviewer=bb, title="已通过的课例")
    credit_hours(nt, 12, "manual", master, studio=s, reason="补登")
    credit_hours(bb, 61, "manual", master, studio=s, reason="补登")
    w.thread = start_thread(s, master, "期中教研安排", "请大家 @new_teacher 看一下。")
    w.read = start_thread(s, nt, "我自己的帖子", "自己发的帖子不算未读。")
    w.other_thread = start_thread(cast.other_studio, cast.other_master, "别处的帖子", "@outsider")
    db.session.commit()
    return w


def test_new_teacher_sees_her_tasks_cases_hours_threads_and_mentions(client, cast, work):
    response = home(client, cast.new_teacher, cast.studio)
    page = page_text(response)
    assert "我的待办" in page
    tasks = block(response, "todo-tasks")
    assert "撰写教学反思" in tasks and "读书笔记" in tasks
    for title in ("已完成的任务", "已提交的任务", "骨干研修任务", "别的工作室的任务"):
        assert title not in tasks
    # ordered by due date; days left in the studio's day; overdue in red
    assert tasks.index("读书笔记") < tasks.index("撰写教学反思")
    soon_days = (work.soon.due_on - TODAY()).days
    late_days = (TODAY() - work.late.due_on).days
    assert f"还剩 {soon_days} 天" in tasks
    assert f"已逾期 {late_days} 天" in tasks
    overdue = re.search(r'<li class="todo-overdue">\s*<a href="([^"]+)">([^<]+)</a>', tasks)
    assert overdue.group(2) == "读书笔记"
    assert overdue.group(1) == f"/studios/{cast.studio.id}/tasks/{work.late.id}"
    assert tasks.count("todo-overdue") == 1

    cases = block(response, "todo-cases")
    assert "需要修改的课例" in cases and "待修改" in cases
    assert f"/cases/{work.revise.id}" in cases
    for title in ("新教师待评课例", "骨干待评课例", "已通过的课例"):
        assert title not in cases

    hours = block(response, "todo-hours")
    assert "12.0 / 50 学时" in " ".join(re.sub(r"<[^>]+>", "", hours).split())
    assert 'max="50" value="12.0"' in hours

    unread = block(response, "todo-unread")
    assert "期中教研安排" in unread and f"/threads/{work.thread.id}" in unread
    assert "我自己的帖子" not in unread and "别处的帖子" not in unread
    assert "王名师在“期中教研安排”中提到了你" in unread
    assert 'data-testid="todo-figures"' not in page


def test_reading_a_thread_and_a_mention_takes_them_off(client, cast, work):
    from blueprints.notifications.operations import mark_read as read_notifications
    from blueprints.threads.operations import mark_read
    newest = db.session.execute(select(func.max(Post.id)).where(
        Post.thread_id == work.thread.id)).scalar_one()
    mark_read(work.thread, cast.new_teacher, newest)
    read_notifications(cast.new_teacher)
    db.session.commit()
    unread = block(home(client, cast.new_teacher, cast.studio), "todo-unread")
    assert "期中教研安排" not in unread
    assert "你已读完所有帖子" in unread and "没有未读的提及" in unread
    add_post(work.thread, cast.master, "又有新的安排。")
    db.session.commit()
    assert "期中教研安排" in block(home(client, cast.new_teacher, cast.studio), "todo-unread")


def test_backbone_reviews_her_mentees_and_sees_their_figures(client, cast, work):
    response = home(client, cast.backbone, cast.studio)
    tasks = block(response, "todo-tasks")
    assert "骨干研修任务" in tasks and "撰写教学反思" not in tasks
    cases = block(response, "todo-cases")
    assert "新教师待评课例" in cases and "等待 9 天" in cases
    assert "骨干待评课例" not in cases and "需要修改的课例" not in cases
    hours = " ".join(re.sub(r"<[^>]+>", "", block(response, "todo-hours")).split())
    assert "61.0 / 60 学时" in hours
    figures = page_text(response)[page_text(response).find('data-testid="todo-figures"'):]
    assert "我的徒弟概况" in figures
    late = block(response, "todo-late-cases")
    assert "新教师待评课例" in late and ">1</span>" in late
    behind = block(response, "todo-behind")
    assert "张新师" in behind and ">1</span>" in behind
    assert "李骨干" not in behind


def test_master_sees_the_studio_figures(client, cast, work, _password_hash):
    lagging = make_user("lagging_bb", "周骨干", _password_hash)
    join(cast.studio, lagging, "backbone")
    db.session.commit()
    response = home(client, cast.master, cast.studio)
    cases = block(response, "todo-cases")
    assert "骨干待评课例" in cases and "等待 2 天" in cases
    assert "新教师待评课例" not in cases
    assert 'data-testid="todo-hours"' not in page_text(response)  # no target for the master
    assert "工作室概况" in page_text(response)
    late = block(response, "todo-late-cases")
    assert "新教师待评课例" in late and "骨干待评课例" not in late  # 9 days > 7; 2 days not
    assert "等待 9 天" in late and ">1</span>" in late
    behind = block(response, "todo-behind")
    assert "张新师" in behind and "周骨干" in behind and "李骨干" not in behind
    assert ">2</span>" in behind
    assert f"/studios/{cast.studio.id}/hours" in behind


def test_admin_sees_the_studio_figures_and_the_master_case_to_review(client, cast, work):
    practice = make_case(cast.studio, cast.master, state="submitted", kind="practice",
                         title="工作室实践案例")
    db.session.commit()
    response = home(client, cast.admin, cast.studio)
    cases = block(response, "todo-cases")
    assert "工作室实践案例" in cases and f"/cases/{practice.id}" in cases
    assert "新教师待评课例" not in cases
    assert 'data-testid="todo-hours"' not in page_text(response)
    assert "新教师待评课例" in block(response, "todo-late-cases")
    assert "张新师" in block(response, "todo-behind")


def test_outsider_is_refused_the_home(client, cast, work):
    assert login(client, cast.outsider).get(f"/studios/{cast.studio.id}/").status_code == 403


def test_an_empty_to_do_list_says_so(client, cast):
    response = home(client, cast.new_teacher, cast.studio)
    assert "没有等待你完成的任务" in block(response, "todo-tasks")
    assert "没有等待你处理的课例" in block(response, "todo-cases")
    assert "0.0 / 50 学时" in " ".join(
        re.sub(r"<[^>]+>", "", block(response, "todo-hours")).split())


def test_home_query_count_does_not_grow_with_the_studio(client, cast, queries, _password_hash):
    """10 and then 100 new teachers, each with a task, a case waiting for review, hours and
    a thread: the home costs the same number of statements for each role."""
    studio, bb, master = cast.studio, cast.backbone, cast.master
    group = db.session.execute(select(MentorGroup).where(
        MentorGroup.studio_id == studio.id, MentorGroup.mentor_id == bb.id)).scalar_one()

    def grow(n, prefix):
        teachers = [make_user(f"{prefix}{i:03d}", f"{prefix}老师{i:03d}", _password_hash)
                    for i in range(n)]
        for teacher in teachers:
            join(studio, teacher, "new_teacher")
        db.session.flush()
        for teacher in teachers:
            db.session.add(MentorGroupMember(group=group, mentee=teacher))
            waited(make_case(studio, teacher, state="submitted", reviewer=bb, complete=False), 10)
            credit_hours(teacher, 3, "manual", master, studio=studio, reason="补登")
            start_thread(studio, teacher, f"{teacher.name}的反思", "@new_teacher 请看")
        make_task(studio, bb, teachers + [cast.new_teacher], deliverable="report", due_in=3)
        db.session.commit()

    def counts():
        result = {}
        for user in (cast.new_teacher, bb, master, cast.admin):
            login(client, user)
            with queries() as q:
                assert client.get(f"/studios/{studio.id}/").status_code == 200
            result[user.username] = q.count
        return result

    grow(10, "s")
    small = counts()
    grow(90, "l")  # 100 new teachers now
    large = counts()
    assert small == large, f"10 new teachers: {small}; 100: {large}"


def test_research_project_reports_waiting_for_a_decision_or_a_revision(client, cast):
    """The master sees a report handed in; the project's team sees a returned one; a member
    outside the project and the admin (read only) see no such block."""
    from tests.factories import make_project
    waiting = make_project(cast, stage="opening", state="submitted", title="作业设计的分层研究")
    returned = make_project(cast, title="单元整体教学的实践研究")
    returned.state = "returned"
    db.session.commit()
    master = block(home(client, cast.master, cast.studio), "todo-projects")
    assert "作业设计的分层研究" in master and "待审核" in master
    assert "单元整体教学的实践研究" not in master
    for member in (cast.backbone, cast.new_teacher):       # the leader and a member
        mine = block(home(client, member, cast.studio), "todo-projects")
        assert "单元整体教学的实践研究" in mine and "已退回" in mine
        assert "作业设计的分层研究" not in mine
    returned.state = "open"
    db.session.commit()
    page = home(client, cast.new_teacher, cast.studio).get_data(as_text=True)
    assert 'data-testid="todo-projects"' not in page
