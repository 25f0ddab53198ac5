from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.studios import bp, operations
from blueprints.studios.forms import AddMemberForm, AssignMentorForm, RemoveMemberForm
from blueprints.studios.todo import Todo
from models import MentorGroup, MentorGroupMember, User
from models.project import STAGES, ResearchProject
from models.studio import Roster
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import PROJECT_STAGE_LABELS, PROJECT_STATE_LABELS, ROLE_LABELS, all_labels
from studio.listing import (by_section, group_choices, in_group_order, member_filter, paginate,
                            role_choices, same_names)
from studio.inputs import parse_id
from studio.security import load_studio


@bp.route("/")
@login_required
def index():
    """The studios the user belongs to (a teacher may be in more than one)."""
    memberships = sorted(current_user.memberships, key=lambda m: m.studio.name)
    return render_template("studios/index.html", memberships=memberships)


@bp.route("/<int:studio_id>/")
@login_required
def home(studio_id):
    studio = load_studio(studio_id)
    role = current_user.role_in(studio)
    mentor = studio.mentor_of(current_user) if role == "new_teacher" else None
    mentees = studio.mentees_of(current_user) if role == "backbone" else []
    projects = db.session.execute(ResearchProject.visible_to(studio, current_user)
                                  .order_by(ResearchProject.updated_at.desc())).scalars().all()
    return render_template("studios/home.html", studio=studio, role=role, mentor=mentor,
                           mentees=mentees, counts=studio.role_counts(),
                           todo=Todo(studio, current_user), role_labels=ROLE_LABELS,
                           projects=projects, stages=STAGES,
                           project_stage_labels=PROJECT_STAGE_LABELS,
                           project_state_labels=PROJECT_STATE_LABELS,
                           latest_briefing=_latest_briefing(studio))


def _latest_briefing(studio):
    """The newest published briefing, for those who may read it."""
    from models.briefing import Briefing
    return db.session.execute(
        Briefing.visible_to(studio, current_user).where(Briefing.state == "published")
        .order_by(Briefing.number.desc()).limit(1)).scalar_one_or_none()


@bp.route("/<int:studio_id>/roster")
@login_required
def roster(studio_id):
    """Everyone in the studio by mentor group (the master, each mentor then their mentees,
    new teachers in no group), filtered and paged (studio/listing.py)."""
    studio = load_studio(studio_id)
    roster = Roster(studio)
    flt = member_filter()
    page = paginate(flt.apply(in_group_order(roster), roster, key=lambda row: row[1]),
                    flt.page, flt.params())
    everyone = roster.everyone
    return render_template("studios/roster.html", studio=studio, roster=roster, flt=flt,
                           page=page, sections=by_section(page.items),
                           group_sizes={m.id: len(ms) for m, ms in roster.groups},
                           groups=group_choices(roster, everyone),
                           roles=role_choices(roster, everyone), twins=same_names(everyone),
                           show_contacts=studio.can_manage_members(current_user),
                           role_labels=ROLE_LABELS)


def _mentor_choices(roster):
    return [("", _("— none —"))] + [(str(u.id), f"{u.name} ({u.username})") for u in roster.backbones]


def _user_in(studio, user_id, roster):
    user = db.session.get(User, user_id)
    if user is None or user.id not in roster.role_of:
        abort(404)
    return user


@bp.route("/<int:studio_id>/members", methods=["GET", "POST"])
@login_required
def members(studio_id):
    studio = load_studio(studio_id, "can_manage_members")
    roster = Roster(studio)
    form = AddMemberForm()
    form.mentor.choices = _mentor_choices(roster)
    if form.validate_on_submit():
        try:
            _add_member(studio, form)
            db.session.commit()
            flash(_("%(name)s has joined the studio.", name=form.name.data or form.username.data),
                  "success")
            return redirect(url_for("studios.members", studio_id=studio.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "username").errors.append(str(error.message))
    status = 400 if request.method == "POST" else 200
    return render_template("studios/members.html", studio=studio, roster=roster, form=form,
                           remove_form=RemoveMemberForm(), counts=studio.role_counts(),
                           role_labels=ROLE_LABELS), status


def _add_member(studio, form):
    user = db.session.execute(
        select(User).where(User.username == form.username.data)).scalar_one_or_none()
    if user is None:
        if not form.name.data or not form.initial_password.data:
            raise RuleError(_("A new account needs a name and an initial password."), field="name")
        user = operations.create_account(
            form.username.data, form.name.data, form.initial_password.data, current_user,
            school=form.school.data or "", subject=form.subject.data or "",
            phone=form.phone.data or "", email=form.email.data or "")
        db.session.flush()
    operations.add_member(studio, user, form.role.data, current_user)
    if form.role.data == "new_teacher" and form.mentor.data:
        mentor_id = parse_id(form.mentor.data)
        mentor = db.session.get(User, mentor_id) if mentor_id is not None else None
        if mentor is None:
            raise RuleError(_("Unknown mentor."), field="mentor")
        db.session.flush()
        operations.assign_mentor(studio, user, mentor, current_user, _("joined the studio"))


@bp.route("/<int:studio_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(studio_id, user_id):
    studio = load_studio(studio_id, "can_manage_members")
    user = _user_in(studio, user_id, Roster(studio))
    form = RemoveMemberForm()
    if not form.validate_on_submit():
        abort(400)
    operations.remove_member(studio, user, current_user, form.reason.data or "")
    db.session.commit()
    flash(_("%(name)s has left the studio.", name=user.name), "success")
    return redirect(url_for("studios.members", studio_id=studio.id))


@bp.route("/<int:studio_id>/groups")
@login_required
def groups(studio_id):
    studio = load_studio(studio_id, "can_manage_members")
    roster = Roster(studio)
    form = AssignMentorForm()
    return render_template("studios/groups.html", studio=studio, roster=roster, form=form,
                           mentor_choices=_mentor_choices(roster)[1:])


@bp.route("/<int:studio_id>/groups/assign", methods=["POST"])
@login_required
def assign_mentor(studio_id):
    studio = load_studio(studio_id, "can_manage_members")
    roster = Roster(studio)
    form = AssignMentorForm()
    mentee_id, mentor_id = parse_id(form.mentee_id.data), parse_id(form.mentor_id.data)
    if not form.validate_on_submit() or mentee_id is None or mentor_id is None:
        abort(400, description=_("Please choose a new teacher and a mentor."))
    mentee = _user_in(studio, mentee_id, roster)
    mentor = _user_in(studio, mentor_id, roster)
    operations.assign_mentor(studio, mentee, mentor, current_user, form.reason.data or "")
    db.session.commit()
    flash(_("%(mentee)s now learns with %(mentor)s.", mentee=mentee.name, mentor=mentor.name),
          "success")
    return redirect(url_for("studios.groups", studio_id=studio.id) + f"#u{mentee.id}")


@bp.route("/<int:studio_id>/groups/history")
@login_required
def group_history(studio_id):
    studio = load_studio(studio_id, "can_manage_members")
    links = db.session.execute(
        select(MentorGroupMember).join(MentorGroup).where(MentorGroup.studio_id == studio.id)
        .options(db.joinedload(MentorGroupMember.changed_by))
        .order_by(MentorGroupMember.started_at.desc(), MentorGroupMember.id.desc())
    ).scalars().all()
    return render_template("studios/group_history.html", studio=studio, links=links,
                           events=operations.membership_history(studio), **all_labels())
