"""Scheduled reminders (``flask send-reminders``): a task due within two days, a task
overdue, a case waiting 5 days for its reviewer; each sent once, to the right person only."""
import re
from datetime import datetime, timedelta

from sqlalchemy import select

from blueprints.notifications.reminders import send_reminders, studio_today
from models import Membership, Notification, ReminderSent
from models.base import utcnow
from studio.extensions import db
from tests.conftest import login, make_user, page_text
from tests.coreloop import bell_count, count
from tests.factories import make_case, make_task

NOW = datetime(2026, 12, 7, 2, 0)          # 10:00 in Shanghai, Monday 7 December
TODAY = studio_today(NOW)


def kinds(user):
    return [n.kind for n in db.session.execute(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).scalars()]


def run(now):
    sent = send_reminders(now)
    db.session.commit()
    return sent


def task_due(cast, due_on, assignees=None, opens_on=None, title="研读课程标准"):
    task = make_task(cast.studio, cast.master, assignees or [cast.new_teacher],
                     deliverable="reading_notes", title=title)
    task.due_on = due_on
    task.opens_on = opens_on or (TODAY - timedelta(days=7))
    db.session.commit()
    return task


def test_the_studio_day_is_shanghais():
    assert studio_today(datetime(2026, 12, 6, 15, 59)) == datetime(2026, 12, 6).date()
    assert studio_today(datetime(2026, 12, 6, 16, 0)) == datetime(2026, 12, 7).date()


def test_a_task_is_reminded_two_days_before_it_is_due_once(cast):
    task_due(cast, TODAY + timedelta(days=3))
    assert run(NOW)["task_due_soon"] == 0
    # 23:59 in Shanghai: still three days ahead
    assert run(datetime(2026, 12, 7, 15, 59))["task_due_soon"] == 0
    # the next studio day starts at 16:00 UTC: now it is due in two days
    assert run(datetime(2026, 12, 7, 16, 0))["task_due_soon"] == 1
    assert kinds(cast.new_teacher) == ["task_due_soon"]
    assert run(datetime(2026, 12, 8, 3, 0))["task_due_soon"] == 0   # the next hourly run
    assert run(datetime(2026, 12, 9, 3, 0))["task_due_soon"] == 0   # the day it is due
    assert kinds(cast.new_teacher) == ["task_due_soon"]
    assert kinds(cast.master) == kinds(cast.backbone) == kinds(cast.outsider) == []


def test_an_overdue_task_is_reminded_once_when_its_due_date_passed(cast):
    task_due(cast, TODAY)
    assert run(NOW) == {"task_due_soon": 1, "task_overdue": 0, "review_waiting": 0}
    assert run(NOW + timedelta(hours=13))["task_overdue"] == 0   # 23:00 in Shanghai, due today
    assert run(NOW + timedelta(hours=14))["task_overdue"] == 1   # midnight: overdue
    assert run(NOW + timedelta(days=3))["task_overdue"] == 0
    assert kinds(cast.new_teacher) == ["task_due_soon", "task_overdue"]
    assert count(ReminderSent) == 2


def test_a_moved_due_date_is_reminded_again(cast):
    task = task_due(cast, TODAY + timedelta(days=1))
    assert run(NOW)["task_due_soon"] == 1
    task.due_on = TODAY + timedelta(days=2)
    db.session.commit()
    assert run(NOW)["task_due_soon"] == 1
    assert run(NOW)["task_due_soon"] == 0


def test_no_reminder_for_work_handed_in_tasks_not_open_or_people_who_left(cast, _password_hash):
    handed_in = task_due(cast, TODAY - timedelta(days=1), [cast.new_teacher, cast.backbone],
                         title="已交")
    for assignment in handed_in.assignments:
        assignment.state = "submitted" if assignment.user_id == cast.new_teacher.id else "completed"
    task_due(cast, TODAY + timedelta(days=2), opens_on=TODAY + timedelta(days=1), title="未开始")
    left = make_user("left", "离开的老师", _password_hash)
    gone = make_user("gone", "停用的老师", _password_hash, active=False)
    db.session.add_all([Membership(studio=cast.studio, user=left, role="new_teacher",
                                   active=False),
                        Membership(studio=cast.studio, user=gone, role="new_teacher")])
    db.session.commit()
    task_due(cast, TODAY, [left, gone], title="离开")
    assert run(NOW) == {"task_due_soon": 0, "task_overdue": 0, "review_waiting": 0}
    assert count(Notification) == count(ReminderSent) == 0


def test_a_returned_assignment_is_reminded(cast):
    task = task_due(cast, TODAY - timedelta(days=1))
    task.assignments[0].state = "returned"
    db.session.commit()
    assert run(NOW)["task_overdue"] == 1


def waiting_case(cast, days, state="submitted", **kwargs):
    case = make_case(cast.studio, kwargs.pop("author", cast.new_teacher), state=state,
                     reviewer=kwargs.pop("reviewer", cast.backbone), **kwargs)
    case.submitted_at = NOW - timedelta(days=days)
    db.session.commit()
    return case


