"""The region tree pages (/admin/regions): the platform office edits and imports the tree;
a region's office reads its own part of it."""
import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from blueprints.admin import bp
from blueprints.admin import region_import, region_operations as ops
from blueprints.admin.forms import (MoveRegionForm, RegionForm, RegionImportForm,
                                    RenameRegionForm)
from models import Region
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_id
from studio.labels import REGION_LEVEL_LABELS
from studio.security import admin_required, require


def _platform():
    require(ops.is_platform_office(current_user))


def _region_or_404(region_id):
    region = db.session.get(Region, region_id)
    if region is None:
        abort(404)
    return region


def _parent(form):
    value = form.parent_id.data
    if not value:
        return None
    region_id = parse_id(value)
    region = db.session.get(Region, region_id) if region_id is not None else None
    if region is None:
        raise RuleError(_("Please choose a region from the list."), "parent_id")
    return region


def _tree_page(form=None, status=200, error=None):
    editable = ops.is_platform_office(current_user)
    form = form or RegionForm()
    form.parent_id.choices = ops.choices(current_user, _("(top level)"))
    return render_template("admin/regions.html", rows=ops.tree(current_user), form=form,
                           editable=editable, error=error, level_labels=REGION_LEVEL_LABELS,
                           parent_choices=form.parent_id.choices), status


@bp.route("/regions")
@admin_required
def regions():
    return _tree_page()


@bp.route("/regions", methods=["POST"])
@admin_required
def add_region():
    _platform()
    form = RegionForm()
    form.parent_id.choices = ops.choices(current_user, "")
    if form.validate_on_submit():
        try:
            region = ops.add_region(form.name.data, form.level.data, _parent(form),
                                    form.code.data, current_user)
            db.session.commit()
            flash(_("%(name)s has been added.", name=region.full_name), "success")
            return redirect(url_for("admin.regions"))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(str(error.message))
    return _tree_page(form, 400)


def _change(region_id, form_class, change):
    _platform()
    region = _region_or_404(region_id)
    form = form_class()
    if not form.validate_on_submit():
        return _tree_page(status=400, error=next(iter(
            e for errors in form.errors.values() for e in errors), _("Please check the form.")))
    try:
        change(region, form)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        return _tree_page(status=409 if error.field is None else 400, error=str(error.message))
    flash(_("The region tree has been saved."), "success")
    return redirect(url_for("admin.regions"))


@bp.route("/regions/<int:region_id>/rename", methods=["POST"])
@admin_required
def rename_region(region_id):
    return _change(region_id, RenameRegionForm, lambda region, form: ops.rename_region(
        region, form.name.data, form.code.data, current_user))


@bp.route("/regions/<int:region_id>/move", methods=["POST"])
@admin_required
def move_region(region_id):
    return _change(region_id, MoveRegionForm, lambda region, form: ops.move_region(
        region, _parent(form), current_user))


@bp.route("/regions/<int:region_id>/delete", methods=["POST"])
@admin_required
def delete_region(region_id):
    return _change(region_id, FlaskForm, lambda region, form: ops.delete_region(
        region, current_user))


@bp.route("/regions/import", methods=["GET", "POST"])
@admin_required
def import_regions():
    _platform()
    form = RegionImportForm()
    rows, error = None, None
    if form.validate_on_submit():
        try:
            rows = region_import.check_regions(region_import.read_regions(form.file.data.read()))
        except RuleError as problem:
            error = str(problem.message)
    bad = request.method == "POST" and (rows is None or any(r["problems"] for r in rows))
    return render_template("admin/regions_import.html", form=form, rows=rows, error=error,
                           level_labels=REGION_LEVEL_LABELS,
                           payload=json.dumps(rows, ensure_ascii=False) if rows else ""), \
        (400 if bad else 200)


@bp.route("/regions/import/confirm", methods=["POST"])
@admin_required
def confirm_region_import():
    _platform()
    try:
        rows = json.loads(request.form.get("rows") or "[]")
        assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
    except (ValueError, AssertionError):
        abort(400, description=_("Please upload the file again."))
    changed = region_import.apply_regions(rows, current_user)  # a RuleError answers 409
    db.session.commit()
    flash(_("%(n)s regions have been added or changed.", n=changed), "success")
    return redirect(url_for("admin.regions"))


@bp.route("/regions/template.csv")
@admin_required
def regions_template():
    return Response("\ufeff" + region_import.TEMPLATE_CSV, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=regions-template.csv"})
