from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.plans import bp, operations
from blueprints.plans.forms import EvidenceForm, PlanCommentForm, PlanForm, RemoveForm
from models.plan import SECTIONS, GrowthPlan, PlanEvidence
from models.studio import Roster
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_id
from studio.labels import all_labels
from studio.security import load_object, load_studio

# What the template asks for in each part: shown as the placeholder of an empty plan.
TEMPLATE_HINTS = {
    "situation": _l("Years of teaching, subject and grades; strengths and weaknesses in learner "
                    "analysis, lesson design, teaching delivery and reflection."),
    "goal_year1": _l("Year 1: stand firm in the classroom…"),
    "goal_year2": _l("Year 2: develop your own strengths…"),
    "goal_year3": _l("Year 3: form a teaching style and set an example…"),
    "measures": _l("Reading, observing lessons (at least 25 a term), polishing lesson cases, "
                   "research projects, studio activities…"),
    "outcomes": _l("For example: a standard or excellent lesson case, papers, a research "
                   "report, awards…"),
}


@bp.route("/<int:studio_id>/plans")
@login_required
def index(studio_id):
    """Who has a plan and who revised it this school year: everyone for the master and the
    office, a mentor's own group for a backbone teacher, oneself for a new teacher."""
    studio = load_studio(studio_id)
    roster = Roster(studio)
    everyone = ([roster.master] if roster.master else []) + roster.backbones + roster.new_teachers
    visible = {p.author_id for p in db.session.execute(
        GrowthPlan.visible_to(studio, current_user)).scalars()}
    status = {k: v for k, v in operations.plan_status(studio).items() if k in visible}
    if not (current_user.oversees(studio) or roster.role_of.get(current_user.id) == "master"):
        mine = {current_user.id} | {u.id for mentor, mentees in roster.groups
                                     if mentor.id == current_user.id for u in mentees}
        everyone = [u for u in everyone if u.id in mine]
    with_plan = sum(1 for u in everyone if u.id in status)
    revised = sum(1 for u in everyone if u.id in status and status[u.id][2])
    return render_template("plans/index.html", studio=studio, members=everyone, status=status,
                           role_of=roster.role_of, with_plan=with_plan, revised=revised,
                           can_write=studio.can_take_part(current_user), **all_labels())


@bp.route("/<int:studio_id>/plans/mine", methods=["GET", "POST"])
@login_required
def mine(studio_id):
    """Write one's plan from the template, or revise it: each save is a new version."""
    studio = load_studio(studio_id, "can_take_part")
    plan = operations.plan_of(studio, current_user)
    form = PlanForm(obj=plan.latest if plan and request.method == "GET" else None)
    if request.method == "GET":
        form.note.data = ""
    if form.validate_on_submit():
        try:
            version = operations.save_plan(studio, current_user, form.sections(), form.note.data)
            db.session.commit()
            flash(_("Version %(n)s of your plan has been saved.", n=version.number), "success")
            return redirect(url_for("plans.show", studio_id=studio.id, plan_id=version.plan_id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "situation").errors.append(str(error.message))
    return render_template("plans/form.html", studio=studio, form=form, plan=plan,
                           sections=SECTIONS, hints=TEMPLATE_HINTS, **all_labels()), \
        (400 if request.method == "POST" else 200)


@bp.route("/<int:studio_id>/plans/<int:plan_id>")
@login_required
def show(studio_id, plan_id):
    studio = load_studio(studio_id)
    plan = load_object(GrowthPlan, plan_id, studio_id=studio.id)
    number = parse_id(request.args.get("version"))
    version = next((v for v in plan.versions if v.number == number), None) if number \
        else plan.latest
    if version is None:
        abort(404)
    evidence_form = EvidenceForm()
    if plan.can_edit(current_user):
        evidence_form.item.choices = operations.evidence_choices(plan)
    return render_template("plans/show.html", studio=studio, plan=plan, version=version,
                           comment_form=PlanCommentForm(), evidence_form=evidence_form,
                           remove_form=RemoveForm(), **all_labels())


@bp.route("/<int:studio_id>/plans/<int:plan_id>/diff")
@login_required
def diff(studio_id, plan_id):
    """What changed between two versions (by default the last two)."""
    studio = load_studio(studio_id)
    plan = load_object(GrowthPlan, plan_id, studio_id=studio.id)
    by_number = {v.number: v for v in plan.versions}
    newest = plan.latest.number
    new = by_number.get(parse_id(request.args.get("to")) or newest)
    old = by_number.get(parse_id(request.args.get("from")) or max(newest - 1, 1))
    if old is None or new is None:
        abort(404)
    return render_template("plans/diff.html", studio=studio, plan=plan, old=old, new=new,
                           changes=operations.compare(old, new), **all_labels())


@bp.route("/<int:studio_id>/plans/<int:plan_id>/comments", methods=["POST"])
@login_required
def comment(studio_id, plan_id):
    studio = load_studio(studio_id)
    plan = load_object(GrowthPlan, plan_id, "can_comment", studio_id=studio.id)
    form = PlanCommentForm()
    if not form.validate_on_submit():
        raise RuleError(next((e for f in form for e in f.errors), _("The comment is empty.")),
                        field="body")
    operations.comment_plan(plan, current_user, form.body.data)
    db.session.commit()
    flash(_("Your comment has been sent to %(name)s.", name=plan.author.name), "success")
    return redirect(url_for("plans.show", studio_id=studio.id, plan_id=plan.id) + "#comments")


@bp.route("/<int:studio_id>/plans/<int:plan_id>/evidence", methods=["POST"])
@login_required
def add_evidence(studio_id, plan_id):
    studio = load_studio(studio_id)
    plan = load_object(GrowthPlan, plan_id, "can_edit", studio_id=studio.id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        raise RuleError(next((e for f in form for e in f.errors), _("Please check the form.")),
                        field="item")
    operations.add_evidence(plan, current_user, form.goal.data, form.item.data)
    db.session.commit()
    flash(_("The evidence has been linked."), "success")
    return redirect(url_for("plans.show", studio_id=studio.id, plan_id=plan.id) + "#evidence")


@bp.route("/<int:studio_id>/plans/<int:plan_id>/evidence/<int:evidence_id>/remove",
          methods=["POST"])
@login_required
def remove_evidence(studio_id, plan_id, evidence_id):
    studio = load_studio(studio_id)
    plan = load_object(GrowthPlan, plan_id, "can_edit", studio_id=studio.id)
    evidence = load_object(PlanEvidence, evidence_id, None, plan_id=plan.id)
    operations.remove_evidence(plan, current_user, evidence)
    db.session.commit()
    flash(_("The evidence has been unlinked."), "success")
    return redirect(url_for("plans.show", studio_id=studio.id, plan_id=plan.id) + "#evidence")
