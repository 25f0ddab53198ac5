from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from blueprints.admin import bp, operations
from blueprints.admin import region_operations as regions
from blueprints.admin.forms import (AppointMasterForm, ImportForm, InitialPasswordForm,
                                    OfficeForm, ScopeForm, StudioForm)
from blueprints.auth import operations as account_ops
from blueprints.studios import operations as studio_ops
from models import ImportBatch, LessonCase, Membership, Region, Studio, User
from models.audit import record
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_id
from studio.labels import ROLE_LABELS, STAGE_LABELS, STATUS_LABELS, all_labels
from studio.security import admin_required, load_object, load_studio, require


@bp.route("/")
@admin_required
def index():
    """The studios in the office's scope with their member counts (a fixed number of queries
    whatever the number of studios), and the masters' practice cases waiting for the office's
    review (one query)."""
    studios = db.session.execute(
        select(Studio).where(Studio.overseen_by(current_user)).order_by(Studio.created_at)
        .options(joinedload(Studio.region_node))).scalars().all()
    counts = {}
    for studio_id, role, n in db.session.execute(
            select(Membership.studio_id, Membership.role, func.count())
            .where(Membership.active.is_(True),
                   Membership.studio_id.in_(select(Studio.id)
                                            .where(Studio.overseen_by(current_user))))
            .group_by(Membership.studio_id, Membership.role)):
        counts.setdefault(studio_id, {})[role] = n
    to_review = db.session.execute(LessonCase.review_queue(current_user)
                                   .options(joinedload(LessonCase.studio))).scalars().all()
    return render_template("admin/index.html", studios=studios, counts=counts,
                           to_review=to_review, stage_labels=STAGE_LABELS,
                           status_labels=STATUS_LABELS, **all_labels())


@bp.route("/studios/new", methods=["GET", "POST"])
@admin_required
def new_studio():
    form = StudioForm(region_choices=regions.choices(current_user))
    if form.validate_on_submit():
        studio = Studio()
        form.populate_obj(studio)
        studio.name = studio.name.strip()
        db.session.add(studio)
        db.session.flush()
        record("studio_created", actor=current_user, studio=studio, target=studio)
        db.session.commit()
        flash(_("The studio has been created. Next, appoint its master teacher."), "success")
        return redirect(url_for("admin.appoint_master", studio_id=studio.id))
    return render_template("admin/studio_form.html", form=form, studio=None), \
        (400 if request.method == "POST" else 200)


@bp.route("/studios/<int:studio_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_studio(studio_id):
    studio = load_studio(studio_id, "can_edit")
    form = StudioForm(studio=studio, region_choices=regions.choices(current_user))
    if form.validate_on_submit():
        form.populate_obj(studio)
        record("studio_edited", actor=current_user, studio=studio, target=studio)
        db.session.commit()
        flash(_("The studio has been saved."), "success")
        return redirect(url_for("admin.index"))
    return render_template("admin/studio_form.html", form=form, studio=studio), \
        (400 if request.method == "POST" else 200)


@bp.route("/studios/<int:studio_id>/master", methods=["GET", "POST"])
@admin_required
def appoint_master(studio_id):
    studio = load_studio(studio_id, "can_edit")
    form = AppointMasterForm()
    if form.validate_on_submit():
        user = db.session.execute(
            select(User).where(User.username == form.username.data.strip())).scalar_one_or_none()
        if user is None:
            form.username.errors.append(_("No account has this username. Import the master "
                                          "with the member list, or check the spelling."))
        elif studio.master is not None and studio.master.id != user.id \
                and not form.confirm.data:
            form.confirm.errors.append(_("Please confirm that %(name)s stops being the master.",
                                         name=studio.master.name))
        else:
            try:
                studio_ops.appoint_master(studio, user, current_user,
                                          keep_old=form.keep_old_master.data)
                db.session.commit()
                flash(_("%(name)s is now the master of %(studio)s.", name=user.name,
                        studio=studio.name), "success")
                return redirect(url_for("admin.index"))
            except RuleError as error:
                db.session.rollback()
                getattr(form, error.field or "username").errors.append(str(error.message))
    return render_template("admin/appoint_master.html", form=form, studio=studio,
                           master=studio.master), (400 if request.method == "POST" else 200)


@bp.route("/studios/<int:studio_id>/import", methods=["GET", "POST"])
@admin_required
def import_members(studio_id):
    studio = load_studio(studio_id, "can_import")
    form = ImportForm()
    rows, batch, error = None, None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows, batch = operations.preview_import(studio, upload.filename or "", upload.read(),
                                                    form.initial_password.data, current_user)
            db.session.commit()
        except RuleError as problem:
            db.session.rollback()
            error = str(problem.message)
    status = 400 if request.method == "POST" and batch is None else 200
    return render_template("admin/import.html", form=form, studio=studio, rows=rows,
                           batch=batch, error=error, counts=studio.role_counts(),
                           role_labels=ROLE_LABELS), status


@bp.route("/studios/<int:studio_id>/import/<int:batch_id>/confirm", methods=["POST"])
@admin_required
def confirm_import(studio_id, batch_id):
    studio = load_studio(studio_id, "can_import")
    batch = load_object(ImportBatch, batch_id, None, studio_id=studio.id)
    count = operations.apply_import(batch, current_user)  # a RuleError answers 409
    db.session.commit()
    flash(_("%(n)s members have been imported.", n=count), "success")
    return redirect(url_for("studios.roster", studio_id=studio.id))


@bp.route("/import-template.csv")
@admin_required
def import_template():
    return Response("\ufeff" + operations.TEMPLATE_CSV, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=members-template.csv"})


@bp.route("/users")
@admin_required
def users():
    query = (request.args.get("q") or "").strip()
    stmt = select(User).where(regions.accounts_overseen(current_user)).order_by(
        User.username).limit(50).options(db.selectinload(User.memberships),
                                         joinedload(User.region))
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.name.ilike(like),
                              User.school.ilike(like)))
    found = db.session.execute(stmt).scalars().all()
    return _users_page(found, query)


