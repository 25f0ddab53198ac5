"""Authoring courses (part A), for a studio's own courses (/studios/<id>/courses/...) and the
offices' courses (/admin/courses/...): one view function per page, shared by the two routes
through ``Place``; ``Course.can_edit`` decides who may."""
from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from blueprints.courses import authoring_operations as ops
from blueprints.courses import bp, office_bp
from blueprints.courses.forms import MODULE_FORMS, CourseForm
from blueprints.courses.library_place import Place
from models.course import Course, CourseModule
from studio import storage
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import COURSE_CATEGORY_LABELS, all_labels
from studio.security import admin_required, load_object, load_studio, require

STUDIO = "/<int:studio_id>/courses"
OFFICE = "/courses"


def _studio_course(studio_id, course_id):
    studio = load_studio(studio_id)
    return Place(studio), load_object(Course, course_id, "can_edit", studio_id=studio.id)


def _office_course(course_id):
    return Place(), load_object(Course, course_id, "can_edit", studio_id=None)


def _module(course, module_id):
    return load_object(CourseModule, module_id, check=None, course_id=course.id)


# --- the course form ------------------------------------------------------------------------
@bp.route(f"{STUDIO}/new", methods=["GET", "POST"], endpoint="new_course")
@login_required
def new_studio_course(studio_id):
    studio = load_studio(studio_id)
    require(Course.can_create_in(studio, current_user))
    return course_form(Place(studio))


@office_bp.route(f"{OFFICE}/new", methods=["GET", "POST"], endpoint="new_course")
@login_required
@admin_required
def new_office_course():
    require(Course.can_create_office(current_user))
    return course_form(Place())


@bp.route(f"{STUDIO}/<int:course_id>/edit", methods=["GET", "POST"], endpoint="edit_course")
@login_required
def edit_studio_course(studio_id, course_id):
    return course_form(*_studio_course(studio_id, course_id))


@office_bp.route(f"{OFFICE}/<int:course_id>/edit", methods=["GET", "POST"],
                 endpoint="edit_course")
@login_required
@admin_required
def edit_office_course(course_id):
    return course_form(*_office_course(course_id))


def course_form(place, course=None):
    form = CourseForm()
    if request.method == "GET" and course is not None:
        form.title.data, form.category.data = course.title, course.category
        form.summary.data = course.summary
    if form.validate_on_submit():
        if course is None:
            course = ops.create_course(current_user, form.fields(), place.studio)
            message = _("The course has been created as a draft. Add its modules, then publish it.")
        else:
            ops.update_course(course, current_user, form.fields())
            message = _("The course has been saved.")
        db.session.commit()
        flash(message, "success")
        return redirect(place.url("show", course_id=course.id))
    return render_template("courses/course_form.html", place=place, studio=place.studio,
                           form=form, course=course, category_labels=COURSE_CATEGORY_LABELS), \
        (400 if request.method == "POST" else 200)


# --- publish, archive -----------------------------------------------------------------------
@bp.route(f"{STUDIO}/<int:course_id>/publish", methods=["POST"], endpoint="publish")
@login_required
def publish_studio_course(studio_id, course_id):
    return _course_action(*_studio_course(studio_id, course_id), ops.publish_course,
                          _("The course has been published."))


@office_bp.route(f"{OFFICE}/<int:course_id>/publish", methods=["POST"], endpoint="publish")
@login_required
@admin_required
def publish_office_course(course_id):
    return _course_action(*_office_course(course_id), ops.publish_course,
                          _("The course has been published."))


@bp.route(f"{STUDIO}/<int:course_id>/archive", methods=["POST"], endpoint="archive")
@login_required
def archive_studio_course(studio_id, course_id):
    return _course_action(*_studio_course(studio_id, course_id), ops.archive_course,
                          _("The course has been archived."))


@office_bp.route(f"{OFFICE}/<int:course_id>/archive", methods=["POST"], endpoint="archive")
@login_required
@admin_required
def archive_office_course(course_id):
    return _course_action(*_office_course(course_id), ops.archive_course,
                          _("The course has been archived."))


def _course_action(place, course, operation, done, target=None):
    """Run ``operation`` on the course (or ``target``, a module of it) and come back to the
    course's page, with the refusal's reason when the rules refuse it."""
    try:
        operation(target if target is not None else course, current_user)
        db.session.commit()
        flash(done, "success")
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "warning")
    return redirect(place.url("show", course_id=course.id))


# --- modules --------------------------------------------------------------------------------
@bp.route(f"{STUDIO}/<int:course_id>/modules/new", methods=["GET", "POST"], endpoint="new_module")
@login_required
def new_studio_module(studio_id, course_id):
    return module_form(*_studio_course(studio_id, course_id))


@office_bp.route(f"{OFFICE}/<int:course_id>/modules/new", methods=["GET", "POST"],
                 endpoint="new_module")
