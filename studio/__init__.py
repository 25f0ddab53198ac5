"""Mentor Studio: online master-teacher studios (名师网络工作室)."""
import os
import secrets
from urllib.parse import urlsplit

from flask import (Flask, flash, g, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from werkzeug.exceptions import HTTPException

from studio.config import BASE_DIR, INSTANCE_DIR, Config
from studio.errors import RuleError
from studio.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio


def create_app(config_class=Config):
    app = Flask(
        __name__,
        instance_path=INSTANCE_DIR,
        template_folder=os.path.join(BASE_DIR, "templates"),
        static_folder=os.path.join(BASE_DIR, "static"),
    )
    app.config.from_object(config_class)
    from studio.inputs import BoundedIntConverter
    app.url_map.converters["int"] = BoundedIntConverter  # ids past 2**31-1 are 404
    from studio.storage import StreamingRequest
    app.request_class = StreamingRequest
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = persistent_secret_key(app.instance_path)
    app.config["RATELIMIT_STORAGE_URI"] = Config.ratelimit_storage(app.config.get("REDIS_URL"))
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_FORM_BYTES"]
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    import models  # noqa: F401  (registers every model with SQLAlchemy)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(BASE_DIR, "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    from studio.storage import allow_large_uploads
    app.before_request(allow_large_uploads)  # must run before CSRF reads the form
    from studio.inputs import refuse_unstorable_text
    app.before_request(refuse_unstorable_text)  # after the size limit is set, before CSRF
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: None)
    limiter.init_app(app)
    import blueprints.chat.events  # noqa: F401  (handlers must exist before init_app binds them)
    if not app.config.get("SOCKETIO_CHANNEL"):
        import hashlib
        digest = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
        app.config["SOCKETIO_CHANNEL"] = f"mentor-studio-{digest}"
    # SocketIO keeps options between init_app calls: forget an earlier app's queue manager.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config.get("REDIS_URL"),
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=app.config["SOCKETIO_ALLOWED_ORIGINS"] or None,
        manage_session=False,
        ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
        ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
    )
    from studio import realtime
    realtime.init_app(app)
    configure_login()
    register_blueprints(app)
    register_hooks(app)
    from studio.dates import register_filters
    register_filters(app)
    register_error_pages(app)

    from studio import cli
    cli.register(app)
    return app


