"""Task operations: assign, submit, return, complete; the study-hour ledger."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from blueprints.notifications.operations import notify
from models import MentorGroup, MentorGroupMember, Membership, User
from models.audit import record
from models.base import utcnow
from models.hours import HourEntry
from models.task import Assignment, Task
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_id
from studio.markup import render_markdown


def _ids(values):
    """The valid ids among ``values`` (strings from a form or ints); others are ignored."""
    return [i for i in map(parse_id, values) if i is not None]


def audience_members(studio, setter, audience, value, chosen_ids=()):
    """The users a task goes to. A master may address the studio, a role, a mentor group or
    chosen members; a backbone teacher only their own mentees."""
    role = setter.role_in(studio) if not setter.is_admin else "master"
    base = (select(User).join(Membership, Membership.user_id == User.id)
            .where(Membership.studio_id == studio.id, Membership.active.is_(True),
                   User.id != setter.id))
    mentees = (select(MentorGroupMember.mentee_id).join(MentorGroup)
               .where(MentorGroup.studio_id == studio.id, MentorGroupMember.ended_at.is_(None)))
    if role == "backbone":
        own = mentees.where(MentorGroup.mentor_id == setter.id)
        if audience == "group":
            stmt = base.where(User.id.in_(own))
        elif audience == "members":
            stmt = base.where(User.id.in_(own), User.id.in_(_ids(chosen_ids)))
        else:
            raise RuleError(_l("A backbone teacher sets tasks for their own mentees only."))
    elif role == "master":
        if audience == "studio":
            stmt = base.where(Membership.role != "master")
        elif audience == "role":
            if value not in ("backbone", "new_teacher"):
                raise RuleError(_l("Please choose backbone or new teachers."), field="audience_value")
            stmt = base.where(Membership.role == value)
        elif audience == "group":
            if parse_id(value) is None:
                raise RuleError(_l("Please choose a mentor group."), field="audience_value")
            stmt = base.where(User.id.in_(mentees.where(MentorGroup.id == parse_id(value))))
        elif audience == "members":
            stmt = base.where(User.id.in_(_ids(chosen_ids)))
        else:
            raise RuleError(_l("Please choose who the task is for."), field="audience")
    else:
        raise RuleError(_l("Only the master and backbone teachers set tasks."))
    members = db.session.execute(stmt.order_by(User.username)).scalars().all()
    if not members:
        raise RuleError(_l("Nobody matches this audience. Please choose who the task is for."),
                        field="audience")
    return members


def assign_task(studio, setter, data, chosen_ids=(), today=None):
    today = today or date.today()
    if data["due_on"] < today:
        raise RuleError(_l("The due date is in the past."), field="due_on")
    if data["opens_on"] > data["due_on"]:
        raise RuleError(_l("The task must open before it is due."), field="opens_on")
    if data["hours"] < 0:
        raise RuleError(_l("Study hours cannot be negative."), field="hours")
    members = audience_members(studio, setter, data["audience"], data.get("audience_value", ""),
                               chosen_ids)
    task = Task(studio=studio, created_by_id=setter.id,
                description_html=render_markdown(data["description"]), **data)
    db.session.add(task)
    db.session.flush()
    db.session.add_all([Assignment(task_id=task.id, user_id=m.id) for m in members])
    notify(members, "task_assigned", task.title, f"/studios/{studio.id}/tasks/{task.id}",
           actor=setter, studio=studio)
    record("task_assigned", actor=setter, studio=studio, target=task, detail=f"{len(members)}")
    return task


def submit_assignment(assignment, user, note):
    if not assignment.can_submit(user):
        raise RuleError(_l("This task cannot be handed in now."))
    if assignment.task.deliverable == "lesson_case":
        raise RuleError(_l("This task is answered with a lesson case: create the case from the "
                           "task page and submit it."))
    if not note.strip():
        raise RuleError(_l("Please write what you hand in."), field="note")
    assignment.note, assignment.note_html = note, render_markdown(note)
    mark_submitted(assignment)


def mark_submitted(assignment):
    assignment.state, assignment.submitted_at = "submitted", utcnow()
    task = assignment.task
    notify([task.created_by], "assignment_submitted", task.title,
           f"/studios/{task.studio_id}/tasks/{task.id}", actor=assignment.user,
           studio=task.studio)


def return_assignment(assignment, actor, feedback):
    if not assignment.can_decide(actor):
        raise RuleError(_l("Only a handed-in task can be returned."))
    if not feedback.strip():
        raise RuleError(_l("Please say what should be improved."), field="feedback")
    assignment.state, assignment.feedback = "returned", feedback
    task = assignment.task
    notify([assignment.user], "assignment_returned", task.title,
           f"/studios/{task.studio_id}/tasks/{task.id}", actor=actor, studio=task.studio)
    record("assignment_returned", actor=actor, studio=task.studio, target=assignment)


def complete_assignment(assignment, actor, feedback=""):
    """Complete and credit the task's hours once. A second completion is refused."""
    if assignment.state == "completed":
        raise RuleError(_l("This task is already completed; its hours were credited once."))
    if assignment.state != "submitted" and assignment.task.deliverable != "lesson_case":
        raise RuleError(_l("Only a handed-in task can be completed."))
    assignment.state, assignment.completed_at = "completed", utcnow()
    if feedback:
        assignment.feedback = feedback
    credit_assignment(assignment, actor)
    task = assignment.task
    notify([assignment.user], "assignment_completed", task.title,
           f"/studios/{task.studio_id}/tasks/{task.id}", actor=actor, studio=task.studio)


def credit_assignment(assignment, actor):
    task = assignment.task
    if not task.hours:
        return None
    exists = db.session.execute(
        select(HourEntry.id).where(HourEntry.assignment_id == assignment.id)).first()
    if exists:
        return None
    entry = HourEntry(studio_id=task.studio_id, user_id=assignment.user_id, amount=task.hours,
                      source="task", assignment_id=assignment.id, created_by_id=actor.id,
                      reason=task.title)
    db.session.add(entry)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another request credited it at the same moment
        return None
    return entry


def adjust_hours(studio, member, amount, reason, actor):
    """A master's manual correction: only with a written reason, recorded with who did it."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleError(_l("Please write the reason for the adjustment."), field="reason")
    if amount == 0:
        raise RuleError(_l("The adjustment must not be zero."), field="amount")
    if abs(amount) > 200:
        raise RuleError(_l("An adjustment is at most 200 hours."), field="amount")
    if total_hours(studio, member) + amount < 0:
        raise RuleError(_l("The total cannot go below zero."), field="amount")
    entry = HourEntry(studio_id=studio.id, user_id=member.id, amount=amount, source="manual",
                      reason=reason, created_by_id=actor.id)
    db.session.add(entry)
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


def target_for(studio, role):
    return {"new_teacher": studio.hours_target_new_teacher,
            "backbone": studio.hours_target_backbone}.get(role)
