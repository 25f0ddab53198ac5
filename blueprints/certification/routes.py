"""Certification pages: the studio's checklist and applications, one round (read, decide),
the certificate; the office's queue and its programmes."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.certification import bp, operations, readiness
from blueprints.certification.forms import ApplyForm, DecisionForm
from models.certification import Certification
from models.studio import Studio
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import CERTIFICATION_STATE_LABELS
from studio.security import admin_required, load_object, load_studio, require


@bp.route("/studios/<int:studio_id>/certification", methods=["GET", "POST"])
@login_required
def studio_page(studio_id):
    """The live checklist, every round, and the master's application form."""
    studio = load_studio(studio_id)
    require(Certification.may_follow(studio, current_user))
    rounds = operations.rounds_of(studio)
    form = ApplyForm()
    if request.method == "POST":
        _require_can_apply(studio, rounds)
        if form.validate_on_submit():
            try:
                operations.apply_for_certification(studio, current_user, form.report.data)
                db.session.commit()
                flash(_("Your application has been handed in to the office."), "success")
                return redirect(url_for("certification.studio_page", studio_id=studio.id))
            except RuleError as error:
                db.session.rollback()
                form.report.errors.append(str(error.message))
    elif rounds and rounds[0].state == "returned":
        form.report.data = rounds[0].report
    items = readiness.checklist(studio)
    return render_template("certification/studio.html", studio=studio, items=items,
                           rounds=rounds, form=form, labels=readiness.LABELS,
                           state_labels=CERTIFICATION_STATE_LABELS,
                           can_apply=operations.can_apply(studio, current_user, rounds)), \
        (400 if request.method == "POST" else 200)


def _require_can_apply(studio, rounds):
    """403 for anybody but the master; 409 with the reason for the master while a round
    waits or once the studio is certified."""
    require(current_user.role_in(studio) == "master")
    if not operations.can_apply(studio, current_user, rounds):
        abort(409, description=_("An application is already waiting for the office, or the "
                                 "studio is certified; there is nothing to apply for now."))


@bp.route("/studios/<int:studio_id>/certification/<int:certification_id>")
@login_required
def show(studio_id, certification_id):
    studio = load_studio(studio_id)
    application = load_object(Certification, certification_id, studio_id=studio.id)
    return _round_page(application, DecisionForm())


def _round_page(application, form, status=200):
    items = readiness.checklist(application.studio)
    return render_template("certification/show.html", studio=application.studio,
                           application=application, items=items, form=form,
                           labels=readiness.LABELS, state_labels=CERTIFICATION_STATE_LABELS,
                           ready=readiness.is_ready(items)), status


@bp.route("/studios/<int:studio_id>/certification/<int:certification_id>/decide",
          methods=["POST"])
@login_required
def decide(studio_id, certification_id):
    """The office returns the application with reasons, or certifies the studio."""
    studio = load_studio(studio_id)
    application = load_object(Certification, certification_id, "can_decide",
                              studio_id=studio.id)
    form = DecisionForm()
    decision = request.form.get("decision")
    if form.validate_on_submit() and decision in ("return", "certify"):
        try:
            if decision == "return":
                operations.return_application(application, current_user, form.reason.data)
            else:
                operations.certify_studio(application, current_user, form.reason.data,
                                          form.confirm_unmet.data)
            db.session.commit()
            flash(_("The studio has been certified.") if decision == "certify"
                  else _("The application has been returned with your reasons."), "success")
            return redirect(url_for("certification.show", studio_id=studio.id,
                                    certification_id=application.id))
        except RuleError as error:
            db.session.rollback()
            form.reason.errors.append(str(error.message))
    elif form.validate_on_submit():
        form.reason.errors.append(_("Please choose to return or to certify."))
    return _round_page(db.session.get(Certification, certification_id), form, 400)


@bp.route("/studios/<int:studio_id>/certificate")
@login_required
def certificate(studio_id):
    """The printable certificate: the studio's members and its overseeing offices."""
    studio = load_studio(studio_id)
    certified = db.session.execute(
        select(Certification).where(Certification.studio_id == studio.id,
                                    Certification.state == "certified")).scalar_one_or_none()
    if certified is None:
        abort(404)
    office = certified.decided_by.region.full_name if certified.decided_by.region else None
    return render_template("certification/certificate.html", studio=studio,
                           certified=certified, office=office)


@bp.route("/admin/certifications")
@admin_required
def queue():
    """The applications waiting in the office's scope, oldest first."""
    waiting = db.session.execute(Certification.pending(current_user)
                                 .options(joinedload(Certification.studio)
                                          .joinedload(Studio.region_node),
                                          joinedload(Certification.applied_by))).scalars().all()
    return render_template("certification/queue.html", waiting=waiting)
