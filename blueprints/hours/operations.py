"""Study hours (学时登记): the one writer of the ledger, manual adjustments, totals.

Every credit, from a completed task today and from activities, observations and courses
next, goes through ``credit_hours``; nothing else builds an ``HourEntry``. Amounts are parsed
once, by ``hours_amount``, which the forms use too.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models.audit import record
from models.hours import MAX_AMOUNT, SOURCES, HourEntry
from studio.errors import RuleError
from studio.extensions import db

TENTH = Decimal("0.1")
NOT_A_NUMBER = _l("Please enter the hours as a number, such as 2 or 1.5.")
MAX_ADJUSTMENT = 200


def hours_amount(value, field="amount"):
    """``value`` (text, int, float or Decimal) as a Decimal rounded half-up to 0.1.

    Refuses (RuleError) what is not a finite number: NaN, sNaN, infinities, 1e999. Rounding
    comes first, so the rules that follow (not zero, not negative, at most ...) judge the
    amount that will be stored."""
    if isinstance(value, bool) or value is None:
        raise RuleError(NOT_A_NUMBER, field=field)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        if not number.is_finite():
            raise RuleError(NOT_A_NUMBER, field=field)
        return number.quantize(TENTH, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):  # not a number, or too large to hold tenths
        raise RuleError(NOT_A_NUMBER, field=field) from None


def credit_hours(member, amount, source, actor, *, studio, source_row=None, reason=""):
    """Write one ledger row: ``amount`` hours to ``member`` in ``studio``, from ``source``.

    A credit from a row elsewhere (an assignment, an attendance, ...) names it as
    ``source_row``; a repeat for the same row and member (a double click, a retry, another
    process first) is a no-op that returns the entry already there: the unique constraint
    decides, inside a SAVEPOINT, so the caller's transaction goes on. A manual entry has no
    source row and needs a reason. Raises RuleError for an amount the ledger refuses."""
    if source not in SOURCES:
        raise ValueError(f"unknown source of hours: {source!r}")
    if (source == "manual") != (source_row is None):
        raise ValueError("a manual entry has no source row; every other credit names one")
    amount = hours_amount(amount)
    reason = (reason or "").strip()
    if source == "manual" and len(reason) < 2:
        raise RuleError(_l("Please write the reason for the adjustment."), field="reason")
    if amount == 0:
        raise RuleError(_l("A credit of zero hours is not recorded."), field="amount")
    if amount < 0 and source not in ("manual", "reversal"):
        raise RuleError(_l("Only a manual adjustment subtracts hours."), field="amount")
    if abs(amount) > Decimal(str(MAX_AMOUNT)):
        raise RuleError(_l("One entry is at most %(max)s hours.", max=MAX_AMOUNT), field="amount")
    if source_row is not None and source_row.id is None:
        db.session.flush()
    entry = HourEntry(studio_id=studio.id, user_id=member.id, amount=float(amount),
                      source=source, source_id=getattr(source_row, "id", None),
                      reason=reason[:500], created_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        existing = None if source_row is None else db.session.execute(
            select(HourEntry).where(HourEntry.source == source,
                                    HourEntry.source_id == source_row.id,
                                    HourEntry.user_id == member.id)).scalar_one_or_none()
        if existing is None:
            raise
        return existing
    return entry


def reverse_credit(entry, actor, reason):
    """Take back one earlier credit (an attendance removed): a row of the negated amount
    naming ``entry`` as its source row, with the reason. Reversing twice is a no-op (the
    same unique constraint as every credit decides). None if there is nothing to reverse."""
    if entry is None or entry.source in ("manual", "reversal") or entry.amount <= 0:
        return None
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleError(_l("Please write the reason."), field="reason")
    from models.studio import Studio
    return credit_hours(entry.user, -Decimal(str(entry.amount)), "reversal", actor,
                        studio=db.session.get(Studio, entry.studio_id), source_row=entry,
                        reason=reason)


def credit_of(source, source_row, member):
    """The ledger row crediting ``member`` from ``source_row`` (None if none)."""
    return db.session.execute(select(HourEntry).where(
        HourEntry.source == source, HourEntry.source_id == source_row.id,
        HourEntry.user_id == member.id)).scalar_one_or_none()


def adjust_hours(studio, member, amount, reason, actor):
    """A master's manual correction: only with a written reason, recorded with who did it."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleError(_l("Please write the reason for the adjustment."), field="reason")
    amount = hours_amount(amount)
    if amount == 0:
        raise RuleError(_l("The adjustment must not be zero."), field="amount")
    if abs(amount) > MAX_ADJUSTMENT:
        raise RuleError(_l("An adjustment is at most 200 hours."), field="amount")
    if Decimal(str(total_hours(studio, member))) + amount < 0:
        raise RuleError(_l("The total cannot go below zero."), field="amount")
    entry = credit_hours(member, amount, "manual", actor, studio=studio, reason=reason)
    record("hours_adjusted", actor=actor, studio=studio, target=member, detail=f"{amount}: {reason}")
    return entry


