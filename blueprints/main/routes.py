from flask import current_app, jsonify, redirect, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from blueprints.main import bp
from studio import discard_session
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
    """For the load balancer and monitoring; it never loads the user. The database down: 503
    (nothing works). Redis down (when configured): 200 "degraded", since pages keep working
    with per-process rate limits and only live discussion across processes suffers; taking
    every worker out of the balancer would be worse. Either way the answer names what failed."""
    checks = {"database": _check_database()}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _check_redis(current_app.config["REDIS_URL"])
    failed = {name: detail for name, detail in checks.items() if detail != "ok"}
    body = {name: ("ok" if detail == "ok" else "unavailable") for name, detail in checks.items()}
    if "database" in failed:
        response = jsonify(status="error", failed=sorted(failed), detail=failed, **body)
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response
    if failed:
        return jsonify(status="degraded", failed=sorted(failed), detail=failed,
                       dialect=db.engine.dialect.name, **body)
    return jsonify(status="ok", dialect=db.engine.dialect.name, **body)


def _check_database():
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:  # the point of the check: report, do not raise
        discard_session()
        return type(error).__name__


def _check_redis(url):
    import redis
    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    except Exception as error:
        return type(error).__name__


@bp.route("/favicon.ico")
@limiter.exempt
def favicon():
    """The site icon, for browsers that ask for /favicon.ico whatever the page links to."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=7 * 24 * 3600)
