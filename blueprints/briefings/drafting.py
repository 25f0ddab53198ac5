"""从数据起草: a briefing's Markdown draft built from the studio's own data in a period.

``gather`` reads the tables in a constant number of queries (one per kind of data, whatever
the number of activities, photos, cases or posts); ``compose`` writes the sections as text
the master then edits. Nothing here saves: ``draft_from_data`` in operations does."""
import re
from collections import defaultdict

from flask_babel import format_date, gettext as _
from sqlalchemy import func, select

from models.activity import Activity, ActivityParticipant, ActivityPhoto, ActivityRecord, Attendance
from models.base import utcnow
from models.case import CaseTransition, LessonCase
from models.hours import HourEntry
from models.observation import Observation
from models.studio import Membership
from models.thread import Post, Thread
from models.user import User
from studio.dates import studio_time, utc_bounds
from studio.extensions import db
from studio.labels import ACTIVITY_KIND_LABELS, ROLE_LABELS

EXCERPT = 240
MAX_PICKED = 20


MARKS = re.compile(r"[#>*_`|~]+|!?\[|\]\([^)]*\)|\]")


def excerpt(text, size=EXCERPT):
    """One line of plain text (Markdown marks taken out), cut at ``size`` characters."""
    flat = " ".join(MARKS.sub("", text or "").split())
    return flat if len(flat) <= size else flat[:size].rstrip() + "…"


def candidate_posts(studio, start, end, limit=200):
    """The studio's thread posts written in the period, for the picker (newest first)."""
    low, high = utc_bounds(start, end, studio)
    return db.session.execute(
        select(Post, Thread.title, User.name).join(Thread, Thread.id == Post.thread_id)
        .join(User, User.id == Post.author_id)
        .where(Thread.studio_id == studio.id, Post.deleted_at.is_(None),
               Post.created_at >= low, Post.created_at < high)
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)).all()


def _activities(studio, low, high):
    rows = db.session.execute(
        select(Activity).where(Activity.studio_id == studio.id, Activity.starts_at >= low,
                               Activity.starts_at < high, Activity.starts_at <= utcnow())
        .order_by(Activity.starts_at, Activity.id)).scalars().all()
    return rows, [a.id for a in rows]


def _count_by_activity(model, ids, *where):
    if not ids:
        return {}
    return dict(db.session.execute(
        select(model.activity_id, func.count()).where(model.activity_id.in_(ids), *where)
        .group_by(model.activity_id)).all())


def _latest_records(ids):
    if not ids:
        return {}
    newest = (select(ActivityRecord.activity_id, func.max(ActivityRecord.number).label("n"))
              .where(ActivityRecord.activity_id.in_(ids)).group_by(ActivityRecord.activity_id)
              .subquery())
    rows = db.session.execute(select(ActivityRecord).join(newest, (
        ActivityRecord.activity_id == newest.c.activity_id) & (
        ActivityRecord.number == newest.c.n))).scalars().all()
    return {r.activity_id: r for r in rows}


def _photos(ids):
    photos = defaultdict(list)
    if ids:
        for activity_id, photo_id in db.session.execute(
                select(ActivityPhoto.activity_id, ActivityPhoto.id)
                .where(ActivityPhoto.activity_id.in_(ids)).order_by(ActivityPhoto.id)).all():
            photos[activity_id].append(photo_id)
    return photos


def _hours(studio, high):
    """(role, hours) of every active member, hours credited before the period's end."""
    credited = (select(HourEntry.user_id, func.sum(HourEntry.amount).label("total"))
                .where(HourEntry.studio_id == studio.id, HourEntry.created_at < high)
                .group_by(HourEntry.user_id).subquery())
    return db.session.execute(
        select(Membership.role, func.coalesce(credited.c.total, 0))
        .outerjoin(credited, credited.c.user_id == Membership.user_id)
        .where(Membership.studio_id == studio.id, Membership.active.is_(True))).all()


def _cases(studio, low, high):
    return db.session.execute(
        select(CaseTransition.to_state, LessonCase.title, User.name)
        .join(LessonCase, LessonCase.id == CaseTransition.case_id)
        .join(User, User.id == LessonCase.author_id)
        .where(LessonCase.studio_id == studio.id,
               CaseTransition.to_state.in_(("approved", "recommended")),
               CaseTransition.created_at >= low, CaseTransition.created_at < high)
        .order_by(CaseTransition.created_at, CaseTransition.id)).all()


def _observations(studio, start, end):
    return db.session.execute(
        select(func.count(), func.count(func.distinct(Observation.author_id)))
        .where(Observation.studio_id == studio.id, Observation.observed_on >= start,
               Observation.observed_on <= end)).one()


