"""Never lose typed text: the server's half of ``static/js/keep.js``.

The browser keeps what is typed into a form marked ``data-keep`` (localStorage, per user and
form action) until the server has accepted the post. The server says so on the next page:
after a POST that ended in a redirect (or the upload form's JSON redirect) for a logged-in
user, the path that was posted to goes into the session once, and ``base.html`` writes it on
``<body data-keep-accepted>``. A post refused in any way (a validation error re-rendered, a
rule refused, a CSRF token expired, the session ended, the password must change first) sets
no marker, so the browser keeps its copy and puts it back on the page.

When the session has ended, a post is sent to the login page with ``next`` = the page the
form was on (its same-site ``Referer``), never the POST-only URL it was sent to.
"""
from urllib.parse import urlsplit

from flask import g, request, session

ACCEPTED = "keep_accepted"
REFUSED = "keep_refused"


def refuse():
    """Mark this request as not accepted, whatever its status code."""
    g.setdefault(REFUSED, True)


def is_xhr():
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def note_accepted(response):
    """after_request: remember that the post to this path was accepted."""
    if request.method != "POST" or g.get(REFUSED):
        return response
    accepted = response.status_code in (301, 302, 303) or (
        is_xhr() and response.status_code < 300 and response.is_json)
    if accepted:
        from flask_login import current_user
        if current_user.is_authenticated:
            session[ACCEPTED] = request.path
    return response


def accepted_path():
    """The path of the post accepted just before this page, once (for base.html)."""
    return session.pop(ACCEPTED, "") if ACCEPTED in session else ""


def form_page():
    """The page the posted form was on: the Referer's path and query when it is this site's
    (Referrer-Policy same-origin sends it only then), else None."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")
