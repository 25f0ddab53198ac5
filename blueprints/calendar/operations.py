"""What a member's calendar holds, for the month page and the iCalendar feed.

Both read the same rule homes: ``Activity.visible_to`` and ``Task.visible_to``. "Mine" marks
the activities I am invited to (with my reply) and the tasks assigned to me (with my state).
Four queries at most, whatever the number of activities and tasks.
"""
import calendar as pycalendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone

from flask import url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from models.activity import Activity, ActivityParticipant
from models.base import utcnow
from models.calendar import CalendarFeed
from models.task import Assignment, Task
from studio.dates import studio_time, studio_today, studio_zone, utc_bounds
from studio.errors import RuleError
from studio.extensions import db

MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
FEED_PAST_DAYS = 180


def parse_month(value, studio):
    """``?month=2026-12`` as the first day of that month; empty: the current month. Anything
    else is refused with a message (400)."""
    if not value:
        return studio_today(studio).replace(day=1)
    match = MONTH.fullmatch(value)
    if match is None or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2999:
        raise RuleError(_("Choose a month as year and month, for example 2026-12."), field="month")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_bounds(first):
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    return first, last


def shift_month(first, months):
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Item:
    kind: str               # "activity" or "task"
    day: date               # the studio's day it falls on
    obj: object
    mine: object = None     # my ActivityParticipant or my Assignment
    sort: tuple = field(default=())


def items_for(studio, user, first_day, last_day):
    """The activities and task due dates ``user`` may see between two of the studio's days,
    sorted by day and time."""
    start, end = utc_bounds(first_day, last_day, studio)
    activities = db.session.execute(
        Activity.visible_to(studio, user).where(Activity.starts_at < end, Activity.ends_at >= start)
        .order_by(Activity.starts_at, Activity.id)).scalars().all()
    tasks = db.session.execute(
        Task.visible_to(studio, user).where(Task.due_on >= first_day, Task.due_on <= last_day)
        .order_by(Task.due_on, Task.id)).scalars().all()
    replies = {p.activity_id: p for p in db.session.execute(db.select(ActivityParticipant).where(
        ActivityParticipant.user_id == user.id,
        ActivityParticipant.activity_id.in_([a.id for a in activities]))).scalars()} \
        if activities else {}
    assignments = {a.task_id: a for a in db.session.execute(db.select(Assignment).where(
        Assignment.user_id == user.id, Assignment.task_id.in_([t.id for t in tasks]))).scalars()} \
        if tasks else {}
    items = [Item("activity", max(studio_time(a.starts_at, studio).date(), first_day), a,
                  replies.get(a.id), (studio_time(a.starts_at, studio).time(), 0, a.id))
             for a in activities]
    items += [Item("task", t.due_on, t, assignments.get(t.id), (None, 1, t.id)) for t in tasks]
    items.sort(key=lambda i: (i.day, i.sort[1], str(i.sort[0]), i.sort[2]))
    return items


def month_grid(first):
    """The weeks (Monday first) covering the month, as lists of dates."""
    return pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)


# --- the subscription -----------------------------------------------------------------------
def subscribe(studio, user):
    """Start (or restart) the member's feed; returns the new token, shown once. A previous
    address stops working."""
    feed = CalendarFeed.of(studio, user)
    if feed is None:
        feed = CalendarFeed(studio_id=studio.id, user_id=user.id)
        db.session.add(feed)
    return feed.renew()


def unsubscribe(studio, user):
    feed = CalendarFeed.of(studio, user)
    if feed is not None:
        db.session.delete(feed)


def feed_calendar(feed):
    """The member's calendar as an iCalendar document: activities with their times in the
    studio's zone, task due dates as all-day events; stable UIDs."""
    studio, user = feed.studio, feed.user
    today = studio_today(studio)
    first, last = today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=3 * 366)
    cal = Calendar()
    cal.add("prodid", "-//Mentor Studio//calendar//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{studio.name} · {user.name}")
    cal.add("x-wr-timezone", str(studio_zone(studio)))
    stamp = utcnow().replace(tzinfo=timezone.utc)
    for item in items_for(studio, user, first, last):
        event = Event()
        event.add("dtstamp", stamp)
        if item.kind == "activity":
            activity = item.obj
            event.add("uid", f"activity-{activity.id}@{studio.id}.mentor-studio")
            event.add("summary", activity.title)
            event.add("dtstart", studio_time(activity.starts_at, studio))
            event.add("dtend", studio_time(activity.ends_at, studio))
            event.add("location", activity.place if activity.mode == "on_site" else _("Online"))
            event.add("description", activity.agenda or "")
            event.add("url", url_for("activities.show", studio_id=studio.id,
                                     activity_id=activity.id, _external=True))
        else:
            task = item.obj
            event.add("uid", f"task-{task.id}@{studio.id}.mentor-studio")
            event.add("summary", _("Due: %(title)s", title=task.title))
            event.add("dtstart", task.due_on)
            event.add("dtend", task.due_on + timedelta(days=1))
            event.add("description", task.description or "")
            event.add("url", url_for("tasks.show", studio_id=studio.id, task_id=task.id,
                                     _external=True))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal
