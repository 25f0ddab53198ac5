"""The figures of the annual assessment (年度考核), for every member of a studio at once.

A cycle year runs from 1 September of ``year`` to 31 August of the next year, cut to the
studio's cycle. ``figures_for`` reads the real tables (the hour ledger, assignments, lesson
cases and their transitions, reviews, activity participants and attendances, observations,
growth-plan versions) in a fixed number of statements whatever the number of members; each
member gets a dict of plain numbers (JSON, frozen into ``AnnualAssessment.figures`` when the
round is published).
"""
from datetime import date, timedelta

from sqlalchemy import case, func, select

from models.activity import Activity, ActivityParticipant, Attendance
from models.case import CaseTransition, CaseVersion, LessonCase, Review
from models.hours import HourEntry
from models.observation import Observation
from models.plan import GrowthPlan, PlanVersion
from models.task import Assignment, Task
from studio.dates import utc_bounds
from studio.extensions import db

REVIEW_DAYS = 7
TERMS_PER_YEAR = 2


def year_days(studio, year):
    """The first and last day of cycle year ``year`` (1 Sept – 31 Aug), within the cycle."""
    first, last = date(year, 9, 1), date(year + 1, 8, 31)
    if studio.cycle_start and studio.cycle_start > first:
        first = studio.cycle_start
    if studio.cycle_end and studio.cycle_end < last:
        last = studio.cycle_end
    return first, max(first, last)


def _hours(studio, ids, start, end):
    return {uid: round(float(total), 1) for uid, total in db.session.execute(
        select(HourEntry.user_id, func.sum(HourEntry.amount))
        .where(HourEntry.studio_id == studio.id, HourEntry.user_id.in_(ids),
               HourEntry.created_at >= start, HourEntry.created_at < end)
        .group_by(HourEntry.user_id))}


def _tasks(studio, ids, first, last):
    """{user: (tasks set with a due date in the year, of them completed)}."""
    done = func.sum(case((Assignment.state == "completed", 1), else_=0))
    return {uid: (n, int(d or 0)) for uid, n, d in db.session.execute(
        select(Assignment.user_id, func.count(), done).join(Task, Assignment.task_id == Task.id)
        .where(Task.studio_id == studio.id, Assignment.user_id.in_(ids),
               Task.due_on.between(first, last)).group_by(Assignment.user_id))}


def _cases(studio, ids, start, end):
    """{user: {"approved": n, "recommended": n}}: cases approved / recommended in the year."""
    counts = {}
    for uid, state, n in db.session.execute(
            select(LessonCase.author_id, CaseTransition.to_state,
                   func.count(func.distinct(CaseTransition.case_id)))
            .join(LessonCase, CaseTransition.case_id == LessonCase.id)
            .where(LessonCase.studio_id == studio.id, LessonCase.author_id.in_(ids),
                   CaseTransition.to_state.in_(("approved", "recommended")),
                   CaseTransition.created_at >= start, CaseTransition.created_at < end)
            .group_by(LessonCase.author_id, CaseTransition.to_state)):
        counts.setdefault(uid, {})[state] = n
    return counts


def _reviews(studio, ids, start, end):
    """{reviewer: (reviews given, of them within 7 days of the version's hand-in)}."""
    out = {}
    for uid, reviewed, submitted in db.session.execute(
            select(Review.reviewer_id, Review.created_at, CaseVersion.submitted_at)
            .join(CaseVersion, Review.version_id == CaseVersion.id)
            .join(LessonCase, Review.case_id == LessonCase.id)
            .where(LessonCase.studio_id == studio.id, Review.reviewer_id.in_(ids),
                   Review.created_at >= start, Review.created_at < end)):
        given, on_time = out.get(uid, (0, 0))
        in_time = submitted is not None and reviewed - submitted <= timedelta(days=REVIEW_DAYS)
        out[uid] = (given + 1, on_time + int(in_time))
    return out


