"""Online attendance by presence: the server measures each invited member's time in an
online activity's live room from socket joins, leaves and disconnects, and credits attendance
(and the hours, once) when it reaches the host's share of the duration."""
import os
from datetime import timedelta

import pytest

from blueprints.activities import presence
from models import HourEntry
from models.activity import Attendance, PresenceInterval
from studio.extensions import db, socketio
from tests.conftest import login, page_text
from tests.factories import make_activity


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, minutes):
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def online(cast):
    """An online seminar starting in 5 minutes, lasting 100 minutes, 3 hours credited."""
    a = make_activity(cast.studio, cast.master, [cast.backbone, cast.new_teacher], mode="online",
                      starts_in=5, minutes=100, hours=3, kind="seminar", title="专题研讨：作业设计")
    db.session.commit()
    return a


@pytest.fixture
def clock(monkeypatch, online):
    c = Clock(online.starts_at - timedelta(minutes=10))
    monkeypatch.setattr(presence, "clock", c)
    return c


def hours_of(user):
    return [e.amount for e in db.session.execute(db.select(HourEntry).where(
        HourEntry.user_id == user.id).order_by(HourEntry.id)).scalars()]


def attendance_of(activity, user):
    db.session.expire_all()
    return Attendance.current(activity, user)


def socket(app, user):
    client = app.test_client()
    login(client, user)
    return socketio.test_client(app, flask_test_client=client)


def join(sio, activity):
    ack = sio.emit("join", {"room": activity.room}, callback=True)
    assert ack["ok"], ack
    return ack


def test_present_long_enough_is_checked_in_once_with_the_hours(app, cast, online, clock):
    sio = socket(app, cast.new_teacher)
    join(sio, online)                       # 10 minutes early: those do not count
    clock.advance(10 + 79)                  # 79 of 100 minutes: not yet
    assert sio.emit("leave", {"room": online.room}, callback=True)["ok"]
    assert attendance_of(online, cast.new_teacher) is None
    assert hours_of(cast.new_teacher) == []
    join(sio, online)
    clock.advance(1)                        # 80 minutes: the share is reached at the leave
    sio.emit("leave", {"room": online.room}, callback=True)
    attendance = attendance_of(online, cast.new_teacher)
    assert attendance is not None and attendance.method == "presence"
    assert hours_of(cast.new_teacher) == [3]
    join(sio, online)                        # more time and every later evaluation: once
    clock.advance(15)
    sio.disconnect()
    presence.evaluate_activity(online, clock.now)
    presence.evaluate_ended(online.ends_at + timedelta(hours=1))
    db.session.commit()
    assert hours_of(cast.new_teacher) == [3]
    assert len(db.session.execute(db.select(Attendance).where(
        Attendance.user_id == cast.new_teacher.id)).scalars().all()) == 1


def test_several_tabs_count_once_and_a_disconnect_ends_the_stay(app, cast, online, clock):
    clock.now = online.starts_at
    tabs = [socket(app, cast.backbone), socket(app, cast.backbone)]
    for sio in tabs:
        join(sio, online)
    clock.advance(50)
    for sio in tabs:
        sio.disconnect()                    # 50 minutes in two tabs are 50 minutes, not 100
    assert attendance_of(online, cast.backbone) is None
    assert presence.minutes_present(online, clock.now) == {cast.backbone.id: 50}
    assert db.session.execute(db.select(PresenceInterval).where(
        PresenceInterval.left_at.is_(None))).first() is None


def test_time_after_the_end_does_not_count(app, cast, online, clock):
    clock.now = online.starts_at + timedelta(minutes=30)
    sio = socket(app, cast.new_teacher)
    join(sio, online)
    clock.advance(200)                      # 70 minutes inside the activity, then the evening
    sio.disconnect()
    assert presence.minutes_present(online, clock.now) == {cast.new_teacher.id: 70}
    assert attendance_of(online, cast.new_teacher) is None


def test_the_host_sets_the_share_and_sees_the_minutes(app, client, cast, online, clock):
    online.presence_share = 50
    db.session.commit()
    clock.now = online.starts_at
    sio = socket(app, cast.new_teacher)
    join(sio, online)
    clock.advance(55)                       # still in the room: the host counts now
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/activities/{online.id}/count-presence")
    assert response.status_code == 302
    assert attendance_of(online, cast.new_teacher).method == "presence"
    text = page_text(client.get(f"/studios/{cast.studio.id}/activities/{online.id}"))
    assert "55 分钟" in text and "50%" in text and "直播间" in text
    login(client, cast.new_teacher)         # a member sees no one's minutes
    assert "55 分钟" not in page_text(client.get(
        f"/studios/{cast.studio.id}/activities/{online.id}"))
    sio.disconnect()


