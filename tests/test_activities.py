"""Study activities (研训活动): scheduling for an audience, 参加 / 请假, the rotating check-in
code and QR code, attendance by hand, check-out, removal, and the hours they credit."""
import os
import re
from datetime import timedelta

import pytest

from blueprints.activities import operations
from models import AuditLog, HourEntry, Notification
from models.activity import Activity, ActivityParticipant, Attendance
from models.base import utcnow
from studio.dates import studio_now
from studio.extensions import db
from tests.conftest import login, page_text
from tests.factories import make_activity


def ledger(user=None):
    stmt = db.select(HourEntry).order_by(HourEntry.id)
    if user is not None:
        stmt = stmt.where(HourEntry.user_id == user.id)
    return db.session.execute(stmt).scalars().all()


def attendances(activity):
    return db.session.execute(db.select(Attendance).where(
        Attendance.activity_id == activity.id)).scalars().all()


def url(activity, tail=""):
    return f"/studios/{activity.studio_id}/activities/{activity.id}{tail}"


@pytest.fixture
def activity(cast):
    a = make_activity(cast.studio, cast.master, [cast.backbone, cast.new_teacher], hours=3)
    db.session.commit()
    return a


def check_in(client, activity, code=None, token=None):
    data = {"token": token} if token else {"code": code}
    return client.post(url(activity, "/check-in"), data=data)


# --- scheduling ----------------------------------------------------------------------------

def _form(**over):
    start = studio_now().replace(tzinfo=None, second=0, microsecond=0) + timedelta(days=3)
    data = {"kind": "collective_planning", "title": "集体备课：勾股定理", "agenda": "**分工**",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "on_site", "place": "三楼会议室", "hours": "2", "audience": "studio"}
    data.update(over)
    return data


