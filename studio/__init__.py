"""Mentor Studio: online master-teacher studios (名师网络工作室)."""
import os
import secrets

from flask import Flask, g, jsonify, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from studio.config import BASE_DIR, INSTANCE_DIR, Config
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
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def configure_login():
    from models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token):
        return db.session.execute(
            db.select(User).where(User.session_token == session_token)
        ).scalar_one_or_none()


def register_blueprints(app):
    from blueprints.admin import bp as admin_bp
    from blueprints.auth import bp as auth_bp
    from blueprints.main import bp as main_bp
    from blueprints.cases import bp as cases_bp
    from blueprints.hours import bp as hours_bp
    from blueprints.chat import bp as chat_bp
    from blueprints.threads import bp as threads_bp
    from blueprints.notifications import bp as notifications_bp
    from blueprints.studios import bp as studios_bp
    from blueprints.tasks import bp as tasks_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(tasks_bp, url_prefix="/studios")
    app.register_blueprint(hours_bp, url_prefix="/studios")
    app.register_blueprint(cases_bp, url_prefix="/studios")
    app.register_blueprint(threads_bp, url_prefix="/studios")
    app.register_blueprint(chat_bp, url_prefix="/studios")
    app.register_blueprint(auth_bp)
    app.register_blueprint(studios_bp, url_prefix="/studios")
    app.register_blueprint(admin_bp, url_prefix="/admin")


def register_hooks(app):
    from studio.security import enforce_password_change, set_security_headers

    app.before_request(enforce_password_change)
    app.after_request(set_security_headers)

    @app.context_processor
    def inject_globals():
        from blueprints.notifications.operations import unread_count
        return {
            "unread_notifications": (unread_count(current_user)
                                     if current_user.is_authenticated else 0),
            "languages": app.config["LANGUAGES"],
            "current_locale": str(select_locale()),
            "current_studio": g.get("studio"),
        }


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}


def register_error_pages(app):
    def render_error(code, message=None):
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return jsonify(error=str(message or ERROR_TITLES.get(code, ""))), code
        return render_template("errors.html", code=code, title=ERROR_TITLES.get(code, ""),
                               message=message), code

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("This form has expired. Please go back, reload the page and "
                                    "submit again; nothing has been saved yet."))

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
        return render_error(error.code, custom)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500, None)