def test_a_removed_attendance_is_not_credited_again_by_presence(app, cast, online, clock):
    from blueprints.activities import operations
    clock.now = online.starts_at
    sio = socket(app, cast.new_teacher)
    join(sio, online)
    clock.advance(90)
    sio.disconnect()
    attendance = attendance_of(online, cast.new_teacher)
    operations.remove_attendance(attendance, cast.master, "实际在挂机")
    db.session.commit()
    presence.evaluate_ended(online.ends_at + timedelta(minutes=5))
    db.session.commit()
    assert attendance_of(online, cast.new_teacher) is None
    assert sum(hours_of(cast.new_teacher)) == 0


def test_the_command_credits_those_whose_socket_never_said_goodbye(app, cast, online):
    db.session.add(PresenceInterval(activity_id=online.id, user_id=cast.backbone.id, sid="lost",
                                    joined_at=online.starts_at))
    db.session.commit()
    from unittest import mock
    with mock.patch.object(presence, "clock", lambda: online.ends_at + timedelta(minutes=30)):
        result = app.test_cli_runner().invoke(args=["count-presence"])
        assert "1" in result.output
        result = app.test_cli_runner().invoke(args=["count-presence"])
        assert result.output.strip().endswith("0")
    assert hours_of(cast.backbone) == [3]


def test_a_member_not_invited_is_not_measured(app, cast, online, clock):
    clock.now = online.starts_at
    sio = socket(app, cast.master)          # the host may enter; the host is not on the list
    join(sio, online)
    clock.advance(100)
    sio.disconnect()
    assert db.session.execute(db.select(PresenceInterval)).first() is None


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="concurrent transactions need PostgreSQL")
def test_concurrent_evaluation_credits_once(app, cast, online):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier
    db.session.add(PresenceInterval(activity_id=online.id, user_id=cast.backbone.id, sid="s1",
                                    joined_at=online.starts_at, left_at=online.ends_at))
    db.session.commit()
    activity_id, later = online.id, online.ends_at + timedelta(minutes=1)
    barrier = Barrier(6)

    def attempt(_):
        from models.activity import Activity
        with app.app_context():
            activity = db.session.get(Activity, activity_id)
            barrier.wait()
            n = len(presence.evaluate_activity(activity, later))
            db.session.commit()
            return n

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(attempt, range(6)))
    db.session.expire_all()
    assert sum(results) == 1
    assert hours_of(cast.backbone) == [3]


@pytest.mark.parametrize("share, status", [("50", 302), ("0", 400), ("101", 400), ("八十", 400)])
def test_the_host_sets_the_share_when_scheduling(client, cast, share, status):
    from models.activity import Activity
    from tests.test_activities import _form
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/activities/new",
                           data=_form(mode="online", place="", presence_share=share))
    assert response.status_code == status
    saved = db.session.execute(db.select(Activity.presence_share)).scalars().all()
    if status == 302:
        assert saved == [50]
    else:
        assert saved == []
        assert "1 到 100" in page_text(response) or "整数" in page_text(response)


def test_the_host_changes_the_share_on_the_attendance_page(app, client, cast, online, clock):
    from models import AuditLog
    clock.now = online.starts_at
    sio = socket(app, cast.new_teacher)
    join(sio, online)
    clock.advance(30)                         # 30 of 100 minutes: short of 80%
    login(client, cast.master)
    path = f"/studios/{cast.studio.id}/activities/{online.id}"
    assert client.post(path + "/presence-share", data={"presence_share": "0"}).status_code == 400
    assert client.post(path + "/presence-share", data={"presence_share": "25"}).status_code == 302
    db.session.expire_all()
    assert online.presence_share == 25
    assert db.session.execute(db.select(AuditLog.detail).where(
        AuditLog.action == "presence_share_changed")).scalar_one() == "80 -> 25"
    client.post(path + "/count-presence")
    assert attendance_of(online, cast.new_teacher).method == "presence"
    login(client, cast.backbone)
    assert client.post(path + "/presence-share", data={"presence_share": "1"}).status_code == 403
    sio.disconnect()