def _picked(studio, post_ids):
    ids = [i for i in post_ids if i is not None][:MAX_PICKED]
    if not ids:
        return []
    return db.session.execute(
        select(Post.body, Thread.title, User.name).join(Thread, Thread.id == Post.thread_id)
        .join(User, User.id == Post.author_id)
        .where(Post.id.in_(ids), Thread.studio_id == studio.id, Post.deleted_at.is_(None))
        .order_by(Post.created_at, Post.id)).all()


def gather(studio, start, end, post_ids=()):
    """Everything the draft needs, in a constant number of queries."""
    low, high = utc_bounds(start, end, studio)
    activities, ids = _activities(studio, low, high)
    return {
        "activities": activities,
        "invited": _count_by_activity(ActivityParticipant, ids),
        "present": _count_by_activity(Attendance, ids, Attendance.removed_at.is_(None)),
        "records": _latest_records(ids), "photos": _photos(ids),
        "hours": _hours(studio, high), "cases": _cases(studio, low, high),
        "observations": _observations(studio, start, end), "posts": _picked(studio, post_ids),
    }


# --- the text ------------------------------------------------------------------------------

def compose(studio, start, end, data, photo_url):
    """The Markdown of the draft; ``photo_url(photo id)`` is the briefing-scoped address."""
    parts = [_("This briefing reports on the work of %(studio)s from %(start)s to %(end)s.",
               studio=studio.name, start=format_date(start, "long"),
               end=format_date(end, "long"))]
    parts += _activity_section(studio, data, photo_url)
    parts += _hours_section(studio, data["hours"])
    parts += _case_section(data["cases"])
    parts += _observation_section(data["observations"])
    parts += _post_section(data["posts"])
    return "\n\n".join(parts) + "\n"


def _activity_section(studio, data, photo_url):
    lines = ["## " + _("1. Study activities")]
    if not data["activities"]:
        return lines + [_("No study activity was held in this period.")]
    lines.append(_("The studio held %(n)s study activities in this period.",
                   n=len(data["activities"])))
    for activity in data["activities"]:
        lines.append(_activity_text(studio, activity, data, photo_url))
    return lines


def _activity_text(studio, activity, data, photo_url):
    day = format_date(studio_time(activity.starts_at, studio).date(), "long")
    kind = str(ACTIVITY_KIND_LABELS.get(activity.kind, activity.kind))
    heading = (f"{day} {activity.title}" if activity.title.startswith(kind)
               else _("%(date)s %(kind)s: %(title)s", date=day, title=activity.title, kind=kind))
    text = ["### " + heading,
            _("Hosted by %(host)s; attendance %(present)s/%(invited)s.",
              host=activity.host.name, present=data["present"].get(activity.id, 0),
              invited=data["invited"].get(activity.id, 0))]
    record = data["records"].get(activity.id)
    if record is not None:
        text.append("> " + excerpt(record.body, 400))
    text += [f"![{_('Photo of the activity')}]({photo_url(photo_id)})"
             for photo_id in data["photos"].get(activity.id, [])]
    return "\n\n".join(text)


def _hours_section(studio, rows):
    lines = ["## " + _("2. Study hours")]
    for role in ("backbone", "new_teacher"):
        hours = [float(h) for r, h in rows if r == role]
        target = studio.hours_target(role)
        if not hours or not target:
            continue
        reached = sum(1 for h in hours if h >= target)
        lines.append("- " + _("%(role)s: %(reached)s of %(n)s have reached %(target)s hours; "
                              "%(average)s hours on average.", role=ROLE_LABELS[role],
                              reached=reached, n=len(hours), target=f"{target:g}",
                              average=f"{sum(hours) / len(hours):.1f}"))
    return lines if len(lines) > 1 else lines + [_("No member has a study-hour target yet.")]


def _case_section(rows):
    lines = ["## " + _("3. Lesson cases")]
    approved = [(t, n) for s, t, n in rows if s == "approved"]
    recommended = [(t, n) for s, t, n in rows if s == "recommended"]
    if not rows:
        return lines + [_("No lesson case was approved in this period.")]
    if approved:
        lines.append(_("%(n)s lesson cases were approved:", n=len(approved)))
        lines += ["- " + _("“%(title)s” by %(author)s", title=t, author=n) for t, n in approved]
    if recommended:
        lines.append(_("%(n)s were recommended as excellent lesson cases:", n=len(recommended)))
        lines += ["- " + _("“%(title)s” by %(author)s", title=t, author=n)
                  for t, n in recommended]
    return lines


def _observation_section(figures):
    count, observers = figures
    return ["## " + _("4. Lesson observations"),
            _("Members recorded %(count)s lesson observations (%(observers)s members "
              "observed lessons).", count=count, observers=observers)]


def _post_section(posts):
    lines = ["## " + _("5. Highlights from the discussions")]
    if not posts:
        return lines + [_("(Pick posts from the discussions to quote them here.)")]
    for body, title, name in posts:
        lines.append(f"> {excerpt(body, 300)}\n>\n> " + _("— %(author)s, in “%(thread)s”",
                                                          author=name, thread=title))
    return lines