def test_a_case_waiting_5_days_reminds_its_reviewer_once_per_hand_in(cast):
    case = waiting_case(cast, 4, state="in_review")
    assert run(NOW)["review_waiting"] == 0
    assert run(NOW + timedelta(days=1))["review_waiting"] == 1
    assert run(NOW + timedelta(days=2))["review_waiting"] == 0
    assert kinds(cast.backbone) == ["review_waiting"]
    assert kinds(cast.master) == kinds(cast.new_teacher) == kinds(cast.admin) == []
    # changes requested, then handed in again: a new round, reminded again after 5 days
    case.state, case.submitted_at = "resubmitted", NOW + timedelta(days=3)
    db.session.commit()
    assert run(NOW + timedelta(days=7))["review_waiting"] == 0
    assert run(NOW + timedelta(days=8))["review_waiting"] == 1
    assert kinds(cast.backbone) == ["review_waiting", "review_waiting"]


def test_no_review_reminder_once_decided_or_for_a_reviewer_who_left(cast):
    waiting_case(cast, 9, state="changes_requested")
    waiting_case(cast, 9, state="approved")
    waiting_case(cast, 9, state="draft")
    db.session.execute(db.update(Membership).where(Membership.user_id == cast.master.id)
                       .values(active=False))
    db.session.commit()
    waiting_case(cast, 9, author=cast.backbone, reviewer=cast.master, kind="excellent")
    assert run(NOW)["review_waiting"] == 0


def test_nobody_is_reminded_of_a_closed_studios_work(cast, _password_hash):
    task_due(cast, TODAY)
    waiting_case(cast, 9)
    waiting_case(cast, 9, author=cast.master, reviewer=None, kind="excellent")
    cast.studio.status = "closed"
    db.session.commit()
    assert run(NOW) == {"task_due_soon": 0, "task_overdue": 0, "review_waiting": 0}
    cast.studio.status = "active"
    db.session.commit()
    sent = run(NOW)
    assert sent["task_due_soon"] == 1
    # the backbone reviewer; for the master's, the platform office and the 郑州市 office
    assert sent["review_waiting"] == 3


def test_a_masters_practice_case_reminds_every_active_admin(cast, _password_hash):
    office = make_user("office", "项目办", _password_hash, is_admin=True)
    make_user("retired", "已停用管理员", _password_hash, is_admin=True, active=False)
    db.session.commit()
    waiting_case(cast, 5, author=cast.master, reviewer=None, kind="practice")
    assert run(NOW)["review_waiting"] == 3    # with cast.office, 郑州市's, which oversees it
    assert kinds(cast.admin) == kinds(office) == kinds(cast.office) == ["review_waiting"]
    assert kinds(cast.other_office) == []
    assert count(Notification) == 3


def test_the_reminder_shows_on_the_bell_in_chinese_with_a_link_that_opens(client, cast):
    task = task_due(cast, TODAY + timedelta(days=1))
    case = waiting_case(cast, 6)
    run(NOW)

    login(client, cast.new_teacher)
    assert bell_count(client) == 1
    page = page_text(client.get("/notifications"))
    assert "任务将在两天内截止" in page and "研读课程标准" in page
    assert not re.search(r'<span class="meta">\s*·', page), "no actor: no stray separator"
    link = db.session.execute(select(Notification.link).where(
        Notification.user_id == cast.new_teacher.id)).scalar_one()
    assert link == f"/studios/{cast.studio.id}/tasks/{task.id}"
    assert client.get(link).status_code == 200

    login(client, cast.backbone)
    assert bell_count(client) == 1
    page = page_text(client.get("/notifications"))
    assert "课例已等待您评审 5 天" in page and case.title in page
    link = db.session.execute(select(Notification.link).where(
        Notification.user_id == cast.backbone.id)).scalar_one()
    assert link == f"/studios/{cast.studio.id}/cases/{case.id}"
    assert client.get(link).status_code == 200

    login(client, cast.outsider)
    assert bell_count(client) == 0


def test_the_command_sends_and_a_second_run_sends_nothing(app, cast):
    task_due(cast, studio_today(utcnow()) + timedelta(days=1))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "task_due_soon 1" in result.output
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "task_due_soon 0" in result.output
    assert kinds(cast.new_teacher) == ["task_due_soon"]


def test_the_number_of_queries_does_not_grow_with_the_assignments(cast, queries):
    def measure(n):
        for i in range(n):
            task_due(cast, TODAY + timedelta(days=i % 2), [cast.new_teacher, cast.backbone],
                     title=f"任务{i}")
            waiting_case(cast, 6, title=f"课例{i}")
        with queries() as counter:
            sent = send_reminders(NOW)
            db.session.flush()
        db.session.commit()
        assert sum(sent.values()) == 3 * n
        return counter.count

    one = measure(1)
    assert measure(8) == one
