from flask import jsonify, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from blueprints.main import bp
from studio.extensions import db, limiter


@bp.route("/")
@login_required
def index():
    """Send each person where their work is: the admin to the studio list, a member of one
    studio to its home page, a member of several to the choice of studio."""
    if current_user.is_admin:
        return redirect(url_for("admin.index"))
    studios = current_user.studios
    if len(studios) == 1:
        return redirect(url_for("studios.home", studio_id=studios[0].id))
    return redirect(url_for("studios.index"))


@bp.route("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as error:  # the point of the check: report, do not raise
        db.session.rollback()
        return jsonify(status="error", database="unavailable", detail=type(error).__name__), 503
    return jsonify(status="ok", database=database, dialect=db.engine.dialect.name)
