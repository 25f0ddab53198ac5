"""A studio's calendar and clock: the one place that decides what "today" is for a studio.

Times are stored as naive UTC (`models.base.utcnow`); a studio lives in its own time zone
(`STUDIO_TIMEZONE`, Asia/Shanghai unless the studio says otherwise), so before 08:00 in
China the server's UTC date is still yesterday.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def studio_zone(studio=None):
    """The studio's own zone if it has one, else the deployment's STUDIO_TIMEZONE (outside an
    app, the configured default)."""
    from studio.config import Config
    configured = (current_app.config["STUDIO_TIMEZONE"] if has_app_context()
                  else Config.STUDIO_TIMEZONE)
    return ZoneInfo(getattr(studio, "timezone", None) or configured)


def studio_now(studio=None):
    return datetime.now(studio_zone(studio))


def studio_today(studio=None):
    """Today's date in the studio's time zone (task defaults, due dates, overdue)."""
    return studio_now(studio).date()


# --- terms (学期) and school years (学年) ----------------------------------------------------
# A Chinese school year starts in autumn. The studio counts two terms a year, by the months
# of the studio's calendar: the spring term (春季学期) is February to July, the autumn term
# (秋季学期) August to January of the next year (the winter holiday falls in it). A school
# year (学年) is an autumn term and the spring term after it: 1 August to 31 July.
SPRING_MONTHS = range(2, 8)


def term_bounds(day):
    """The first and the last day of the term ``day`` falls in, and its kind ("spring" or
    "autumn")."""
    if day.month in SPRING_MONTHS:
        return date(day.year, 2, 1), date(day.year, 7, 31), "spring"
    start_year = day.year if day.month >= 8 else day.year - 1
    return date(start_year, 8, 1), date(start_year + 1, 1, 31), "autumn"


def school_year_bounds(day):
    """1 August to 31 July: the school year ``day`` falls in."""
    start_year = day.year if day.month >= 8 else day.year - 1
    return date(start_year, 8, 1), date(start_year + 1, 7, 31)


def utc_bounds(first_day, last_day, studio=None):
    """The naive-UTC instants [start, end) covering the studio's days ``first_day`` ..
    ``last_day``, to compare with stored timestamps."""
    zone = studio_zone(studio)

    def start_of(day):
        return (datetime.combine(day, time.min, zone).astimezone(timezone.utc)
                .replace(tzinfo=None))
    return start_of(first_day), start_of(last_day + timedelta(days=1))


def studio_time(value, studio=None):
    """A stored naive-UTC datetime as the studio's local aware datetime."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(studio_zone(studio))


def from_studio_time(value, studio=None):
    """A naive local datetime typed in a form (the studio's clock) as naive UTC to store."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=studio_zone(studio))
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def studio_datetime(value, studio=None, fmt="%Y-%m-%d %H:%M"):
    """A stored time as date and time on the studio's clock (activities)."""
    local = studio_time(value, studio)
    return local.strftime(fmt) if local else ""


def hhmm(value, studio=None):
    """A stored time as HH:MM on the studio's clock (chat messages)."""
    local = studio_time(value, studio)
    return local.strftime("%H:%M") if local else ""


def filesize(size):
    """A byte count for people: B under 1 KB, KB under 1 MB, MB under 1 GB, then GB."""
    size = int(size or 0)
    if size < 1024:
        return f"{size} B"
    if size < 1024 ** 2:
        return f"{size / 1024:.0f} KB" if size >= 10 * 1024 else f"{size / 1024:.1f} KB"
    if size < 1024 ** 3:
        return f"{size / 1024 ** 2:.1f} MB"
    return f"{size / 1024 ** 3:.2f} GB"


def register_filters(app):
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["hhmm"] = hhmm
    app.jinja_env.filters["studio_datetime"] = studio_datetime
