"""The bell: what a person is told about on their next page, and marking it read."""
from datetime import date, timedelta

from sqlalchemy import select

from models import Notification
from studio.extensions import db
from tests.coreloop import bell_count, count, login, text
from tests.factories import make_case

RUBRIC = {"learner_analysis_score": "4", "lesson_design_score": "4",
          "teaching_delivery_score": "4", "reflection_score": "4"}


def kinds(user):
    return [n.kind for n in db.session.execute(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).scalars()]


def test_a_new_task_rings_the_assignees_bell_and_reading_clears_it(client, cast):
    login(client, cast.new_teacher)
    assert bell_count(client) == 0
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/tasks/new", data={
        "title": "研读课标", "description": "", "focus": "other", "deliverable": "reading_notes",
        "hours": "2", "opens_on": date.today().isoformat(),
        "due_on": (date.today() + timedelta(days=3)).isoformat(), "audience": "role",
        "audience_value": "new_teacher"})
    assert response.status_code == 302
    assert bell_count(client) == 0                       # the setter is not told of their own act
    login(client, cast.new_teacher)
    assert bell_count(client, f"/studios/{cast.studio.id}/tasks") == 1
    page = text(client.get("/notifications"))
    assert "New task" in page and "研读课标" in page and "王名师" in page
    assert bell_count(client) == 1                       # looking is not reading
    response = client.post("/notifications/read", data={})
    assert response.status_code == 302
    assert bell_count(client) == 0
    (row,) = db.session.execute(select(Notification)).scalars().all()
    db.session.refresh(row)
    assert row.user_id == cast.new_teacher.id and row.read_at is not None
    login(client, cast.backbone)                         # not addressed to backbones
    assert bell_count(client) == 0


def test_the_case_life_cycle_rings_the_right_bells(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="draft")
    db.session.commit()
    base = f"/studios/{cast.studio.id}/cases/{case.id}"

    login(client, cast.backbone)
    assert bell_count(client) == 0
    login(client, cast.new_teacher)
    assert client.post(f"{base}/submit").status_code == 302
    assert bell_count(client) == 0
    login(client, cast.backbone)
    assert bell_count(client) == 1
    assert kinds(cast.backbone) == ["case_submitted"]
    assert kinds(cast.master) == []                      # the mentor reviews, not the master

    client.get(base)
    assert client.post(f"{base}/review", data={**RUBRIC, "overall": "请补充前测。",
                                               "verdict": "request_changes"}).status_code == 302
    login(client, cast.new_teacher)
    assert bell_count(client) == 1
    assert kinds(cast.new_teacher) == ["changes_requested"]
    assert client.post(f"{base}/submit").status_code == 302

    login(client, cast.backbone)
    assert bell_count(client) == 2                       # handed in, and handed in again
    client.get(base)
    assert client.post(f"{base}/review", data={**RUBRIC, "overall": "",
                                               "verdict": "approve"}).status_code == 302
    login(client, cast.new_teacher)
    assert bell_count(client) == 2
    assert kinds(cast.new_teacher) == ["changes_requested", "case_approved"]
    page = text(client.get("/notifications"))
    assert "Your lesson case was approved" in page and "Changes requested" in page


def test_reading_one_notification_follows_its_link_and_leaves_the_others(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="draft")
    db.session.commit()
    login(client, cast.new_teacher)
    client.post(f"/studios/{cast.studio.id}/cases/{case.id}/submit")
    other = Notification(user_id=cast.backbone.id, kind="task_assigned", subject="另一条",
                         link="/notifications")
    mine_elsewhere = Notification(user_id=cast.master.id, kind="task_assigned", subject="别人的")
    db.session.add_all([other, mine_elsewhere])
    db.session.commit()
    first = db.session.execute(select(Notification).where(
        Notification.kind == "case_submitted")).scalar_one()
    login(client, cast.backbone)
    assert bell_count(client) == 2
    response = client.post("/notifications/read", data={"notification_id": str(first.id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studios/{cast.studio.id}/cases/{case.id}")
    assert bell_count(client) == 1
    # someone else's notification is not found, and stays unread
    assert client.post("/notifications/read",
                       data={"notification_id": str(mine_elsewhere.id)}).status_code == 404
    db.session.refresh(mine_elsewhere)
    assert mine_elsewhere.read_at is None


def test_an_outside_link_is_not_followed(client, cast):
    row = Notification(user_id=cast.new_teacher.id, kind="task_assigned", subject="钓鱼",
                       link="https://evil.example/")
    db.session.add(row)
    db.session.commit()
    login(client, cast.new_teacher)
    response = client.post("/notifications/read", data={"notification_id": str(row.id)})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert count(Notification, Notification.read_at.is_(None)) == 0


def test_notifications_need_a_login(client, cast):
    assert client.get("/notifications").status_code == 302
    assert client.post("/notifications/read", data={}).status_code == 302
