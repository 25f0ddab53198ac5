"""Quizzes (owner: part C). PLACEHOLDER view to be replaced by part C."""
from flask import render_template
from flask_login import current_user, login_required

from blueprints.courses import bp
from models.course import CourseModule
from studio.security import load_object, load_studio, require


@bp.route("/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/quiz")
@login_required
def quiz(studio_id, course_id, module_id):
    studio = load_studio(studio_id)
    module = load_object(CourseModule, module_id, check=None, course_id=course_id)
    require(module.kind == "quiz" and module.can_view_in(studio, current_user))
    return render_template("courses/_placeholder.html", heading=module.title)
