"""The calendar page (month grid and list) and the member's iCalendar feed."""
import re
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from blueprints.studios.operations import remove_member
from models.activity import Activity, ActivityParticipant
from models.calendar import CalendarFeed
from models.task import Task
from studio.extensions import db
from tests.conftest import join, login, make_user, page_text
from tests.factories import make_task

JANUARY = "2027-01"


def activity(cast, host, invited, starts_at, title, minutes=90, studio=None, place="郑州市第一中学会议室"):
    row = Activity(studio=studio or cast.studio, host_id=host.id, kind="seminar", title=title,
                   agenda="## 议程\n说课、评课", starts_at=starts_at,
                   ends_at=starts_at + timedelta(minutes=minutes), mode="on_site", place=place,
                   hours=2)
    db.session.add(row)
    db.session.flush()
    for user in invited:
        db.session.add(ActivityParticipant(activity_id=row.id, user_id=user.id))
    db.session.flush()
    return row


def task_due(cast, setter, assignees, due_on, title):
    task = make_task(cast.studio, setter, assignees, deliverable="other", title=title)
    task.due_on = due_on
    db.session.flush()
    return task


@pytest.fixture
def january(cast):
    """Activities and tasks of January 2027 (UTC times; Beijing is UTC+8)."""
    rows = dict(
        # 1 January 04:00 in Beijing: still 31 December in UTC
        new_year=activity(cast, cast.master, [cast.new_teacher], datetime(2026, 12, 31, 20, 0),
                          "元旦专题研讨"),
        backbone_only=activity(cast, cast.master, [cast.backbone], datetime(2027, 1, 12, 1, 30),
                               "骨干教师读书交流"),
        hosted_by_backbone=activity(cast, cast.backbone, [cast.new_teacher],
                                    datetime(2027, 1, 20, 6, 0), "课堂观摩：勾股定理"),
        # 31 January 23:00 in Beijing is still January; 1 February 00:30 is not
        late=activity(cast, cast.master, [cast.new_teacher], datetime(2027, 1, 31, 15, 0),
                      "月末集体备课"),
        february=activity(cast, cast.master, [cast.new_teacher], datetime(2027, 1, 31, 16, 30),
                          "二月的活动"),
        other_studio=activity(cast, cast.other_master, [cast.outsider],
                              datetime(2027, 1, 15, 2, 0), "别的工作室", studio=cast.other_studio),
        task_for_new=task_due(cast, cast.master, [cast.new_teacher], date(2027, 1, 18), "撰写教学反思"),
        task_for_backbone=task_due(cast, cast.master, [cast.backbone], date(2027, 1, 25), "骨干示范课"),
    )
    db.session.commit()
    return rows


def shown(response, kind):
    return {int(i) for i in re.findall(
        rf'data-testid="cal-{kind}" data-id="(\d+)"', response.get_data(as_text=True))}


@pytest.mark.parametrize("view", ["month", "list"])
@pytest.mark.parametrize("role", ["admin", "master", "backbone", "new_teacher"])
def test_the_calendar_shows_exactly_what_each_viewer_may_see(client, cast, january, role, view):
    """The month page and the rule homes (``visible_to``) agree for every role, in the
    studio's days: an activity at 04:00 Beijing on 1 January is in January."""
    user = getattr(cast, role)
    login(client, user)
    response = client.get(f"/studios/{cast.studio.id}/calendar?month={JANUARY}"
                          + ("&view=list" if view == "list" else ""))
    assert response.status_code == 200
    start, end = datetime(2026, 12, 31, 16), datetime(2027, 1, 31, 16)
    expected_activities = {a.id for a in db.session.execute(
        Activity.visible_to(cast.studio, user)).scalars() if start <= a.starts_at < end}
    expected_tasks = {t.id for t in db.session.execute(Task.visible_to(cast.studio, user)).scalars()
                      if date(2027, 1, 1) <= t.due_on <= date(2027, 1, 31)}
    assert shown(response, "activity") == expected_activities
    assert shown(response, "task") == expected_tasks
    assert january["february"].id not in shown(response, "activity")
    assert january["other_studio"].id not in shown(response, "activity")