def _users_page(found, query, office_form=None, status=200):
    region_choices = regions.choices(current_user)
    if regions.is_platform_office(current_user):
        region_choices = [("", _("Platform office (every region)"))] + region_choices
    office_form = office_form or OfficeForm()
    office_form.region_id.choices = region_choices
    return render_template("admin/users.html", users=found, query=query,
                           password_form=InitialPasswordForm(), office_form=office_form,
                           region_choices=region_choices), status


def _region_from(value):
    """The region a form names (None for the platform office); 400 for nonsense."""
    if not value:
        return None
    region_id = parse_id(value)
    region = db.session.get(Region, region_id) if region_id is not None else None
    if region is None:
        abort(400, description=_("Please choose a region from the list."))
    return region


@bp.route("/users/offices", methods=["POST"])
@admin_required
def create_office():
    form = OfficeForm()
    form.region_id.choices = regions.choices(current_user, "")
    if form.validate_on_submit():
        try:
            user = regions.create_office(current_user, form.name.data, form.username.data,
                                         _region_from(form.region_id.data), form.password.data)
            db.session.commit()
            flash(_("The office account %(name)s has been created.", name=user.name), "success")
            return redirect(url_for("admin.users", q=user.username))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "username").errors.append(str(error.message))
    return _users_page([], "", form, 400)


@bp.route("/users/<int:user_id>/region", methods=["POST"])
@admin_required
def set_office_region(user_id):
    user = _user_or_404(user_id)
    form = ScopeForm()
    if not form.validate_on_submit():
        abort(400, description=_("Please choose a region from the list."))
    regions.set_scope(current_user, user, _region_from(form.region_id.data))
    db.session.commit()
    flash(_("%(name)s now oversees %(region)s.", name=user.name,
            region=user.region.full_name if user.region else _("every region")), "success")
    return redirect(url_for("admin.users", q=user.username))


def _user_or_404(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    require(regions.can_manage_account(current_user, user))
    return user


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def set_initial_password(user_id):
    user = _user_or_404(user_id)
    form = InitialPasswordForm()
    if not form.validate_on_submit():
        message = next(iter(form.password.errors), _("Please set an initial password."))
        abort(400, description=str(message))
    account_ops.set_initial_password(user, form.password.data, current_user)
    db.session.commit()
    flash(_("A new initial password is set for %(name)s; they must change it at their next "
            "login.", name=user.name), "success")
    return redirect(url_for("admin.users", q=user.username))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def toggle_active(user_id):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        abort(409, description=_("You cannot deactivate your own account."))
    account_ops.set_active(user, not user.active, current_user)
    db.session.commit()
    flash(_("%(name)s can log in again.", name=user.name) if user.active
          else _("%(name)s has been deactivated and logged out everywhere.", name=user.name),
          "success")
    return redirect(url_for("admin.users", q=user.username))