def persistent_secret_key(instance_path):
    """A random key generated once and kept in instance/, so sessions survive restarts."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path) as handle:
        return handle.read().strip()


def select_locale():
    from flask import current_app, has_request_context
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # With the database down the user cannot be loaded: the session's choice or the default.
    if not g.get(DATABASE_DOWN):
        try:
            if current_user and current_user.is_authenticated and current_user.locale in languages:
                return current_user.locale
        except DATABASE_ERRORS as error:
            if not is_database_outage(error):
                raise
            g.setdefault(DATABASE_DOWN, True)
    if session.get("locale") in languages:
        return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


DATABASE_DOWN = "database_unavailable"  # set on g once a request found the database down
DATABASE_ERRORS = (DBAPIError, SQLAlchemyTimeoutError)
RETRY_AFTER_SECONDS = 30


def is_database_outage(error):
    """A failure to reach the database (refused, dropped, timed out, locked), as opposed to
    a bad statement or a broken constraint, which are bugs or rule violations."""
    return (isinstance(error, (OperationalError, InterfaceError, SQLAlchemyTimeoutError))
            or getattr(error, "connection_invalidated", False))


def discard_session():
    """Roll back after a failed statement; if even that fails, throw the session away."""
    try:
        db.session.rollback()
    except DATABASE_ERRORS:
        db.session.remove()


def configure_login():
    from models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.unauthorized_handler
    def unauthorized():
        """A page needs a login: back to it afterwards. A post whose session has ended goes
        back to the page its form was on (the post's own URL takes no GET), where
        static/js/keep.js puts back what was typed."""
        from studio import keep
        keep.refuse()
        if request.method in ("GET", "HEAD"):
            return to_login(request.url, login_manager.login_message)
        return to_login(keep.form_page(), session_ended_message())

    @login_manager.user_loader
    def load_user(session_token):
        return db.session.execute(
            db.select(User).where(User.session_token == session_token)
        ).scalar_one_or_none()


def session_ended_message():
    message = _l("Your session has ended, so nothing was sent. Please log in again: you will "
                 "come back to the page you were on.")
    if request.form.get("kept"):  # static/js/keep.js kept the text in this browser
        kept = _l("What you typed is kept and will be put back.")
        return f"{message} {kept}"
    return message


def to_login(next_url, message):
    """Redirect to the login page (JSON with the login address for the upload form)."""
    from flask_login import login_url

    from studio import keep
    target = login_url("auth.login", next_url=next_url)
    if keep.is_xhr() or wants_json():
        return jsonify(error=str(message), login=target), 401
    flash(str(message), "info")
    return redirect(target)


def register_blueprints(app):
    from blueprints.activities import bp as activities_bp
    from blueprints.admin import bp as admin_bp
    from blueprints.calendar import bp as calendar_bp
    from blueprints.auth import bp as auth_bp
    from blueprints.main import bp as main_bp
    from blueprints.cases import bp as cases_bp
    from blueprints.hours import bp as hours_bp
    from blueprints.chat import bp as chat_bp
    from blueprints.threads import bp as threads_bp
    from blueprints.notifications import bp as notifications_bp
    from blueprints.studios import bp as studios_bp
    from blueprints.tasks import bp as tasks_bp
    from blueprints.observations import bp as observations_bp
    from blueprints.assessment import bp as assessment_bp
    from blueprints.plans import bp as plans_bp
    from blueprints.projects import bp as projects_bp
    from blueprints.certification import bp as certification_bp
    from blueprints.briefings import bp as briefings_bp, office_bp as briefings_office_bp
    from blueprints.archive import bp as archive_bp
    from blueprints.showcase import bp as showcase_bp
    from blueprints.dashboard import bp as dashboard_bp
    from blueprints.courses import bp as courses_bp, office_bp as courses_office_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(tasks_bp, url_prefix="/studios")
    app.register_blueprint(hours_bp, url_prefix="/studios")
    app.register_blueprint(cases_bp, url_prefix="/studios")
    app.register_blueprint(threads_bp, url_prefix="/studios")
    app.register_blueprint(chat_bp, url_prefix="/studios")
    app.register_blueprint(observations_bp, url_prefix="/studios")
    app.register_blueprint(assessment_bp, url_prefix="/studios")
    app.register_blueprint(plans_bp, url_prefix="/studios")
    app.register_blueprint(projects_bp, url_prefix="/studios")
    app.register_blueprint(briefings_bp, url_prefix="/studios")
    app.register_blueprint(briefings_office_bp, url_prefix="/admin")
    app.register_blueprint(activities_bp, url_prefix="/studios")
    app.register_blueprint(archive_bp, url_prefix="/studios")
    app.register_blueprint(calendar_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(studios_bp, url_prefix="/studios")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(certification_bp)
    app.register_blueprint(showcase_bp, url_prefix="/showcase")
    app.register_blueprint(dashboard_bp, url_prefix="/admin")
    app.register_blueprint(courses_bp, url_prefix="/studios")
    app.register_blueprint(courses_office_bp, url_prefix="/admin")


def register_hooks(app):
    from studio.security import enforce_password_change, set_security_headers

    from studio import keep
    app.before_request(enforce_password_change)
    app.after_request(set_security_headers)
    app.after_request(keep.note_accepted)

    @app.context_processor
    def inject_globals():
        from blueprints.notifications.operations import unread_count
        return {
            "unread_notifications": (unread_count(current_user)
                                     if current_user.is_authenticated else 0),
            "languages": app.config["LANGUAGES"],
            "current_locale": str(select_locale()),
            "current_studio": g.get("studio"),
            "keep_accepted": keep.accepted_path,
        }


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("This change was not made"),
    413: _l("The file is too large"),
    416: _l("This part of the file does not exist"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}


def wants_json():
    return (request.path.startswith("/api/") or request.endpoint == "main.healthz"
            or request.accept_mimetypes.best == "application/json")


def render_unavailable():
    """503 while the database is unreachable. Nothing here may touch the database: the page
    is rendered without the context processors (no current user, no unread count) and the
    locale comes from the session or the default."""
    g.setdefault(DATABASE_DOWN, True)
    login_manager._update_request_context_with_user()  # anonymous from here on
    message = _l("The service is temporarily unavailable. Your changes have not been saved "
                 "yet; please try again later.")
    if wants_json():
        response = jsonify(error=str(message), database="unavailable")
    else:
        from flask import current_app
        from flask_babel import get_locale
        template = current_app.jinja_env.get_template("unavailable.html")
        response = current_app.response_class(
            template.render(message=message, locale=str(get_locale())), mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register_error_pages(app):
    def render_error(code, message=None, **details):
        if wants_json():
            return jsonify(error=str(message or ERROR_TITLES.get(code, "")), **details), code
        return render_template("errors.html", code=code, title=ERROR_TITLES.get(code, ""),
                               message=message), code

    @app.errorhandler(RuleError)
    def rule_refused(error):
        """An operation refused a change: nothing of the request is kept. 400 when the input
        of one field was wrong, 409 when the change conflicts with the studio's state."""
        discard_session()
        if error.field:
            return render_error(400, error.message, field=error.field)
        return render_error(409, error.message)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(SQLAlchemyTimeoutError)
    def database_error(error):
        if not is_database_outage(error):
            raise error  # a bug, not an outage: the 500 page
        app.logger.error("database unavailable: %s", error)
        discard_session()
        return render_unavailable()

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """An expired form. With the session gone: log in, then back to the form's page;
        else back to that page, where static/js/keep.js puts the typed text back."""
        from studio import keep
        keep.refuse()
        page = keep.form_page()
        if page is not None and urlsplit(page).path == url_for("auth.login"):
            page = None
        if not current_user.is_authenticated:
            return to_login(page, session_ended_message())
        if page is None or not request.form.get("kept"):
            return render_error(400, _l("This form has expired. Please go back, reload the page "
                                        "and submit again; nothing has been saved yet."))
        message = _l("This page had expired, so nothing was sent. What you typed is back in "
                     "the form: check it and send it again.")
        if keep.is_xhr() or wants_json():  # the upload form: reload the page for a new token
            return jsonify(error=str(message), reload=page), 400
        flash(str(message), "warning")
        return redirect(page)

    @app.errorhandler(413)
    def too_large(error):
        if error.description != type(error).description:
            return render_error(413, error.description)
        limit = (request.max_content_length or app.config["MAX_FORM_BYTES"]) // (1024 * 1024)
        return render_error(413, _l("The upload is larger than the allowed %(mb)s MB.", mb=limit))

    @app.errorhandler(429)
    def too_many(error):
        return render_error(429, _l("Too many attempts. Please wait a minute and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        # A description given to abort() is a translated message meant for the user.
        custom = error.description if error.description != type(error).description else None
        body, code = render_error(error.code, custom)
        # Keep the headers the status needs (Allow for 405, Content-Range for 416, ...).
        extra = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, code, extra

    @app.errorhandler(500)
    def server_error(error):
        original = getattr(error, "original_exception", None)
        discard_session()
        if is_database_outage(original) or g.get(DATABASE_DOWN):
            return render_unavailable()
        try:
            return render_error(500, None)
        except DATABASE_ERRORS as failure:  # the page itself needs the user, found missing
            if not is_database_outage(failure):
                raise
            discard_session()
            return render_unavailable()