def test_what_a_new_teacher_sees_and_what_is_marked_as_theirs(client, cast, january):
    login(client, cast.new_teacher)
    response = client.get(f"/studios/{cast.studio.id}/calendar?month={JANUARY}&view=list")
    assert shown(response, "activity") == {january[k].id for k in ("new_year", "hosted_by_backbone", "late")}
    assert shown(response, "task") == {january["task_for_new"].id}
    text = page_text(response)
    assert "骨干教师读书交流" not in text and "骨干示范课" not in text
    # the times are Beijing times, and January 1st is its own day
    assert re.search(r"1月1日 周五</h2>\s*<a[^>]*>\s*<span class=\"cal-time\">04:00", text)
    assert "23:00" in text
    assert text.count('class="cal-item activity mine"') == 3
    assert 'class="cal-item task mine"' in text


def test_the_master_sees_what_they_host_and_set_marked(client, cast, january):
    login(client, cast.master)
    text = page_text(client.get(f"/studios/{cast.studio.id}/calendar?month={JANUARY}"))
    assert text.count("我主持") == 3          # new_year, backbone_only, late (not the backbone's)
    assert text.count("我布置的") == 2
    login(client, cast.backbone)
    text = page_text(client.get(f"/studios/{cast.studio.id}/calendar?month={JANUARY}"))
    assert text.count("我主持") == 1 and "我布置的" not in text


def test_month_navigation_and_the_current_month(client, cast, january):
    login(client, cast.master)
    text = page_text(client.get(f"/studios/{cast.studio.id}/calendar?month=2027-1"))
    assert "month=2026-12" in text and "month=2027-02" in text
    response = client.get(f"/studios/{cast.studio.id}/calendar")
    assert response.status_code == 200
    from studio.dates import studio_today
    today = studio_today(cast.studio)
    assert f"{today.year}-{today.month:02d}" in page_text(response)
    assert "日历" in page_text(response)   # the nav link


@pytest.mark.parametrize("value", ["2027-13", "2027-00", "abc", "2027", "9" * 30 + "-01",
                                   "２０２７-０１", "2027-01-01", "-1-01", "0000-01", "NaN"])
def test_a_hostile_month_is_refused_in_chinese(client, cast, value):
    login(client, cast.new_teacher)
    response = client.get(f"/studios/{cast.studio.id}/calendar", query_string={"month": value})
    assert response.status_code == 400
    assert "请按年和月选择月份" in page_text(response)


def test_the_query_count_does_not_grow_with_the_month(client, cast, queries):
    login(client, cast.new_teacher)
    url = f"/studios/{cast.studio.id}/calendar?month={JANUARY}"
    counts = []
    for n in (2, 20):
        for i in range(n):
            activity(cast, cast.master, [cast.new_teacher, cast.backbone],
                     datetime(2027, 1, 1 + i % 28, 2, 0), f"活动{n}-{i}")
            task_due(cast, cast.master, [cast.new_teacher], date(2027, 1, 1 + i % 28), f"任务{n}-{i}")
        db.session.commit()
        with queries() as q:
            response = client.get(url)
        assert response.status_code == 200
        assert len(shown(response, "activity")) == (2 if n == 2 else 22)
        counts.append(q.count)
    assert counts[0] == counts[1], counts


# --- the feed ---------------------------------------------------------------------------
def subscribe(client, cast):
    response = client.post(f"/studios/{cast.studio.id}/calendar/subscribe", data={},
                           follow_redirects=True)
    assert response.status_code == 200
    text = page_text(response)
    url = re.search(r'value="(http://[^"]+\.ics)"', text).group(1)
    assert re.search(r'value="webcal://[^"]+\.ics"', text)
    return url.split("localhost", 1)[1]


