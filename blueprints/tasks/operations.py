"""Task operations: assign, submit, return, complete (which credits the task's hours through
``blueprints.hours.operations.credit_hours``)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.hours.operations import credit_hours, hours_amount
from blueprints.notifications.operations import notify
from models import MentorGroup, MentorGroupMember, Membership, User
from models.audit import record
from models.base import utcnow
from models.task import Assignment, Task
from studio.dates import studio_today
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_id
from studio.markup import render_markdown


MAX_HOURS = 100   # per task; the form says the same


def _ids(values):
    """The valid ids among ``values`` (strings from a form or ints); others are ignored."""
    return [i for i in map(parse_id, values) if i is not None]


def audience_members(studio, setter, audience, value, chosen_ids=()):
    """The users a task or an activity goes to. A master may address the studio, a role, a
    mentor group or chosen members; a backbone teacher only their own mentees."""
    role = "master" if setter.oversees(studio) else setter.role_in(studio)
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
            raise RuleError(_l("A backbone teacher addresses their own mentees only."))
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
            raise RuleError(_l("Please choose who it is for."), field="audience")
    else:
        raise RuleError(_l("Only the master and backbone teachers choose whom to address."))
    members = db.session.execute(stmt.order_by(User.username)).scalars().all()
    if not members:
        raise RuleError(_l("Nobody matches this audience. Please choose who it is for."),
                        field="audience")
    return members


def assign_task(studio, setter, data, chosen_ids=(), today=None):
    today = today or studio_today(studio)
    if data["due_on"] < today:
        raise RuleError(_l("The due date is in the past."), field="due_on")
    if data["opens_on"] > data["due_on"]:
        raise RuleError(_l("The task must open before it is due."), field="opens_on")
    hours = hours_amount(data["hours"], field="hours")
    if hours < 0:
        raise RuleError(_l("Study hours cannot be negative."), field="hours")
    if hours > MAX_HOURS:
        raise RuleError(_l("Study hours are between 0 and 100."), field="hours")
    data = {**data, "hours": float(hours)}
    course_id, module_ids = data.pop("course_id", None), data.pop("module_ids", ())
    course, modules = _course_of(studio, setter, data["deliverable"], course_id, module_ids)
    members = audience_members(studio, setter, data["audience"], data.get("audience_value", ""),
                               chosen_ids)
    task = Task(studio=studio, created_by_id=setter.id,
                description_html=render_markdown(data["description"]), **data)
    if course is not None:
        # a course task credits no hours of its own: each completed module credits its own
        task.course_id, task.modules, task.hours = course.id, modules, 0
    db.session.add(task)
    db.session.flush()
    db.session.add_all([Assignment(task_id=task.id, user_id=m.id) for m in members])
    notify(members, "task_assigned", task, actor=setter)
    record("task_assigned", actor=setter, studio=studio, target=task, detail=f"{len(members)}")
    return task


def _course_of(studio, setter, deliverable, course_id, module_ids):
    """A course task's course (published, ``Course.available_in`` the studio for the setter)
    and its chosen modules (none: the whole course); (None, []) for any other task."""
    from models.course import Course, CourseModule
    if deliverable != "course":
        return None, []
    course_id = parse_id(course_id) if course_id not in (None, "") else None
    if course_id is None:
        raise RuleError(_l("Please choose the course to study."), field="course")
    course = db.session.execute(Course.available_in(studio, setter).where(
        Course.id == course_id)).scalar_one_or_none()
    if course is None:
        raise RuleError(_l("This course is not available in the studio."), field="course")
    if course.state != "published":
        raise RuleError(_l("Only a published course can be assigned."), field="course")
    module_ids = list(module_ids or ())
    wanted = _ids(module_ids)
    if len(wanted) != len(module_ids):
        raise RuleError(_l("Please choose modules of the chosen course only."), field="modules")
    modules = db.session.execute(select(CourseModule).where(
        CourseModule.id.in_(wanted))).scalars().all() if wanted else []
    if len(modules) != len(set(wanted)) or any(m.course_id != course.id for m in modules):
        raise RuleError(_l("Please choose modules of the chosen course only."), field="modules")
    if not modules and not course.modules:
        raise RuleError(_l("This course has no modules yet."), field="course")
    return course, sorted(modules, key=lambda m: (m.position, m.id))


def submit_assignment(assignment, user, note):
    if assignment.task.is_course_task and user.id == assignment.user_id:
        raise RuleError(_l("A course task has nothing to hand in: it is completed when you have "
                           "completed its modules."))
    if not assignment.can_submit(user):
        raise RuleError(_l("This task cannot be handed in now."))
    if assignment.task.deliverable == "lesson_case":
        raise RuleError(_l("This task is answered with a lesson case: create the case from the "
                           "task page and submit it."), field="note")
    if not note.strip():
        raise RuleError(_l("Please write what you hand in."), field="note")
    assignment.note, assignment.note_html = note, render_markdown(note)
    mark_submitted(assignment)


def mark_submitted(assignment):
    """Handed in: the setter is told, and so is the member's current mentor for a hand-in
    they may decide (``Assignment.can_decide``); a lesson case goes to its reviewer instead."""
    assignment.state, assignment.submitted_at = "submitted", utcnow()
    task = assignment.task
    deciders = [task.created_by]
    mentor = task.studio.mentor_of(assignment.user) if task.deliverable != "lesson_case" else None
    if mentor is not None and mentor.id != task.created_by_id:
        deciders.append(mentor)
    notify(deciders, "assignment_submitted", task, actor=assignment.user)


def return_assignment(assignment, actor, feedback):
    if assignment.task.deliverable == "lesson_case" or not assignment.can_decide(actor):
        raise RuleError(_l("Only a handed-in task can be returned."))
    if not feedback.strip():
        raise RuleError(_l("Please say what should be improved."), field="feedback")
    assignment.state, assignment.feedback = "returned", feedback
    task = assignment.task
    notify([assignment.user], "assignment_returned", task, actor=actor)
    record("assignment_returned", actor=actor, studio=task.studio, target=assignment)


def complete_assignment(assignment, actor, feedback=""):
    """Complete and credit the task's hours once. A second completion is refused, and so is
    anyone who may not decide (``Assignment.can_decide``): the setter, the master, the
    admin or the assignee's current mentor for a handed-in task; the reviewer who approved the case for a lesson-case task."""
    if assignment.state == "completed":
        raise RuleError(_l("This task is already completed; its hours were credited once."))
    if not assignment.can_decide(actor):
        if assignment.task.deliverable == "lesson_case":
            raise RuleError(_l("This task is completed when its lesson case is approved."))
        if assignment.state != "submitted":
            raise RuleError(_l("Only a handed-in task can be completed."))
        raise RuleError(_l("Only the task's setter, the master or the member's mentor "
                           "completes this task."))
    assignment.state, assignment.completed_at = "completed", utcnow()
    if feedback:
        assignment.feedback = feedback
    credit_assignment(assignment, actor)
    task = assignment.task
    notify([assignment.user], "assignment_completed", task, actor=actor)
    record("assignment_completed", actor=actor, studio=task.studio, target=assignment)


def credit_assignment(assignment, actor):
    """The task's hours to the assignee, once per assignment (None: the task has none)."""
    task = assignment.task
    if not task.hours:
        return None
    return credit_hours(assignment.user, task.hours, "task", actor, studio=task.studio,
                        source_row=assignment, reason=task.title)
