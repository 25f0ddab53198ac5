"""Progress views (issue 11, part D): a studio's course study, and the office's completion
across its studios. Read-only; a fixed number of statements whatever the size."""
from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.courses import bp, office_bp
from blueprints.courses.progress_completion import completion_figures
from blueprints.courses.progress_data import course_hours_by_user, sort_rows, studio_rows
from models import Membership, User
from models.course import Course
from models.task import Task
from studio.dates import studio_today
from studio.extensions import db
from studio.inputs import parse_id
from studio.labels import MODULE_STATE_LABELS, all_labels
from studio.security import admin_required, load_studio

FILTER_ROLES = ("backbone", "new_teacher")


@bp.route("/<int:studio_id>/courses/progress")
@login_required
def progress(studio_id):
    """A learner's own course tasks; for the master, the office and a mentor, each followed
    member × course task with who is behind first, filterable by task and role."""
    studio = load_studio(studio_id)
    today = studio_today(studio)
    me = select(User.id).where(User.id == current_user.id)
    mine = sort_rows(studio_rows(studio, me, today), {})
    my_hours = course_hours_by_user(studio, me).get(current_user.id, 0.0)
    tasks = {t.id: t for t in db.session.execute(
        select(Task).where(Task.studio_id == studio.id, Task.course_id.is_not(None))
        .order_by(Task.due_on, Task.id)).unique().scalars()}
    courses = {c.id: c for c in db.session.execute(select(Course).where(
        Course.id.in_({t.course_id for t in tasks.values()}))).scalars()}
    followed = studio.followed_members(current_user)
    members, people, task_id, role = None, {}, None, None
    if followed is not None:
        task_id = parse_id(request.args.get("task", "")) if request.args.get("task") else None
        role = request.args.get("role") if request.args.get("role") in FILTER_ROLES else None
        people = {uid: (name, username, member_role) for uid, name, username, member_role in
                  db.session.execute(select(User.id, User.name, User.username, Membership.role)
                                     .join(Membership, Membership.user_id == User.id)
                                     .where(Membership.studio_id == studio.id))}
        rows = studio_rows(studio, followed, today, task_id=task_id)
        if role is not None:
            rows = [r for r in rows if people.get(r.user_id, (0, 0, None))[2] == role]
        members = sort_rows(rows, {uid: p[0] for uid, p in people.items()})
    return render_template(
        "courses/progress.html", studio=studio, today=today, mine=mine, my_hours=my_hours,
        tasks=tasks, courses=courses, members=members, people=people, task_id=task_id,
        role=role, filter_roles=FILTER_ROLES, module_state_labels=MODULE_STATE_LABELS,
        **all_labels())


@office_bp.route("/courses/completion")
@login_required
@admin_required
def completion():
    """Course study across the studios in the office's scope: per studio and per course."""
    by_studio, by_course = completion_figures(current_user)
    return render_template("courses/completion.html", by_studio=by_studio, by_course=by_course,
                           **all_labels())
