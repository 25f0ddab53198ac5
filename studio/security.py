"""Authorization helpers, forced password change and security headers."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Pages a user who must change their password may still reach.
PASSWORD_CHANGE_EXEMPT = {"auth.change_password", "auth.logout", "static", "main.healthz",
                          "main.favicon", "auth.set_language"}


def require(condition):
    """Abort with 403 unless ``condition`` holds. Use with a model's ``can_*`` method."""
    if not condition:
        abort(403)


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            from studio.extensions import login_manager
            return login_manager.unauthorized()
        require(current_user.is_admin)
        return view(*args, **kwargs)
    return wrapper


def enforce_password_change():
    # The exempt pages first: /healthz must not load the user (it reports a database outage).
    if (request.endpoint not in PASSWORD_CHANGE_EXEMPT
            and current_user.is_authenticated and current_user.must_change_password):
        from studio import keep
        keep.refuse()  # a post sent here was not accepted: the browser keeps its text
        return redirect(url_for("auth.change_password"))
    return None


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def safe_next_url(target):
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def load_studio(studio_id, check="can_view"):
    """Load a studio for the current request, authorize with its ``can_*`` method and make it
    the studio the page is about (``g.studio``, shown in the header)."""
    from flask import g

    from models import Studio
    from studio.extensions import db

    studio = db.session.get(Studio, studio_id)
    if studio is None:
        abort(404)
    require(getattr(studio, check)(current_user))
    g.studio = studio
    return studio


def load_object(model, object_id, check="can_view", **owner):
    """The one loader for "this object, in this studio (or thread, task...), if the user
    may": 404 unless the row exists and each ``owner`` attribute matches (``studio_id=``,
    ``thread_id=``, ...), then 403 unless its ``check`` method allows the current user
    (``check=None`` when the caller has authorized through the owner)."""
    from studio.extensions import db

    obj = db.session.get(model, object_id)
    if obj is None or any(getattr(obj, name) != value for name, value in owner.items()):
        abort(404)
    if check is not None and not getattr(obj, check)(current_user):
        # The right person at the wrong moment (the object moved on) gets a 409 saying so.
        refusal = getattr(obj, "refusal", None)
        message = refusal(check, current_user) if refusal else None
        abort(409, description=str(message)) if message else abort(403)
    return obj
