"""The office's programmes: list, create, edit (thresholds, cap, name template, number
prefix) and the studios of its scope that follow each."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from blueprints.certification import bp, operations
from blueprints.certification.forms import ProgrammeForm, StudiosForm
from models.region import Programme
from models.studio import Studio
from studio.errors import RuleError
from studio.extensions import db
from studio.security import admin_required, load_object


@bp.route("/admin/programmes")
@admin_required
def programmes():
    rows = db.session.execute(Programme.managed_by(current_user)).scalars().all()
    counts = dict(db.session.execute(
        select(Studio.programme_id, func.count()).where(Studio.programme_id.is_not(None))
        .group_by(Studio.programme_id)).all())
    return render_template("certification/programmes.html", programmes=rows, counts=counts)


@bp.route("/admin/programmes/new", methods=["GET", "POST"])
@admin_required
def new_programme():
    form = ProgrammeForm(obj=Programme.defaults() if request.method == "GET" else None)
    return _save(form, None)


@bp.route("/admin/programmes/<int:programme_id>", methods=["GET", "POST"])
@admin_required
def edit_programme(programme_id):
    programme = load_object(Programme, programme_id, "can_manage")
    form = ProgrammeForm(obj=programme if request.method == "GET" else None)
    return _save(form, programme)


def _save(form, programme):
    if form.validate_on_submit():
        try:
            programme = operations.save_programme(programme, current_user, form.fields())
            db.session.commit()
            flash(_("The programme has been saved."), "success")
            return redirect(url_for("certification.edit_programme", programme_id=programme.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(str(error.message))
    return _form_page(form, programme, 400 if request.method == "POST" else 200)


def _form_page(form, programme, status):
    scope = (db.session.execute(select(Studio).where(Studio.overseen_by(current_user))
                                .order_by(Studio.name)).scalars().all()
             if programme is not None else [])
    return render_template("certification/programme_form.html", form=form, programme=programme,
                           scope=scope, studios_form=StudiosForm()), status


@bp.route("/admin/programmes/<int:programme_id>/studios", methods=["POST"])
@admin_required
def programme_studios(programme_id):
    programme = load_object(Programme, programme_id, "can_manage")
    form = StudiosForm()
    if not form.validate_on_submit():
        return _form_page(ProgrammeForm(obj=programme), programme, 400)
    operations.assign_studios(programme, current_user, form.studio_ids())
    db.session.commit()
    flash(_("The studios of the programme have been saved."), "success")
    return redirect(url_for("certification.edit_programme", programme_id=programme.id))