def _activities(studio, ids, start, end, now):
    """{user: [held, attended, excused]} for the activities held in the year they were
    invited to; an approved leave excuses an activity not attended."""
    held = db.session.execute(
        select(ActivityParticipant.user_id, ActivityParticipant.activity_id,
               ActivityParticipant.reply, ActivityParticipant.leave_decision)
        .join(Activity, ActivityParticipant.activity_id == Activity.id)
        .where(Activity.studio_id == studio.id, ActivityParticipant.user_id.in_(ids),
               Activity.starts_at >= start, Activity.starts_at < min(end, now))).all()
    present = set(db.session.execute(
        select(Attendance.user_id, Attendance.activity_id)
        .join(Activity, Attendance.activity_id == Activity.id)
        .where(Activity.studio_id == studio.id, Attendance.user_id.in_(ids),
               Attendance.removed_at.is_(None),
               Activity.starts_at >= start, Activity.starts_at < end)).all())
    out = {}
    for uid, activity_id, reply, decision in held:
        row = out.setdefault(uid, [0, 0, 0])
        row[0] += 1
        if (uid, activity_id) in present:
            row[1] += 1
        elif reply == "leave" and decision == "approved":
            row[2] += 1
    return out


def _observations(studio, ids, first, last):
    return dict(db.session.execute(
        select(Observation.author_id, func.count())
        .where(Observation.studio_id == studio.id, Observation.author_id.in_(ids),
               Observation.observed_on.between(first, last))
        .group_by(Observation.author_id)).all())


def _plans(studio, ids, start, end):
    """{author: (plan id, revised in the year)}: a version after the first saved in the year."""
    revised = func.sum(case(((PlanVersion.number > 1) & (PlanVersion.created_at >= start)
                             & (PlanVersion.created_at < end), 1), else_=0))
    return {uid: (plan_id, bool(n)) for uid, plan_id, n in db.session.execute(
        select(GrowthPlan.author_id, GrowthPlan.id, revised)
        .outerjoin(PlanVersion, PlanVersion.plan_id == GrowthPlan.id)
        .where(GrowthPlan.studio_id == studio.id, GrowthPlan.author_id.in_(ids))
        .group_by(GrowthPlan.author_id, GrowthPlan.id))}


def figures_for(studio, year, roles, now):
    """{user id: figures} for ``roles`` ({user id: role}) in cycle year ``year``: eight
    statements whatever the number of members."""
    ids = list(roles)
    first, last = year_days(studio, year)
    start, end = utc_bounds(first, last, studio)
    hours, tasks = _hours(studio, ids, start, end), _tasks(studio, ids, first, last)
    cases, reviews = _cases(studio, ids, start, end), _reviews(studio, ids, start, end)
    activities = _activities(studio, ids, start, end, now)
    observed, plans = _observations(studio, ids, first, last), _plans(studio, ids, start, end)
    out = {}
    for uid, role in roles.items():
        held, attended, excused = activities.get(uid, (0, 0, 0))
        set_, done = tasks.get(uid, (0, 0))
        given, on_time = reviews.get(uid, (0, 0))
        plan_id, revised = plans.get(uid, (None, False))
        target = studio.observation_target(role)
        out[uid] = dict(
            hours=hours.get(uid, 0.0), hours_target=studio.hours_target(role),
            tasks_set=set_, tasks_done=done,
            cases_approved=cases.get(uid, {}).get("approved", 0),
            cases_recommended=cases.get(uid, {}).get("recommended", 0),
            reviews=given, reviews_on_time=on_time,
            activities_held=held, activities_attended=attended, activities_excused=excused,
            observations=observed.get(uid, 0),
            observation_target=target * TERMS_PER_YEAR if target is not None else None,
            plan_id=plan_id, plan_revised=revised, first=first.isoformat(), last=last.isoformat())
    return out


def share(part, whole):
    """A percent, or None when there is nothing to measure."""
    return round(100 * part / whole) if whole else None
