"""The course library (owner: part A). PLACEHOLDER views to be replaced by part A."""
from flask import render_template
from flask_login import current_user, login_required

from blueprints.courses import bp, office_bp
from models.course import Course
from studio.security import admin_required, load_object, load_studio, require


@bp.route("/<int:studio_id>/courses")
@login_required
def index(studio_id):
    studio = load_studio(studio_id)
    return render_template("courses/_placeholder.html", heading=studio.name)


@bp.route("/<int:studio_id>/courses/<int:course_id>")
@login_required
def show(studio_id, course_id):
    studio = load_studio(studio_id)
    course = load_object(Course, course_id, check=None)
    require(course.can_view_in(studio, current_user))
    return render_template("courses/_placeholder.html", heading=course.title)


@office_bp.route("/courses")
@login_required
@admin_required
def library():
    return render_template("courses/_placeholder.html", heading="courses")