def events(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_holds_my_activities_and_due_dates(client, cast, january):
    login(client, cast.new_teacher)
    path = subscribe(client, cast)
    # shown once: the page does not show it again
    again = page_text(client.get(f"/studios/{cast.studio.id}/calendar/subscribe"))
    assert ".ics" not in again and "重新生成" in again and "停止订阅" in again
    login(client, None)
    feed = events(client.get(path))
    expected = {f"activity-{january[k].id}@{cast.studio.id}.mentor-studio"
                for k in ("new_year", "hosted_by_backbone", "late", "february")}
    expected.add(f"task-{january['task_for_new'].id}@{cast.studio.id}.mentor-studio")
    assert set(feed) == expected
    new_year = feed[f"activity-{january['new_year'].id}@{cast.studio.id}.mentor-studio"]
    start = new_year.decoded("DTSTART")
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert (start.year, start.month, start.day, start.hour) == (2027, 1, 1, 4)
    assert new_year.decoded("DTEND") - start == timedelta(minutes=90)
    assert str(new_year["LOCATION"]) == "郑州市第一中学会议室"
    assert str(new_year["SUMMARY"]) == "元旦专题研讨"
    assert str(new_year["URL"]).endswith(
        f"/studios/{cast.studio.id}/activities/{january['new_year'].id}")
    due = feed[f"task-{january['task_for_new'].id}@{cast.studio.id}.mentor-studio"]
    assert due.decoded("DTSTART") == date(2027, 1, 18)      # an all-day event
    assert due.decoded("DTEND") == date(2027, 1, 19)
    assert "撰写教学反思" in str(due["SUMMARY"])
    # the same UIDs next time (a phone updates instead of duplicating)
    assert set(events(client.get(path))) == expected


def test_regenerating_revokes_the_old_address_and_stopping_ends_it(client, cast, january):
    login(client, cast.new_teacher)
    old = subscribe(client, cast)
    new = subscribe(client, cast)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert db.session.query(CalendarFeed).count() == 1
    token = new.rsplit("/", 1)[1][:-4]
    assert token not in db.session.query(CalendarFeed).one().token_hash   # stored hashed
    client.post(f"/studios/{cast.studio.id}/calendar/unsubscribe", data={})
    assert client.get(new).status_code == 404
    assert "/calendar/" in client.get(f"/studios/{cast.studio.id}/calendar").get_data(as_text=True)


def test_unknown_tokens_and_members_who_left_get_404(client, cast, january):
    login(client, None)
    assert client.get("/calendar/nothing-here.ics").status_code == 404
    assert client.get("/calendar/" + "a" * 500 + ".ics").status_code == 404
    login(client, cast.new_teacher)
    path = subscribe(client, cast)
    remove_member(cast.studio, cast.new_teacher, cast.master, "调离")
    db.session.commit()
    login(client, None)
    assert client.get(path).status_code == 404


def test_the_feed_of_a_member_of_two_studios_shows_one_studio(client, cast, january, _password_hash):
    join(cast.other_studio, cast.new_teacher, "new_teacher")
    db.session.commit()
    login(client, cast.new_teacher)
    path = subscribe(client, cast)
    feed = events(client.get(path))
    assert all(f"@{cast.studio.id}." in uid for uid in feed)


def test_the_feed_is_rate_limited_per_address(app, cast, tmp_path):
    """Guessing tokens costs like fetching one: after the limit, 429 for both."""
    import os

    from studio.extensions import limiter
    from tests.conftest import FreshRequestClient, make_app
    limited = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "limited",
                       RATELIMIT_ENABLED=True, REDIS_URL=os.environ.get("REDIS_URL"),
                       CALENDAR_FEED_LIMIT="3 per minute")
    limited.test_client_class = FreshRequestClient
    with limited.app_context():
        limiter.reset()
        try:
            from blueprints.calendar import operations
            token = operations.subscribe(cast.studio, cast.new_teacher)
            db.session.commit()
            client = limited.test_client()
            assert client.get(f"/calendar/{token}.ics").status_code == 200
            assert client.get("/calendar/guess-1.ics").status_code == 404
            assert client.get("/calendar/guess-2.ics").status_code == 404
            assert client.get("/calendar/guess-3.ics").status_code == 429
            assert client.get(f"/calendar/{token}.ics").status_code == 429
        finally:
            limiter.reset()
            db.session.remove()
