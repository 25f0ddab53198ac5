"""Progress views (owner: part D). PLACEHOLDER views to be replaced by part D."""
from flask import render_template
from flask_login import current_user, login_required

from blueprints.courses import bp, office_bp
from studio.security import admin_required, load_studio


@bp.route("/<int:studio_id>/courses/progress")
@login_required
def progress(studio_id):
    studio = load_studio(studio_id)
    return render_template("courses/_placeholder.html", heading=studio.name)


@office_bp.route("/courses/completion")
@login_required
@admin_required
def completion():
    return render_template("courses/_placeholder.html", heading="completion")
