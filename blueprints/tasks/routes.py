from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from blueprints.tasks import bp, operations
from blueprints.tasks.forms import DecideAssignmentForm, SubmitAssignmentForm, TaskForm
from models import User
from models.studio import Roster
from models.task import Assignment, Task
from models.thread import Thread, subject_kind
from studio.dates import studio_today
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import MODULE_STATE_LABELS, all_labels
from studio.security import load_object, load_studio, require


@bp.route("/<int:studio_id>/tasks")
@login_required
def index(studio_id):
    """My tasks, by due date; and for a setter, the tasks they set with their progress."""
    studio = load_studio(studio_id)
    mine = db.session.execute(
        select(Assignment).join(Task).where(Task.studio_id == studio.id,
                                            Assignment.user_id == current_user.id)
        .order_by(Task.due_on, Task.id)).scalars().all()
    # Every other task the user may see (Task.visible_to, the twin of Task.can_view): those
    # they set or run, and their mentees' tasks, with their progress.
    set_tasks = db.session.execute(
        Task.visible_to(studio, current_user)
        .where(Task.id.not_in([a.task_id for a in mine]))
        .order_by(Task.due_on.desc(), Task.id)).scalars().all()
    # A task the user follows as a mentor (not one they manage) shows their mentees only.
    followed = [t.id for t in set_tasks if not t.can_manage(current_user)]
    mentees = studio.current_mentee_ids(current_user)
    progress = {**_progress(studio, [t.id for t in set_tasks if t.id not in followed]),
                **_progress(studio, followed, only=mentees)}
    mentee_assignments = {}
    if followed:
        for a in db.session.execute(
                select(Assignment).join(Assignment.user)
                .where(Assignment.task_id.in_(followed), Assignment.user_id.in_(mentees))
                .order_by(User.name, User.id)).scalars():
            mentee_assignments.setdefault(a.task_id, []).append(a)
    from blueprints.tasks.course import course_hours
    return render_template("tasks/index.html", studio=studio, mine=mine, set_tasks=set_tasks,
                           progress=progress, mentee_assignments=mentee_assignments,
                           course_hours=course_hours([a.task for a in mine]),
                           today=studio_today(studio), **all_labels())


def _progress(studio, task_ids, only=None):
    """{task_id: {'total': n, 'completed': n, 'submitted': n, 'late': n}} in one query
    (``only``: a select of the user ids to count, e.g. a mentor's mentees)."""
    if not task_ids:
        return {}
    today = studio_today(studio)
    late = ((Assignment.state.in_(("assigned", "returned"))) & (Task.due_on < today))
    stmt = (select(Assignment.task_id, func.count(),
                   func.sum(db.case((Assignment.state == "completed", 1), else_=0)),
                   func.sum(db.case((Assignment.state == "submitted", 1), else_=0)),
                   func.sum(db.case((late, 1), else_=0)))
            .join(Task).where(Assignment.task_id.in_(task_ids)).group_by(Assignment.task_id))
    if only is not None:
        stmt = stmt.where(Assignment.user_id.in_(only))
    return {tid: {"total": n, "completed": c or 0, "submitted": s or 0, "late": l or 0}
            for tid, n, c, s, l in db.session.execute(stmt)}


def _task_form(studio, roster):
    """The task form; its member picker lists, in sections by mentor group, exactly the
    members the setter may choose (the operation checks the chosen ids again)."""
    form = TaskForm(opens_on=studio_today(studio))
    form.set_audience_choices(studio, current_user, roster)
    form.set_course_choices(studio, current_user)
    return form


