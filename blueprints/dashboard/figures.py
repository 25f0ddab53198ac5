"""The office's dashboard figures (项目办数据看板), each a grouped query over the filtered studios.

``scope`` is a select of the ids of the studios shown (the office's scope and the filters); every
function below runs one statement with ``IN (scope)``, so a page costs the same number of
statements for 2 studios or 1,000. Results are dicts keyed by studio id; a studio with nothing
to count is absent and reads as zero.

The review-turnaround median is taken in Python over one row per reviewed version (its studio,
submission and first review): SQLite has no ``percentile_cont``, and datetime arithmetic
differs between the two databases, so one portable statement fetches the pairs and
``statistics.median`` does the rest. At 1,000 studios that is some tens of thousands of small
rows (see docs/PERFORMANCE.md).
"""
import statistics
from datetime import date, datetime, time

from sqlalchemy import and_, case, func, select

from models import (Activity, Briefing, CaseVersion, Certification, HourEntry, LessonCase,
                    Membership, Review, Studio)
from studio.extensions import db

ROLES = ("master", "backbone", "new_teacher")
# a draft is its author's alone: the office counts cases from their first submission on
CASE_STATES = ("submitted", "in_review", "changes_requested", "resubmitted", "approved",
               "recommended")
CERTIFICATION_STATES = ("none", "submitted", "returned", "certified")


def members_and_hours(scope):
    """{studio id: {role: (active members, members whose ledger sum reaches the target)}}.
    The master has no target: their reached count is 0."""
    sums = (select(HourEntry.studio_id, HourEntry.user_id,
                   func.sum(HourEntry.amount).label("total"))
            .where(HourEntry.studio_id.in_(scope))
            .group_by(HourEntry.studio_id, HourEntry.user_id).subquery())
    target = case((Membership.role == "backbone", Studio.hours_target_backbone),
                  (Membership.role == "new_teacher", Studio.hours_target_new_teacher))
    reached = func.sum(case((and_(target.isnot(None),
                                  func.coalesce(sums.c.total, 0) >= target), 1), else_=0))
    rows = db.session.execute(
        select(Membership.studio_id, Membership.role, func.count(), reached)
        .join(Studio, Studio.id == Membership.studio_id)
        .outerjoin(sums, and_(sums.c.studio_id == Membership.studio_id,
                              sums.c.user_id == Membership.user_id))
        .where(Membership.studio_id.in_(scope), Membership.active.is_(True))
        .group_by(Membership.studio_id, Membership.role))
    out = {}
    for studio_id, role, count, hit in rows:
        out.setdefault(studio_id, {})[role] = (count, int(hit or 0))
    return out


def cases_by_state(scope):
    """{studio id: {state: lesson cases}} (drafts left out)."""
    out = {}
    for studio_id, state, n in db.session.execute(
            select(LessonCase.studio_id, LessonCase.state, func.count())
            .where(LessonCase.studio_id.in_(scope), LessonCase.state.in_(CASE_STATES))
            .group_by(LessonCase.studio_id, LessonCase.state)):
        out.setdefault(studio_id, {})[state] = n
    return out


def turnaround_seconds(scope):
    """{studio id: [seconds from a version's submission to its first review, ...]}."""
    out = {}
    for studio_id, submitted, first in db.session.execute(
            select(LessonCase.studio_id, CaseVersion.submitted_at, func.min(Review.created_at))
            .join(CaseVersion, CaseVersion.case_id == LessonCase.id)
            .join(Review, Review.version_id == CaseVersion.id)
            .where(LessonCase.studio_id.in_(scope), CaseVersion.submitted_at.isnot(None))
            .group_by(LessonCase.studio_id, CaseVersion.id, CaseVersion.submitted_at)):
        out.setdefault(studio_id, []).append(max(0.0, (first - submitted).total_seconds()))
    return out


def median_hours(seconds):
    """The median of ``seconds`` in hours (one decimal), None for no reviewed version."""
    return round(statistics.median(seconds) / 3600, 1) if seconds else None


def cycle_year_start(studio, today):
    """The first day of the studio's current cycle year: the latest anniversary of its cycle
    start on or before today (1 January when the studio has no cycle start)."""
    start = studio.cycle_start
    if start is None or start > today:
        return date(today.year, 1, 1) if start is None else start
    year = today.year if (today.month, today.day) >= (start.month, start.day) else today.year - 1
    try:
        return start.replace(year=year)
    except ValueError:          # 29 February in a year that has none
        return date(year, 3, 1)


def activities_held(scope, studios, now):
    """{studio id: activities held (ended by ``now``) since the start of its cycle year}: one
    statement from the earliest year start, each studio's own start applied in Python."""
    starts = {s.id: cycle_year_start(s, now.date()) for s in studios}
    if not starts:
        return {}
    since = datetime.combine(min(starts.values()), time())
    out = {}
    for studio_id, started in db.session.execute(
            select(Activity.studio_id, Activity.starts_at)
            .where(Activity.studio_id.in_(scope), Activity.ends_at <= now,
                   Activity.starts_at >= since)):
        if started.date() >= starts[studio_id]:
            out[studio_id] = out.get(studio_id, 0) + 1
    return out


def briefings_published(scope):
    """{studio id: briefings published} (the query of ``Briefing.published_counts`` over a
    select of ids rather than a list)."""
    return dict(db.session.execute(
        select(Briefing.studio_id, func.count())
        .where(Briefing.studio_id.in_(scope), Briefing.state == "published")
        .group_by(Briefing.studio_id)).all())


def certification_states(scope):
    """{studio id: the state of its latest application}; a studio that never applied is
    absent (未申请)."""
    latest = (select(Certification.studio_id, func.max(Certification.round_no).label("n"))
              .where(Certification.studio_id.in_(scope))
              .group_by(Certification.studio_id).subquery())
    return dict(db.session.execute(
        select(Certification.studio_id, Certification.state)
        .join(latest, and_(latest.c.studio_id == Certification.studio_id,
                           latest.c.n == Certification.round_no))).all())


def readiness(studios):
    """{studio id: (items met, items)} of the certification readiness checklist, computed live
    for every studio at once (``checklists`` runs a constant number of statements)."""
    from blueprints.certification.readiness import checklists
    lists = checklists(studios)
    return {sid: (sum(1 for item in items if item.ok), len(items))
            for sid, items in lists.items()}
