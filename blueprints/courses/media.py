"""A module's files (owner: part A; this minimal version lets part B's pages play and show
them until part A's replaces it at the merge)."""
from flask import abort
from flask_login import current_user, login_required

from blueprints.courses import bp
from models.course import CourseModule
from studio import storage
from studio.security import load_object, load_studio, require

MODULE_URL = "/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>"


def _module(studio_id, course_id, module_id):
    studio = load_studio(studio_id)
    module = load_object(CourseModule, module_id, check=None, course_id=course_id)
    require(module.can_view_in(studio, current_user))
    return module


@bp.route(MODULE_URL + "/video")
@login_required
def video(studio_id, course_id, module_id):
    """The lecture's recording, with HTTP Range (the player seeks)."""
    module = _module(studio_id, course_id, module_id)
    if module.video is None:
        abort(404)
    return storage.send_stored(module.video)


@bp.route(MODULE_URL + "/document")
@login_required
def document(studio_id, course_id, module_id):
    """The reading's PDF, shown in a frame of the module's own page."""
    module = _module(studio_id, course_id, module_id)
    if module.document is None:
        abort(404)
    response = storage.send_stored(module.document)
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response