@bp.route("/<int:studio_id>/tasks/new", methods=["GET", "POST"])
@login_required
def new(studio_id):
    studio = load_studio(studio_id, "can_set_tasks")
    roster = Roster(studio)
    form = _task_form(studio, roster)
    if form.validate_on_submit():
        try:
            task = operations.assign_task(studio, current_user, form.data_for_task(),
                                          chosen_ids=form.members.data)
            db.session.commit()
            flash(_("The task has been sent to %(n)s members.", n=len(task.assignments)), "success")
            return redirect(url_for("tasks.show", studio_id=studio.id, task_id=task.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(str(error.message))
    return render_template("tasks/new.html", studio=studio, form=form, **all_labels()), \
        (400 if request.method == "POST" else 200)


@bp.route("/<int:studio_id>/tasks/<int:task_id>")
@login_required
def show(studio_id, task_id):
    studio = load_studio(studio_id)
    task = load_object(Task, task_id, studio_id=studio.id)
    return _task_page(studio, task)


def _task_page(studio, task, submit_form=None, status=200):
    """The task; a refused hand-in comes back here with what was typed."""
    mine = next((a for a in task.assignments if a.user_id == current_user.id), None)
    manage = task.can_manage(current_user)
    groups = _by_group(studio, task) if task.can_follow_progress(current_user) else None
    my_cases = []
    if mine is not None and task.deliverable == "lesson_case":
        from models.case import LessonCase
        my_cases = db.session.execute(select(LessonCase).where(
            LessonCase.assignment_id == mine.id)).scalars().all()
    course = None
    if task.is_course_task:
        from blueprints.tasks.course import done_counts, my_modules
        followed = [a.user_id for _mentor, items in groups or [] for a in items]
        done, total = done_counts(task, followed)
        course = {"mine": my_modules(task, current_user) if mine is not None else [],
                  "done": done, "total": total}
    return render_template("tasks/show.html", studio=studio, task=task, mine=mine, manage=manage,
                           my_cases=my_cases, course=course,
                           groups=groups, submit_form=submit_form or SubmitAssignmentForm(),
                           decide_form=DecideAssignmentForm(), today=studio_today(studio),
                           discussion=Thread.about(task), subject_kind=subject_kind,
                           module_state_labels=MODULE_STATE_LABELS, **all_labels()), status


def _by_group(studio, task):
    """Completion grouped by mentor group, with who is late (fixed number of queries)."""
    roster = Roster(studio)
    by_user = {a.user_id: a for a in task.assignments}
    only_own_group = not task.can_manage(current_user)  # a mentor following their mentees
    rows = []
    for mentor, mentees in roster.groups:
        if only_own_group and mentor.id != current_user.id:
            continue
        items = [by_user[u.id] for u in mentees if u.id in by_user]
        if items:
            rows.append((mentor, items))
    others = [a for a in task.assignments if a.user_id not in roster.mentor_id_of]
    if others and not only_own_group:
        rows.append((None, others))
    return rows


@bp.route("/<int:studio_id>/tasks/<int:task_id>/submit", methods=["POST"])
@login_required
def submit(studio_id, task_id):
    studio = load_studio(studio_id)
    task = load_object(Task, task_id, studio_id=studio.id)
    assignment = next((a for a in task.assignments if a.user_id == current_user.id), None)
    require(assignment is not None)
    form = SubmitAssignmentForm()
    try:
        if not form.validate_on_submit():
            raise RuleError(next((e for f in form for e in f.errors),
                                 _("Please write what you hand in.")), field="note")
        operations.submit_assignment(assignment, current_user, form.note.data)
        db.session.commit()
    except RuleError as error:  # the hand-in comes back with what was typed
        db.session.rollback()
        form.note.errors = [str(error.message)]
        return _task_page(studio, task, form, status=400 if error.field else 409)
    flash(_("Handed in. Your mentor or the master will look at it."), "success")
    return redirect(url_for("tasks.show", studio_id=studio.id, task_id=task.id))


@bp.route("/<int:studio_id>/tasks/<int:task_id>/assignments/<int:assignment_id>/decide",
          methods=["POST"])
@login_required
def decide(studio_id, task_id, assignment_id):
    """The setter, the master, the admin or the assignee's current mentor completes or
    returns a hand-in (``Assignment.can_decide_by_hand``: 409 with the reason when it is not
    the moment, e.g. a lesson-case task, decided by its case's review)."""
    studio = load_studio(studio_id)
    task = load_object(Task, task_id, studio_id=studio.id)
    assignment = load_object(Assignment, assignment_id, "can_decide_by_hand", task_id=task.id)
    form = DecideAssignmentForm()
    if not form.validate_on_submit():
        abort(400, description=_("Please choose complete or return."))
    if form.decision.data == "complete":
        operations.complete_assignment(assignment, current_user, form.feedback.data or "")
    else:
        operations.return_assignment(assignment, current_user, form.feedback.data or "")
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("tasks.show", studio_id=studio.id, task_id=task.id))
