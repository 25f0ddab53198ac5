"""A studio's calendar and clock: the one place that decides what "today" is for a studio.

Times are stored as naive UTC (`models.base.utcnow`); a studio lives in its own time zone
(`STUDIO_TIMEZONE`, Asia/Shanghai unless the studio says otherwise), so before 08:00 in
China the server's UTC date is still yesterday.
"""
from datetime import datetime, timezone
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
