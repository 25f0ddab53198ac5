"""Lesson observations: record, change, remove; the studio's targets; counts per term.

An observation credits study hours only when the studio sets hours per observation (default
0), through ``credit_hours`` with the observation as source row; removing the observation
writes the reversal into the ledger with its reason, so the register keeps both lines."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.hours.operations import credit_hours, credit_of, hours_amount, reverse_credit
from models.audit import record
from models.case import LessonCase
from models.observation import RATINGS, Observation
from studio.dates import studio_today, term_bounds
from studio.errors import RuleError
from studio.extensions import db

EARLIEST = date(2000, 1, 1)


def _check(studio, fields, case):
    if not fields.get("teacher"):
        raise RuleError(_l("Please enter who taught the lesson."), field="teacher")
    if not fields.get("topic"):
        raise RuleError(_l("Please enter the topic of the lesson."), field="topic")
    if fields.get("rating") not in RATINGS:
        raise RuleError(_l("Please choose an overall evaluation."), field="rating")
    day = fields.get("observed_on")
    if day is None or day > studio_today(studio) or day < EARLIEST:
        raise RuleError(_l("The date of the lesson must lie between 2000-01-01 and today."),
                        field="observed_on")
    if case is not None and case.studio_id != studio.id:
        raise RuleError(_l("That lesson case is not in this studio."), field="case_id")


def record_observation(studio, author, fields, case=None):
    """A member logs a lesson they observed (optionally a lesson case of the studio); the
    studio's hours per observation, if any, are credited to them."""
    if not Observation.can_create(studio, author):
        raise RuleError(_l("Only members of the studio record observations."))
    _check(studio, fields, case)
    observation = Observation(studio=studio, author=author, case=case, **fields)
    db.session.add(observation)
    db.session.flush()
    if studio.observation_hours and studio.observation_hours > 0:
        credit_hours(author, studio.observation_hours, "observation", author, studio=studio,
                     source_row=observation,
                     reason=f"听课：{observation.observed_on} {observation.teacher}《{observation.topic}》"[:500])
    record("observation_recorded", actor=author, studio=studio, target=observation)
    return observation


def change_observation(observation, user, fields):
    if not observation.can_edit(user):
        raise RuleError(_l("Only its author changes an observation."))
    _check(observation.studio, fields, observation.case)
    for name, value in fields.items():
        setattr(observation, name, value)
    record("observation_changed", actor=user, studio=observation.studio, target=observation)
    return observation


def remove_observation(observation, user):
    """Remove the record; hours it credited are taken back by a reversing ledger line."""
    if not observation.can_delete(user):
        raise RuleError(_l("Only its author removes an observation."))
    studio = observation.studio
    reverse_credit(credit_of("observation", observation, observation.author), user,
                   f"撤销听课记录学时：{observation.observed_on} 《{observation.topic}》"[:500])
    record("observation_removed", actor=user, studio=studio, target=observation,
           detail=f"{observation.observed_on} {observation.teacher} {observation.topic}"[:500])
    db.session.delete(observation)


def set_observation_rules(studio, user, target_backbone, target_new_teacher, hours):
    if not studio.can_set_observation_rules(user):
        raise RuleError(_l("Only the master sets the observation targets."))
    hours = hours_amount(hours, field="observation_hours")
    if not 0 <= hours <= 99.9:
        raise RuleError(_l("Please enter hours from 0 to 99.9."), field="observation_hours")
    for value, field in ((target_backbone, "observation_target_backbone"),
                         (target_new_teacher, "observation_target_new_teacher")):
        if not isinstance(value, int) or not 0 <= value <= 500:
            raise RuleError(_l("Please enter a number from 0 to 500."), field=field)
    studio.observation_target_backbone = target_backbone
    studio.observation_target_new_teacher = target_new_teacher
    studio.observation_hours = float(hours)
    record("observation_rules_set", actor=user, studio=studio,
           detail=f"backbone {target_backbone}, new_teacher {target_new_teacher}, hours {hours}")


def current_term(studio):
    return term_bounds(studio_today(studio))


def counts_this_term(studio, user_ids=None):
    """{author_id: observations of the current term}, in one query."""
    first, last, _kind = current_term(studio)
    stmt = (select(Observation.author_id, func.count())
            .where(Observation.studio_id == studio.id,
                   Observation.observed_on.between(first, last))
            .group_by(Observation.author_id))
    if user_ids is not None:
        stmt = stmt.where(Observation.author_id.in_(user_ids))
    return dict(db.session.execute(stmt).all())


def linkable_case(studio, user, case_id):
    """A lesson case ``user`` may see in ``studio``, to log an observation of; None if not."""
    case = db.session.get(LessonCase, case_id) if case_id is not None else None
    if case is None or case.studio_id != studio.id or not case.can_view(user):
        return None
    return case