@login_required
@admin_required
def new_office_module(course_id):
    return module_form(*_office_course(course_id))


@bp.route(f"{STUDIO}/<int:course_id>/modules/<int:module_id>/edit", methods=["GET", "POST"],
          endpoint="edit_module")
@login_required
def edit_studio_module(studio_id, course_id, module_id):
    place, course = _studio_course(studio_id, course_id)
    return module_form(place, course, _module(course, module_id))


@office_bp.route(f"{OFFICE}/<int:course_id>/modules/<int:module_id>/edit",
                 methods=["GET", "POST"], endpoint="edit_module")
@login_required
@admin_required
def edit_office_module(course_id, module_id):
    place, course = _office_course(course_id)
    return module_form(place, course, _module(course, module_id))


def _chosen(data):
    return isinstance(data, FileStorage) and bool(data.filename)


def _fill(form, module):
    form.title.data, form.hours.data = module.title, module.hours
    if module.kind == "lecture":
        form.duration.data = module.duration_seconds
    elif module.kind == "reading":
        form.body.data, form.minutes.data = module.body, max(1, module.min_seconds // 60)
    else:
        form.draw_count.data, form.pass_mark.data = module.draw_count, module.pass_mark
        form.max_attempts.data = module.max_attempts


def _uploads(form, kind, stored):
    """Store the chosen video or PDF; each stored file goes to ``stored`` at once, so that a
    refusal after it can discard it."""
    video = document = None
    if kind == "lecture" and _chosen(form.video.data):
        video = storage.store_upload(form.video.data, "video", current_user)
        stored.append(video)
    if kind == "reading" and _chosen(form.document.data):
        document = storage.store_upload(form.document.data, "document", current_user)
        stored.append(document)
        if document.mimetype != "application/pdf":
            raise RuleError(_("%(name)s is not a PDF. Please upload the reading as a PDF.",
                              name=form.document.data.filename), field="document")
    return video, document


def module_form(place, course, module=None):
    kind = module.kind if module is not None else request.values.get("kind", "lecture")
    if kind not in MODULE_FORMS:
        abort(400)
    form = MODULE_FORMS[kind]()
    form.kind.data = kind
    if request.method == "GET" and module is not None:
        _fill(form, module)
    if form.validate_on_submit():
        stored = []
        try:
            video, document = _uploads(form, kind, stored)
            duration = form.duration.data if kind == "lecture" else None
            if module is None:
                ops.add_module(course, current_user, kind, form.fields(), video, document,
                               duration)
            else:
                ops.update_module(module, current_user, form.fields(), video, document, duration)
            db.session.commit()
            flash(_("The module has been saved."), "success")
            return redirect(place.url("show", course_id=course.id))
        except RuleError as error:
            db.session.rollback()
            storage.discard_unreferenced(stored)
            getattr(form, error.field or "title").errors.append(str(error.message))
        except Exception:  # e.g. 413 for a file too large: nothing is kept either
            db.session.rollback()
            storage.discard_unreferenced(stored)
            raise
    return render_template("courses/module_form.html", place=place, studio=place.studio,
                           course=course, module=module, form=form, kind=kind,
                           **all_labels()), (400 if request.method == "POST" else 200)


@bp.route(f"{STUDIO}/<int:course_id>/modules/<int:module_id>/move", methods=["POST"],
          endpoint="move_module")
@login_required
def move_studio_module(studio_id, course_id, module_id):
    place, course = _studio_course(studio_id, course_id)
    return _move(place, course, _module(course, module_id))


@office_bp.route(f"{OFFICE}/<int:course_id>/modules/<int:module_id>/move", methods=["POST"],
                 endpoint="move_module")
@login_required
@admin_required
def move_office_module(course_id, module_id):
    place, course = _office_course(course_id)
    return _move(place, course, _module(course, module_id))


def _move(place, course, module):
    step = {"up": -1, "down": 1}.get(request.form.get("direction"))
    if step is None:
        abort(400)
    ops.move_module(module, current_user, step)
    db.session.commit()
    return redirect(place.url("show", course_id=course.id))


@bp.route(f"{STUDIO}/<int:course_id>/modules/<int:module_id>/remove", methods=["POST"],
          endpoint="remove_module")
@login_required
def remove_studio_module(studio_id, course_id, module_id):
    place, course = _studio_course(studio_id, course_id)
    return _course_action(place, course, ops.remove_module, _("The module has been removed."),
                          _module(course, module_id))


@office_bp.route(f"{OFFICE}/<int:course_id>/modules/<int:module_id>/remove", methods=["POST"],
                 endpoint="remove_module")
@login_required
@admin_required
def remove_office_module(course_id, module_id):
    place, course = _office_course(course_id)
    return _course_action(place, course, ops.remove_module, _("The module has been removed."),
                          _module(course, module_id))