def test_the_master_schedules_for_the_studio_and_members_are_told(client, cast):
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/activities/new", data=_form())
    assert response.status_code == 302
    activity = db.session.execute(db.select(Activity)).scalar_one()
    assert {p.user_id for p in activity.participants} == {cast.backbone.id, cast.new_teacher.id}
    assert activity.agenda_html == "<p><strong>分工</strong></p>"
    # typed on the studio's clock (UTC+8), stored in UTC
    typed = _form()["starts_at"]
    assert (activity.starts_at + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M") == typed
    kinds = db.session.execute(db.select(Notification.user_id).where(
        Notification.kind == "activity_scheduled")).scalars().all()
    assert sorted(kinds) == sorted([cast.backbone.id, cast.new_teacher.id])


def test_a_backbone_teacher_schedules_only_for_their_mentees(client, cast):
    login(client, cast.backbone)
    response = client.post(f"/studios/{cast.studio.id}/activities/new", data=_form())
    assert response.status_code == 400
    assert "不是有效的选择" in page_text(response)   # "the whole studio" is not offered to them
    assert db.session.execute(db.select(Activity)).first() is None
    group = cast.studio.group_of_mentor(cast.backbone)
    response = client.post(f"/studios/{cast.studio.id}/activities/new",
                           data=_form(audience="group", audience_value=str(group.id)))
    assert response.status_code == 302
    activity = db.session.execute(db.select(Activity)).scalar_one()
    assert [p.user_id for p in activity.participants] == [cast.new_teacher.id]


@pytest.mark.parametrize("over,message", [
    ({"place": ""}, "请填写活动地点"),
    ({"ends_at": "2020-01-01T08:00"}, "结束时间必须晚于开始时间"),
    ({"hours": "NaN"}, "学时"),
    ({"title": ""}, "标题"),
])
def test_a_bad_schedule_is_refused_in_chinese_and_nothing_saved(client, cast, over, message):
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/activities/new", data=_form(**over))
    assert response.status_code == 400
    assert message in page_text(response)
    assert db.session.execute(db.select(Activity)).first() is None


# --- replies and leave ---------------------------------------------------------------------

def test_leave_needs_a_reason_and_approved_leave_is_excused(client, cast, activity):
    login(client, cast.new_teacher)
    response = client.post(url(activity, "/reply"), data={"reply": "leave", "reason": ""})
    assert response.status_code == 400 and "请填写请假理由" in page_text(response)
    assert client.post(url(activity, "/reply"),
                       data={"reply": "leave", "reason": "学校监考"}).status_code == 302
    participant = activity.participant(cast.new_teacher)
    assert (participant.reply, participant.leave_decision) == ("leave", "pending")

    login(client, cast.backbone)   # not the host
    assert client.post(url(activity, f"/leave/{participant.id}"),
                       data={"decision": "approved"}).status_code == 403
    login(client, cast.master)
    assert client.post(url(activity, f"/leave/{participant.id}"),
                       data={"decision": "approved"}).status_code == 302
    again = client.post(url(activity, f"/leave/{participant.id}"), data={"decision": "refused"})
    assert again.status_code == 409 and "没有待审批的请假申请" in page_text(again)
    _rows, figures = operations.attendance_rows(activity)
    assert figures == {"invited": 2, "present": 0, "excused": 1, "absent": 1, "rate": 0}
    page = page_text(client.get(url(activity)))
    assert "应到 2 人 · 实到 0 人 · 请假 1 人 · 缺席 1 人" in page


# --- the rotating code ---------------------------------------------------------------------

def test_the_current_code_checks_in_once_and_credits_the_hours_once(client, cast, activity):
    login(client, cast.new_teacher)
    code, _left = operations.current_code(activity)
    assert check_in(client, activity, code).status_code == 302
    assert [a.method for a in attendances(activity)] == ["code"]
    assert [(e.amount, e.source, e.reason) for e in ledger(cast.new_teacher)] == \
        [(3, "activity", activity.title)]
    twice = check_in(client, activity, code)
    assert twice.status_code == 409 and "你已经签到过本次活动" in page_text(twice)
    assert len(attendances(activity)) == 1 and len(ledger()) == 1
    assert "已于" in page_text(client.get(url(activity)))


def test_the_code_of_the_previous_window_still_works(app, cast, activity):
    now = utcnow()
    code, _ = operations.current_code(activity, now - timedelta(seconds=30))
    operations.check_in(activity, cast.new_teacher, code, now=now)
    assert len(attendances(activity)) == 1


@pytest.mark.parametrize("age", [61, 90, 600])
def test_an_old_code_is_refused_and_nothing_changes(client, cast, activity, age):
    login(client, cast.new_teacher)
    code, _ = operations.current_code(activity, utcnow() - timedelta(seconds=age))
    if code in {operations.current_code(activity)[0],
                operations.current_code(activity, utcnow() - timedelta(seconds=30))[0]}:
        pytest.skip("the old code happens to equal a fresh one (one chance in 500,000)")
    response = check_in(client, activity, code)
    assert response.status_code == 400
    assert "签到码无效或已过期" in page_text(response)
    assert attendances(activity) == [] and ledger() == []


def test_a_code_of_another_activity_is_refused(client, cast, activity):
    other = make_activity(cast.studio, cast.master, [cast.new_teacher], title="读书交流")
    db.session.commit()
    login(client, cast.new_teacher)
    response = check_in(client, activity, operations.current_code(other)[0])
    assert response.status_code == 400 and "签到码无效" in page_text(response)
    assert attendances(activity) == [] and attendances(other) == []


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5x"])
def test_a_malformed_code_is_refused_in_chinese(client, cast, activity, code):
    login(client, cast.new_teacher)
    response = check_in(client, activity, code)
    assert response.status_code == 400 and "6 位签到码" in page_text(response)
    assert attendances(activity) == []


def test_a_member_not_invited_cannot_check_in(client, cast, activity):
    only_backbone = make_activity(cast.studio, cast.master, [cast.backbone])
    db.session.commit()
    login(client, cast.new_teacher)   # a member of the studio, not on this list
    assert client.get(url(only_backbone)).status_code == 403
    assert check_in(client, only_backbone,
                    operations.current_code(only_backbone)[0]).status_code == 403
    login(client, cast.outsider)      # another studio
    assert check_in(client, activity, operations.current_code(activity)[0]).status_code == 403
    assert attendances(activity) == [] and attendances(only_backbone) == []


@pytest.mark.parametrize("starts_in,minutes,message", [
    (45, 60, "签到在活动开始前 30 分钟开放"),       # opens in 15 minutes
    (-180, 120, "活动已结束，签到已关闭"),          # ended an hour ago
])
def test_check_in_outside_the_window_is_refused(client, cast, starts_in, minutes, message):
    activity = make_activity(cast.studio, cast.master, [cast.new_teacher], starts_in=starts_in,
                             minutes=minutes)
    db.session.commit()
    login(client, cast.new_teacher)
    response = check_in(client, activity, operations.current_code(activity)[0])
    assert response.status_code == 409 and message in page_text(response)
    assert attendances(activity) == []


def test_check_in_opens_thirty_minutes_before_the_start(app, cast):
    activity = make_activity(cast.studio, cast.master, [cast.new_teacher], starts_in=25)
    db.session.commit()
    operations.check_in(activity, cast.new_teacher, operations.current_code(activity)[0])
    assert len(attendances(activity)) == 1


def test_the_qr_token_checks_in_and_an_expired_or_foreign_one_does_not(client, cast, activity):
    other = make_activity(cast.studio, cast.master, [cast.new_teacher, cast.backbone])
    db.session.commit()
    login(client, cast.new_teacher)
    landing = client.get(url(activity, "/check-in?t=" + operations.qr_token(activity)))
    assert landing.status_code == 200 and "立即签到" in page_text(landing)
    stale = operations.qr_token(activity, utcnow() - timedelta(seconds=90))
    for token in (stale, operations.qr_token(other), "forged.token"):
        response = check_in(client, activity, token=token)
        assert response.status_code == 400 and "二维码已过期" in page_text(response)
    assert attendances(activity) == []
    assert check_in(client, activity, token=operations.qr_token(activity)).status_code == 302
    assert [a.method for a in attendances(activity)] == ["qr"]


def test_the_projector_shows_the_code_and_a_qr_code_to_the_host_only(client, cast, activity):
    login(client, cast.master)
    page = client.get(url(activity, "/projector"))
    text = page_text(page)
    assert page.status_code == 200
    assert operations.current_code(activity)[0] in text or \
        operations.current_code(activity, utcnow() - timedelta(seconds=1))[0] in text
    assert 'src="data:image/svg+xml' in text
    data = client.get(url(activity, "/code"))
    assert data.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(r"[0-9]{6}", data.json["code"]) and 0 < data.json["seconds_left"] <= 30
    assert "/check-in?t=" in data.json["url"]
    login(client, cast.new_teacher)
    assert client.get(url(activity, "/projector")).status_code == 403
    assert client.get(url(activity, "/code")).status_code == 403


# --- by hand, check-out, removal -----------------------------------------------------------

def test_the_host_marks_by_hand_with_a_reason_and_it_is_audited(client, cast, activity):
    login(client, cast.master)
    response = client.post(url(activity, "/attendance"),
                           data={"user_id": str(cast.new_teacher.id), "reason": ""})
    assert response.status_code == 400 and "请填写理由" in page_text(response)
    assert attendances(activity) == []
    assert client.post(url(activity, "/attendance"), data={
        "user_id": str(cast.new_teacher.id), "reason": "手机没电，现场核对"}).status_code == 302
    [attendance] = attendances(activity)
    assert (attendance.method, attendance.reason, attendance.recorded_by_id) == \
        ("manual", "手机没电，现场核对", cast.master.id)
    audit = db.session.execute(db.select(AuditLog).where(
        AuditLog.action == "attendance_marked")).scalar_one()
    assert audit.actor_id == cast.master.id and "手机没电" in audit.detail
    assert [e.amount for e in ledger(cast.new_teacher)] == [3]
    outsider = client.post(url(activity, "/attendance"),
                           data={"user_id": str(cast.outsider.id), "reason": "代签"})
    assert outsider.status_code == 400 and "不在本次活动的参加名单中" in page_text(outsider)


def test_removing_an_attendance_takes_the_hours_back_with_the_reason(client, cast, activity):
    attendance = operations.check_in(activity, cast.new_teacher,
                                     operations.current_code(activity)[0])
    db.session.commit()
    login(client, cast.master)
    no_reason = client.post(url(activity, f"/attendance/{attendance.id}/remove"),
                            data={"reason": ""})
    assert no_reason.status_code == 400 and len(ledger()) == 1
    assert client.post(url(activity, f"/attendance/{attendance.id}/remove"),
                       data={"reason": "签到后离开会场"}).status_code == 302
    entries = ledger(cast.new_teacher)
    assert [(e.amount, e.source) for e in entries] == [(3, "activity"), (-3, "reversal")]
    assert entries[1].source_id == entries[0].id and "签到后离开会场" in entries[1].reason
    assert sum(e.amount for e in entries) == 0
    assert attendances(activity)[0].remove_reason == "签到后离开会场"
    again = client.post(url(activity, f"/attendance/{attendance.id}/remove"),
                        data={"reason": "再次撤销"})
    assert again.status_code == 403 and len(ledger()) == 2
    # checked in again (the host, by hand): credited again, once
    client.post(url(activity, "/attendance"),
                data={"user_id": str(cast.new_teacher.id), "reason": "回到会场"})
    assert sum(e.amount for e in ledger(cast.new_teacher)) == 3
    assert "撤销：" in page_text(client.get(f"/studios/{cast.studio.id}/hours/{cast.new_teacher.id}"))


def test_the_host_checks_a_member_out(client, cast, activity):
    attendance = operations.check_in(activity, cast.new_teacher,
                                     operations.current_code(activity)[0])
    db.session.commit()
    login(client, cast.new_teacher)
    assert client.post(url(activity, f"/attendance/{attendance.id}/check-out")).status_code == 403
    login(client, cast.master)
    assert client.post(url(activity, f"/attendance/{attendance.id}/check-out")).status_code == 302
    db.session.refresh(attendance)
    assert attendance.checked_out_at is not None
    assert "签退" in page_text(client.get(url(activity)))


# --- lists equal pages; online rooms; old addresses ----------------------------------------

def test_the_list_shows_exactly_the_activities_whose_page_opens(client, cast):
    made = [make_activity(cast.studio, cast.master, [cast.new_teacher], title="甲"),
            make_activity(cast.studio, cast.backbone, [cast.new_teacher], title="乙"),
            make_activity(cast.studio, cast.master, [cast.backbone], title="丙"),
            make_activity(cast.studio, cast.master, [], title="丁")]
    db.session.commit()
    for who in ("admin", "master", "backbone", "new_teacher"):
        user = getattr(cast, who)
        login(client, user)
        listed = set(map(int, re.findall(r"/activities/(\d+)\"", page_text(
            client.get(f"/studios/{cast.studio.id}/activities")))))
        for a in made:
            opens = client.get(url(a)).status_code == 200
            assert opens == (a.id in listed) == a.can_view(user), (who, a.title)


def test_an_online_activity_room_is_for_those_invited(app, cast):
    from studio.extensions import socketio
    online = make_activity(cast.studio, cast.master, [cast.backbone], mode="online")
    on_site = make_activity(cast.studio, cast.master, [cast.new_teacher])
    db.session.commit()
    for user, room, ok in ((cast.backbone, online.room, True), (cast.new_teacher, online.room, False),
                           (cast.new_teacher, on_site.room, False)):
        client = app.test_client()
        login(client, user)
        sio = socketio.test_client(app, flask_test_client=client)
        ack = sio.emit("join", {"room": room}, callback=True)
        assert ack["ok"] is ok, (user.username, room, ack)
        sio.disconnect()
    client = app.test_client()
    login(client, cast.new_teacher)
    assert client.get(url(online, "/live")).status_code == 403
    assert client.get(url(on_site, "/live")).status_code == 404
    assert client.get(f"/studios/{cast.studio.id}/seminars/{online.id}").headers["Location"] \
        .endswith(url(online, "/live"))


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="concurrent transactions need PostgreSQL")
def test_concurrent_check_ins_credit_once(app, cast, activity):
    """Eight requests at once with the same fresh code (two phones, a double tap): one
    attendance, one ledger row; the others are told they have checked in already."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    code = operations.current_code(activity)[0]
    path, token = url(activity, "/check-in"), cast.new_teacher.session_token
    barrier = Barrier(8)

    def attempt(_):
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = token, True
            barrier.wait()
            return client.post(path, data={"code": code}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(attempt, range(8)))
    db.session.expire_all()
    assert statuses == [302] + [409] * 7
    assert len(attendances(activity)) == 1
    assert [e.amount for e in ledger(cast.new_teacher)] == [3]


def test_participants_are_unique_per_activity(app, cast, activity):
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(ActivityParticipant(activity_id=activity.id, user_id=cast.backbone.id))
