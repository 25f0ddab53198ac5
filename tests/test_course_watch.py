"""Watch time that cannot be skipped through: the server's rules (blueprints/courses/watch.py)
and the watch protocol's routes. Time passes by moving the session's timestamps back on the
progress row (the server trusts only its clock)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from blueprints.courses import watch
from blueprints.courses.operations import progress_of
from models import Assignment, HourEntry
from studio.extensions import db
from tests.conftest import login, login_en, make_user, join
from tests.course_factories import add_lecture, assign_course, make_course

DURATION = 100.0


# --- the pure rules ------------------------------------------------------------------------
def test_ranges_merge_and_the_uncovered_parts_are_found_in_playing_order():
    assert watch.merge_ranges([[5, 10], [0, 3], [3, 4], [9, 12], [20, 20]]) == [[0, 4], [5, 12]]
    assert watch.covered_length([[0, 4], [2, 6]]) == 6
    assert watch.uncovered_parts([[0, 4], [5, 12]], 2, 15) == [[4, 5], [12, 15]]
    assert watch.uncovered_parts([], 3, 8) == [[3, 8]]
    assert watch.uncovered_parts([[0, 10]], 2, 8) == []
    assert watch.take_seconds([[4, 5], [12, 15]], 2.5) == [[4, 5], [12, 13.5]]
    assert watch.take_seconds([[0, 10]], 0) == []


def test_bounds_of_a_report_and_of_a_session():
    assert not watch.is_forged_jump(80, 5)          # 16 x 5 + 2 = 82
    assert watch.is_forged_jump(83, 5)
    assert watch.is_forged_jump(DURATION, 0)        # a jump from 0 to the end at once
    assert watch.session_budget(10, 0) == 17        # 1.5 x 10 + 2
    assert watch.session_budget(10, 20) == 0


# --- the protocol --------------------------------------------------------------------------
@pytest.fixture
def lecture(cast):
    course = make_course(cast.master, studio=cast.studio)
    module = add_lecture(course, cast.master, hours=2, duration=DURATION, real_video=False)
    assign_course(cast.studio, cast.master, [cast.new_teacher], course)
    db.session.commit()
    return module


def base(module):
    return f"/studios/{module.course.studio_id}/courses/{module.course_id}/modules/{module.id}"


def start(client, module):
    response = client.post(base(module) + "/watch", json={})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def report(client, module, token, seq, start_at, end_at):
    return client.post(base(module) + "/watch/report",
                       json={"token": token, "seq": seq, "from": start_at, "to": end_at})


def wait(module, user, seconds):
    """``seconds`` pass for the session: its start and its last report move back."""
    db.session.expire_all()
    progress = progress_of(module, user)
    progress.watch_started_at -= timedelta(seconds=seconds)
    progress.last_report_at -= timedelta(seconds=seconds)
    db.session.commit()


def progress(module, user):
    db.session.expire_all()
    return progress_of(module, user)


def course_hours(user):
    return db.session.execute(select(func.count()).select_from(HourEntry).where(
        HourEntry.user_id == user.id, HourEntry.source == "course")).scalar()


def test_a_forged_jump_from_start_to_end_credits_nothing(cast, client, lecture):
    login(client, cast.new_teacher)
    token = start(client, lecture)["token"]
    response = report(client, lecture, token, 1, 0, DURATION)
    assert response.status_code == 422
    assert response.get_json()["error"] == "进度异常：跳过或快进的部分不计入学时"
    assert response.get_json()["credited"] == 0
    row = progress(lecture, cast.new_teacher)
    assert row.covered == [] and row.covered_seconds == 0 and row.completed_at is None
    assert course_hours(cast.new_teacher) == 0


def test_reports_faster_than_real_time_are_refused_then_honest_play_counts(cast, client,
                                                                             lecture):
    login(client, cast.new_teacher)
    token = start(client, lecture)["token"]
    wait(lecture, cast.new_teacher, 1)
    assert report(client, lecture, token, 1, 0, 30).status_code == 422   # 30 s of video in 1 s
    wait(lecture, cast.new_teacher, 5)                 # the anchor moved to the refused report
    answer = report(client, lecture, token, 2, 0, 5).get_json()
    assert answer["credited"] == 5 and answer["covered_seconds"] == 5


def test_a_replayed_report_is_refused(cast, client, lecture):
    login(client, cast.new_teacher)
    token = start(client, lecture)["token"]
    wait(lecture, cast.new_teacher, 5)
    assert report(client, lecture, token, 1, 0, 5).status_code == 200
    wait(lecture, cast.new_teacher, 5)
    replay = report(client, lecture, token, 1, 5, 10)
    assert replay.status_code == 409 and replay.get_json()["credited"] == 0
    assert progress(lecture, cast.new_teacher).covered_seconds == 5


def test_two_tabs_do_not_count_twice(cast, app, client, lecture):
    login(client, cast.new_teacher)
    first = start(client, lecture)["token"]
    wait(lecture, cast.new_teacher, 10)
    assert report(client, lecture, first, 1, 0, 10).get_json()["credited"] == 10
    other = login_en(app.test_client(), cast.new_teacher)     # a second tab or device
    second = start(other, lecture)["token"]
    wait(lecture, cast.new_teacher, 10)
    refused = report(client, lecture, first, 2, 10, 20)
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "本课程已在另一个窗口或设备上播放，此窗口的观看不计入学时"
    # the second tab plays the same ten seconds again: nothing new to credit
    assert report(other, lecture, second, 1, 0, 10).get_json()["credited"] == 0
    assert progress(lecture, cast.new_teacher).covered_seconds == 10


def test_double_speed_counts_at_one_and_a_half_and_stays_completable(cast, client, lecture):
    login(client, cast.new_teacher)
    token = start(client, lecture)["token"]
    credited = []
    for seq, at in enumerate(range(0, 100, 10), start=1):   # 10 s of video per 5 s at 2x
        wait(lecture, cast.new_teacher, 5)
        credited.append(report(client, lecture, token, seq, at, at + 10).get_json()["credited"])
    assert credited[0] == pytest.approx(9.5, abs=0.1)                                # 5 x 1.5 + 2
    assert sum(credited) == pytest.approx(50 * 1.5 + 2, abs=0.5)
    row = progress(lecture, cast.new_teacher)
    assert row.covered_seconds == pytest.approx(77, abs=0.5) and row.completed_at is None
    assert course_hours(cast.new_teacher) == 0
    # watched again at normal speed, the parts played too fast fill in and it completes
    token = start(client, lecture)["token"]
    wait(lecture, cast.new_teacher, 100)
    answer = report(client, lecture, token, 1, 0, DURATION).get_json()
    assert answer["complete"] and answer["completed"] and answer["percent"] == 100
    assert answer["message"] == "已完成，获得 2 学时"
    assert course_hours(cast.new_teacher) == 1
    assignment = db.session.execute(select(Assignment).where(
        Assignment.user_id == cast.new_teacher.id)).scalar_one()
    assert assignment.state == "completed"


def test_seeking_ahead_does_not_count(cast, client, lecture):
    login(client, cast.new_teacher)
    token = start(client, lecture)["token"]
    wait(lecture, cast.new_teacher, 5)
    report(client, lecture, token, 1, 0, 5)              # played to 5, then sought to 90
    wait(lecture, cast.new_teacher, 5)
    answer = report(client, lecture, token, 2, 90, 95).get_json()
    assert answer["covered_seconds"] == 10 and not answer["complete"]
    assert progress(lecture, cast.new_teacher).covered == [[0, 5], [90, 95]]


def test_a_completed_lecture_accepts_reports_without_credit(cast, client, lecture):
    login(client, cast.new_teacher)
    token = start(client, lecture)["token"]
    wait(lecture, cast.new_teacher, 95)
    assert report(client, lecture, token, 1, 0, 95).get_json()["completed"]
    wait(lecture, cast.new_teacher, 5)
    answer = report(client, lecture, token, 2, 95, 100)
    assert answer.status_code == 200
    assert answer.get_json()["credited"] == 0 and answer.get_json()["complete"]
    assert not answer.get_json()["completed"]
    assert course_hours(cast.new_teacher) == 1


def test_playback_resumes_where_it_stopped_on_another_device(cast, app, client, lecture):
    login(client, cast.new_teacher)
    token = start(client, lecture)["token"]
    wait(lecture, cast.new_teacher, 42)
    report(client, lecture, token, 1, 0, 42)
    phone = login(app.test_client(), cast.new_teacher)
    assert start(phone, lecture)["position"] == 42


HOSTILE = [
    ("NaN", '{"token": "%s", "seq": 1, "from": 0, "to": NaN}', 400),
    ("Infinity", '{"token": "%s", "seq": 1, "from": 0, "to": Infinity}', 400),
    ("huge float", '{"token": "%s", "seq": 1, "from": 0, "to": 1e400}', 400),
    ("huge int", '{"token": "%s", "seq": 1, "from": 0, "to": 1000000000000000000000000000}', 400),
    ("huge seq", '{"token": "%s", "seq": 99999999999999999999, "from": 0, "to": 1}', 400),
    ("string", '{"token": "%s", "seq": 1, "from": "0", "to": "5"}', 400),
    ("bool", '{"token": "%s", "seq": true, "from": 0, "to": 1}', 400),
    ("float seq", '{"token": "%s", "seq": 1.5, "from": 0, "to": 1}', 400),
    ("negative", '{"token": "%s", "seq": 1, "from": -5, "to": 1}', 400),
    ("backwards", '{"token": "%s", "seq": 1, "from": 5, "to": 1}', 400),
    ("past the end", '{"token": "%s", "seq": 1, "from": 0, "to": 101.5}', 400),
    ("token list", '{"token": ["%s"], "seq": 1, "from": 0, "to": 1}', 400),
    ("NUL token", '{"token": "%s\\u0000", "seq": 1, "from": 0, "to": 1}', 409),
    ("no token", '{"seq": 1, "from": 0, "to": 1, "x": "%s"}', 409),
    ("a list", '["%s", 1, 0, 1]', 400),
    ("not JSON", 'token=%s&seq=1', 400),
]


@pytest.mark.parametrize("name,body,status", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_reports_are_refused_with_a_message(cast, client, lecture, name, body, status):
    login(client, cast.new_teacher)
    token = start(client, lecture)["token"]
    wait(lecture, cast.new_teacher, 10)
    response = client.post(base(lecture) + "/watch/report", data=body % token,
                           content_type="application/json")
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]
    row = progress(lecture, cast.new_teacher)
    assert row.watch_seq == 0 and row.covered_seconds == 0


@pytest.mark.parametrize("role", ["admin", "master", "backbone", "outsider", "other_office"])
def test_only_the_assigned_learner_reports(cast, client, lecture, role):
    login(client, getattr(cast, role))
    response = client.post(base(lecture) + "/watch", json={},
                           headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.get_json()["error"]


def test_a_module_left_out_of_the_task_is_not_studied(cast, client):
    course = make_course(cast.master, studio=cast.studio)
    chosen = add_lecture(course, cast.master, real_video=False, duration=DURATION)
    other = add_lecture(course, cast.master, real_video=False, duration=DURATION, title="其他")
    late = make_user("late", "孙新师", cast.new_teacher.password_hash)
    join(cast.studio, late, "new_teacher")
    assign_course(cast.studio, cast.master, [cast.new_teacher], course, modules=[chosen])
    db.session.commit()
    for user, module in ((cast.new_teacher, other), (late, chosen)):
        login(client, user)
        refused = client.post(base(module) + "/watch/report",
                              json={"token": "x", "seq": 1, "from": 0, "to": 1})
        assert refused.status_code == 403
        assert refused.get_json()["error"] == "本模块未布置给您，观看不计学时"
    assert progress_of(other, cast.new_teacher) is None