def total_hours(studio, member):
    return float(db.session.execute(
        select(func.coalesce(func.sum(HourEntry.amount), 0))
        .where(HourEntry.studio_id == studio.id, HourEntry.user_id == member.id)).scalar_one())


def totals_by_member(studio):
    return {uid: float(total) for uid, total in db.session.execute(
        select(HourEntry.user_id, func.sum(HourEntry.amount))
        .where(HourEntry.studio_id == studio.id).group_by(HourEntry.user_id))}


def source_links(studio, entries):
    """{entry id: path of the record that credited it}: the task, the activity, the
    observation or the course module (a reversal links to what its taken-back credit came from). One statement per
    kind of source, whatever the number of entries; a record since removed has no link."""
    from flask import url_for

    from models.activity import Attendance
    from models.observation import Observation
    from models.task import Assignment

    by_id = {e.id: e for e in entries}
    taken_back = [e for e in entries if e.source == "reversal" and e.source_id not in by_id]
    if taken_back:
        for credit in db.session.execute(select(HourEntry).where(
                HourEntry.id.in_({e.source_id for e in taken_back}))).scalars():
            by_id[credit.id] = credit
    origin = {e.id: (by_id.get(e.source_id) if e.source == "reversal" else e) for e in entries}
    wanted = {}
    for credit in filter(None, origin.values()):
        wanted.setdefault(credit.source, set()).add(credit.source_id)
    paths = {}
    if wanted.get("task"):
        for row_id, task_id in db.session.execute(select(Assignment.id, Assignment.task_id)
                                                  .where(Assignment.id.in_(wanted["task"]))):
            paths[("task", row_id)] = url_for("tasks.show", studio_id=studio.id, task_id=task_id)
    if wanted.get("activity"):
        for row_id, activity_id in db.session.execute(
                select(Attendance.id, Attendance.activity_id)
                .where(Attendance.id.in_(wanted["activity"]))):
            paths[("activity", row_id)] = url_for("activities.show", studio_id=studio.id,
                                                  activity_id=activity_id)
    if wanted.get("observation"):
        for (row_id,) in db.session.execute(select(Observation.id).where(
                Observation.id.in_(wanted["observation"]))):
            paths[("observation", row_id)] = url_for("observations.show", studio_id=studio.id,
                                                     observation_id=row_id)
    if wanted.get("course"):
        # issue 11: a course credit's source row is the learner's ModuleProgress
        from models.course import CourseModule, ModuleProgress
        for row_id, course_id, module_id in db.session.execute(
                select(ModuleProgress.id, CourseModule.course_id, CourseModule.id)
                .join(CourseModule, CourseModule.id == ModuleProgress.module_id)
                .where(ModuleProgress.id.in_(wanted["course"]))):
            paths[("course", row_id)] = url_for("courses.module", studio_id=studio.id,
                                                course_id=course_id, module_id=module_id)
    return {entry_id: paths.get((credit.source, credit.source_id))
            for entry_id, credit in origin.items() if credit is not None
            and paths.get((credit.source, credit.source_id))}
