"""Routes of collective lesson planning (集体备课): the shared plan of an activity of kind
``collective_planning``, its sections, their versions and diffs, and the plan taken as the
design of a member's lesson case. Registered on the activities blueprint."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.activities import bp
from blueprints.activities import planning_operations as operations
from blueprints.activities.forms import AssignSectionForm, NoFieldsForm, SectionForm
from models import User
from models.activity import Activity
from models.lesson_plan import SECTIONS
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_count, parse_id
from studio.labels import all_labels
from studio.security import load_object, load_studio, require


def _load_plan(studio_id, activity_id, check="can_view"):
    """The studio, the activity (404 unless it plans a lesson) and its plan; ``check`` on
    the plan."""
    studio = load_studio(studio_id)
    activity = load_object(Activity, activity_id, "can_view", studio_id=studio.id)
    if activity.kind != "collective_planning":
        abort(404)
    plan = operations.ensure_plan(activity)
    require(getattr(plan, check)(current_user))
    return studio, activity, plan


def _section(plan, name, check="can_view"):
    section = plan.section(name) if name in SECTIONS else None
    if section is None:
        abort(404)
    require(getattr(section, check)(current_user))
    return section


def _assignee_choices(activity):
    people = [activity.host] + [p.user for p in activity.participants
                                if p.user_id != activity.host_id]
    return [("", _("The host"))] + [(str(u.id), u.name) for u in people]


@bp.route("/<int:studio_id>/activities/<int:activity_id>/plan")
@login_required
def plan(studio_id, activity_id):
    studio, activity, plan = _load_plan(studio_id, activity_id)
    if getattr(plan, "made_now", False):
        db.session.commit()  # the plan made on its first visit
    assign_form = AssignSectionForm()
    assign_form.assignee_id.choices = _assignee_choices(activity)
    return render_template("activities/plan.html", studio=studio, activity=activity, plan=plan,
                           assign_form=assign_form, plain_form=NoFieldsForm(), **all_labels())


@bp.route("/<int:studio_id>/activities/<int:activity_id>/plan/<section>/assign",
          methods=["POST"])
@login_required
def assign_section(studio_id, activity_id, section):
    studio, activity, plan = _load_plan(studio_id, activity_id, "can_assign")
    section = _section(plan, section)
    form = AssignSectionForm()
    if not form.validate_on_submit():
        raise RuleError(_("The form has expired. Please reload the page."), field="assignee_id")
    raw = form.assignee_id.data or ""
    member_id = parse_id(raw)
    assignee = db.session.get(User, member_id) if member_id is not None else None
    if raw and assignee is None:
        raise RuleError(_("Only a member invited to the activity can write a section."),
                        field="assignee_id")
    operations.assign_section(plan, section, current_user, assignee)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("activities.plan", studio_id=studio.id, activity_id=activity.id)
                    + f"#section-{section.name}")


def _edit_page(studio, activity, section, form, status=200, theirs=None, conflict=None):
    return render_template("activities/plan_edit.html", studio=studio, activity=activity,
                           section=section, form=form, theirs=theirs, conflict=conflict,
                           editing=section.editing_notice(current_user), **all_labels()), status


@bp.route("/<int:studio_id>/activities/<int:activity_id>/plan/<section>/edit",
          methods=["GET", "POST"])
@login_required
def edit_section(studio_id, activity_id, section):
    """GET: the form, starting from the newest version. POST: a new version, refused with
    409 (the typed text kept, the other person's beside it) if someone saved in between."""
    studio, activity, plan = _load_plan(studio_id, activity_id)
    section = _section(plan, section, "can_edit")
    form = SectionForm()
    if request.method == "GET":
        editing = section.editing_notice(current_user)
        operations.start_editing(section, current_user)
        db.session.commit()
        form.body.data = section.latest.body if section.latest else ""
        form.started_from.data = str(section.number)
        return render_template("activities/plan_edit.html", studio=studio, activity=activity,
                               section=section, form=form, theirs=None, editing=editing,
                               **all_labels())
    if not form.validate_on_submit():
        return _edit_page(studio, activity, section, form, 400)
    try:
        version = operations.save_section(section, current_user, form.body.data,
                                          parse_count(form.started_from.data))
    except operations.SectionConflict as conflict:
        db.session.rollback()
        form.started_from.data = str(conflict.theirs.number)
        return _edit_page(studio, activity, section, form, 409, theirs=conflict.theirs,
                          conflict=conflict.message)
    except RuleError as error:
        db.session.rollback()
        form.body.errors.append(str(error.message))
        return _edit_page(studio, activity, section, form, 400 if error.field else 409)
    db.session.commit()
    flash(_("Version %(n)s of this section has been saved.", n=version.number), "success")
    return redirect(url_for("activities.plan", studio_id=studio.id, activity_id=activity.id)
                    + f"#section-{section.name}")


@bp.route("/<int:studio_id>/activities/<int:activity_id>/plan/<section>/versions")
@login_required
def section_versions(studio_id, activity_id, section):
    """Every version of a section with its author; one shown (``?version=``, the newest by
    default) and, with ``?from=``, what changed from that version to it."""
    studio, activity, plan = _load_plan(studio_id, activity_id)
    section = _section(plan, section)
    number = parse_id(request.args.get("version"))
    shown = section.version(number) if number else section.latest
    if number and shown is None:
        abort(404)
    older = parse_id(request.args.get("from"))
    base = section.version(older) if older else None
    if older and base is None:
        abort(404)
    changes = operations.compare(base, shown) if base is not None and shown is not None else None
    return render_template("activities/plan_versions.html", studio=studio, activity=activity,
                           section=section, shown=shown, base=base, changes=changes,
                           **all_labels())


@bp.route("/<int:studio_id>/activities/<int:activity_id>/plan/use-as-case", methods=["POST"])
@login_required
def use_plan_as_case(studio_id, activity_id):
    """用作我的课例教学设计: the plan becomes the design text of the member's draft case."""
    studio, activity, plan = _load_plan(studio_id, activity_id, "can_use_as_case")
    if not NoFieldsForm().validate_on_submit():
        raise RuleError(_("The form has expired. Please reload the page."))
    case, created = operations.use_as_case(plan, current_user)
    db.session.commit()
    flash(_("A draft lesson case has been made with the plan as its design.") if created else
          _("The plan is now the design of your draft lesson case."), "success")
    return redirect(url_for("cases.edit", studio_id=studio.id, case_id=case.id))
