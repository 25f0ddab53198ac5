"""A lecture's video and a reading's PDF (part A), served with HTTP Range to whoever may see
the module: in a studio (``CourseModule.can_view_in``), or in the office pages
(``CourseModule.can_preview``)."""
from flask import abort
from flask_login import current_user, login_required

from blueprints.courses import bp, office_bp
from models.course import CourseModule
from studio.security import admin_required, load_object, load_studio, require
from studio.storage import send_stored

MODULE = "/courses/<int:course_id>/modules/<int:module_id>"


def _studio_module(studio_id, course_id, module_id):
    studio = load_studio(studio_id)
    module = load_object(CourseModule, module_id, check=None, course_id=course_id)
    require(module.can_view_in(studio, current_user))
    return module


def _office_module(course_id, module_id):
    return load_object(CourseModule, module_id, "can_preview", course_id=course_id)


def _send(stored):
    if stored is None:
        abort(404)
    return send_stored(stored)


def _framed(response):
    """A reading's PDF is shown in a frame of the module's own page: this site may frame it
    (the site-wide headers forbid every frame)."""
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


@bp.route(f"/<int:studio_id>{MODULE}/video", endpoint="video")
@login_required
def studio_video(studio_id, course_id, module_id):
    return _send(_studio_module(studio_id, course_id, module_id).video)


@bp.route(f"/<int:studio_id>{MODULE}/document", endpoint="document")
@login_required
def studio_document(studio_id, course_id, module_id):
    return _framed(_send(_studio_module(studio_id, course_id, module_id).document))


@office_bp.route(f"{MODULE}/video", endpoint="video")
@login_required
@admin_required
def office_video(course_id, module_id):
    return _send(_office_module(course_id, module_id).video)


@office_bp.route(f"{MODULE}/document", endpoint="document")
@login_required
@admin_required
def office_document(course_id, module_id):
    return _framed(_send(_office_module(course_id, module_id).document))
