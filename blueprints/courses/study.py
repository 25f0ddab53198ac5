"""Studying a module (owner: part B). PLACEHOLDER view to be replaced by part B."""
from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from blueprints.courses import bp
from models.course import CourseModule
from studio.security import load_object, load_studio, require


@bp.route("/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>")
@login_required
def module(studio_id, course_id, module_id):
    studio = load_studio(studio_id)
    module = load_object(CourseModule, module_id, check=None, course_id=course_id)
    require(module.can_view_in(studio, current_user))
    if module.kind == "quiz":
        return redirect(url_for("courses.quiz", studio_id=studio.id, course_id=course_id,
                                module_id=module.id))
    return render_template("courses/_placeholder.html", heading=module.title)
