from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.observations import bp, operations
from blueprints.observations.forms import DeleteForm, ObservationForm, ObservationRulesForm
from models.observation import Observation
from studio.dates import studio_today
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import optional_id, parse_page
from studio.labels import all_labels
from studio.security import load_object, load_studio

PER_PAGE = 50


@bp.route("/<int:studio_id>/observations")
@login_required
def index(studio_id):
    """The observations the user may see, newest first, with their own count this term."""
    studio = load_studio(studio_id)
    page = parse_page(request.args.get("page"))
    rows = db.session.execute(
        Observation.visible_to(studio, current_user)
        .order_by(Observation.observed_on.desc(), Observation.id.desc())
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).scalars().all()
    first, last, term = operations.current_term(studio)
    mine = operations.counts_this_term(studio, [current_user.id]).get(current_user.id, 0)
    rules_form = ObservationRulesForm(obj=studio)
    return render_template("observations/index.html", studio=studio, observations=rows[:PER_PAGE],
                           has_next=len(rows) > PER_PAGE, page=page, mine=mine,
                           target=studio.observation_target(current_user.role_in(studio)),
                           term=term, term_first=first, term_last=last, rules_form=rules_form,
                           can_create=Observation.can_create(studio, current_user),
                           **all_labels())


@bp.route("/<int:studio_id>/observations/new", methods=["GET", "POST"])
@login_required
def new(studio_id):
    """Record an observation; ``?case=<id>`` logs a lesson case of the studio (pre-filled)."""
    studio = load_studio(studio_id, "can_take_part")
    form = ObservationForm()
    case = operations.linkable_case(studio, current_user,
                                    optional_id(request.args.get("case") or form.case_id.data))
    if request.method == "GET":
        form.observed_on.data = studio_today(studio)
        if case is not None:
            form.case_id.data = str(case.id)
            form.teacher.data, form.subject.data = case.author.name, case.subject
            form.grade.data, form.topic.data = case.grade, case.topic or case.title
            form.school.data = case.author.school
    if form.validate_on_submit():
        try:
            made = operations.record_observation(studio, current_user, form.fields(), case)
            db.session.commit()
            flash(_("The observation has been recorded."), "success")
            return redirect(url_for("observations.show", studio_id=studio.id,
                                    observation_id=made.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "topic").errors.append(str(error.message))
    return render_template("observations/form.html", studio=studio, form=form, case=case,
                           observation=None, **all_labels()), \
        (400 if request.method == "POST" else 200)


@bp.route("/<int:studio_id>/observations/<int:observation_id>")
@login_required
def show(studio_id, observation_id):
    studio = load_studio(studio_id)
    observation = load_object(Observation, observation_id, studio_id=studio.id)
    return render_template("observations/show.html", studio=studio, observation=observation,
                           delete_form=DeleteForm(), **all_labels())


@bp.route("/<int:studio_id>/observations/<int:observation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(studio_id, observation_id):
    studio = load_studio(studio_id)
    observation = load_object(Observation, observation_id, "can_edit", studio_id=studio.id)
    form = ObservationForm(obj=observation)
    if form.validate_on_submit():
        try:
            operations.change_observation(observation, current_user, form.fields())
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("observations.show", studio_id=studio.id,
                                    observation_id=observation.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "topic").errors.append(str(error.message))
    return render_template("observations/form.html", studio=studio, form=form,
                           case=observation.case, observation=observation, **all_labels()), \
        (400 if request.method == "POST" else 200)


@bp.route("/<int:studio_id>/observations/<int:observation_id>/delete", methods=["POST"])
@login_required
def delete(studio_id, observation_id):
    studio = load_studio(studio_id)
    observation = load_object(Observation, observation_id, "can_delete", studio_id=studio.id)
    operations.remove_observation(observation, current_user)
    db.session.commit()
    flash(_("The observation has been removed."), "success")
    return redirect(url_for("observations.index", studio_id=studio.id))


@bp.route("/<int:studio_id>/observations/rules", methods=["POST"])
@login_required
def rules(studio_id):
    """The master sets the targets per term and the hours per observation."""
    studio = load_studio(studio_id, "can_set_observation_rules")
    form = ObservationRulesForm()
    if not form.validate_on_submit():
        field = next((f for f in form if f.errors), None)
        raise RuleError(field.errors[0] if field else _("Please check the form."),
                        field=field.name if field else None)
    operations.set_observation_rules(studio, current_user, form.observation_target_backbone.data,
                                     form.observation_target_new_teacher.data,
                                     form.observation_hours.data)
    db.session.commit()
    flash(_("The observation targets have been saved."), "success")
    return redirect(url_for("observations.index", studio_id=studio.id))
