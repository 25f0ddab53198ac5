"""Security headers on every response, CSRF protection, no inline script, the health check."""
import html
import re
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from models import Membership, User
from studio.extensions import db
from tests.authz import MATRIX, url_values
from tests.conftest import FreshRequestClient, login, make_app
from tests.test_authorization_matrix import fill

CSRF_MESSAGE = ("This form has expired. Please go back, reload the page and submit again; "
                "nothing has been saved yet.")


def translated(app, message):
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext(message)


def csp_directives(response):
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{response.request.path}: no Content-Security-Policy"
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response):
    where = f"{response.request.method} {response.request.path} ({response.status_code})"
    directives = csp_directives(response)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, where
    assert "'self'" in script_src, where
    assert "'unsafe-inline'" not in script_src, where
    assert "'unsafe-eval'" not in script_src, where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where


# --- headers -----------------------------------------------------------------------------


def test_headers_on_every_kind_of_response(app, cast, client):
    responses = [
        client.get("/login"),                       # a page
        client.get("/no-such-page"),                # a 404
        client.get("/healthz"),                     # JSON
        client.get("/static/css/app.css"),          # a static file
        client.get("/studios/"),                    # a redirect to the login page
        client.post("/login", data={}),             # a refused form
    ]
    assert [r.status_code for r in responses] == [200, 404, 200, 200, 302, 400]
    login(client, cast.master)
    responses += [
        client.get(f"/studios/{cast.studio.id}/"),
        client.get("/admin/"),                      # 403
        client.get(f"/studios/{cast.studio.id}/members/999999/remove"),  # 405
    ]
    assert [r.status_code for r in responses[-3:]] == [200, 403, 405]
    for response in responses:
        assert_security_headers(response)


def test_headers_on_a_server_error(app, tmp_path):
    failing = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "failing",
                       PROPAGATE_EXCEPTIONS=False)

    def boom():
        raise RuntimeError("a bug")

    failing.add_url_rule("/boom", "boom", boom)
    response = failing.test_client().get("/boom")
    assert response.status_code == 500
    assert "a bug" not in response.get_data(as_text=True)
    assert_security_headers(response)


# --- CSRF --------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(app, cast, tmp_path):
    protected = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "csrf",
                         WTF_CSRF_ENABLED=True)
    protected.test_client_class = FreshRequestClient
    with protected.app_context():
        yield protected
        db.session.remove()


def csrf_token_of(response):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def session_token_of(user):
    db.session.expire_all()
    return db.session.get(User, user.id).session_token


def test_logout_without_csrf_token_is_refused(csrf_app, cast):
    client = login(csrf_app.test_client(), cast.master)
    before = session_token_of(cast.master)
    response = client.post("/logout")
    assert response.status_code == 400
    assert_security_headers(response)
    assert translated(csrf_app, CSRF_MESSAGE) in html.unescape(response.get_data(as_text=True))
    assert session_token_of(cast.master) == before
    assert client.get("/studios/").status_code == 200, "still logged in"

    token = csrf_token_of(client.get("/studios/"))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert session_token_of(cast.master) != before
    assert client.get("/studios/").status_code == 302


def count_members(studio):
    return db.session.execute(select(func.count()).select_from(Membership).where(
        Membership.studio_id == studio.id, Membership.active.is_(True))).scalar_one()


def test_adding_a_member_without_csrf_token_is_refused(csrf_app, cast):
    client = login(csrf_app.test_client(), cast.master)
    url = f"/studios/{cast.studio.id}/members"
    form = {"username": "liu_new", "name": "刘新师", "role": "new_teacher",
            "initial_password": "Chushi-Mima-88", "mentor": ""}
    before = count_members(cast.studio)

    response = client.post(url, data=form)
    assert response.status_code == 400
    assert translated(csrf_app, CSRF_MESSAGE) in html.unescape(response.get_data(as_text=True))
    assert db.session.execute(select(User).where(User.username == "liu_new")).first() is None
    assert count_members(cast.studio) == before

    response = client.post(url, data={**form, "csrf_token": "forged-token"})
    assert response.status_code == 400
    assert count_members(cast.studio) == before

    token = csrf_token_of(client.get(url))
    response = client.post(url, data={**form, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(select(User).where(User.username == "liu_new")).first() is not None
    assert count_members(cast.studio) == before + 1


def test_csrf_token_of_another_session_is_refused(csrf_app, cast):
    other = login(csrf_app.test_client(), cast.other_master)
    foreign_token = csrf_token_of(other.get("/studios/"))
    client = login(csrf_app.test_client(), cast.master)
    before = session_token_of(cast.master)
    response = client.post("/logout", data={"csrf_token": foreign_token})
    assert response.status_code == 400
    assert session_token_of(cast.master) == before


# --- no inline script --------------------------------------------------------------------


class ScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # a data block (<script type="application/json">, read by a script file) never runs
        data_block = (attributes.get("type") or "").strip().lower() == "application/json"
        if tag == "script" and not attributes.get("src") and not data_block:
            self.problems.append(f"<script> without src at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...> at line {self.getpos()[0]}")
        if tag == "style" or "style" in attributes:
            self.problems.append(f"inline style in <{tag}> at line {self.getpos()[0]}")

    handle_startendtag = handle_starttag


def inline_script_problems(text):
    finder = ScriptFinder()
    finder.feed(text)
    finder.close()
    return finder.problems


def get_pages(cast):
    """Every GET page of the authorization matrix, with its URL filled in as the matrix does."""
    values = url_values(cast)
    pages = []
    for (rule, method), (data, expected, *renames) in MATRIX.items():
        if method != "GET":
            continue
        filled = dict(values)
        for param, key in (renames[0] if renames else {}).items():
            filled[param] = values[key]
        pages.append(fill(rule, filled))
    return sorted(pages)


@pytest.mark.parametrize("role", ["anonymous", "admin", "master", "new_teacher"])
def test_no_inline_script_in_any_page(app, cast, client, role):
    user = None if role == "anonymous" else getattr(cast, role)
    checked = 0
    for url in get_pages(cast) + ["/no-such-page"]:
        login(client, user)
        response = client.get(url)
        assert_security_headers(response)
        if response.mimetype != "text/html":
            continue
        problems = inline_script_problems(response.get_data(as_text=True))
        assert not problems, f"{url} as {role}: {problems}"
        checked += 1
    assert checked >= 3


def test_no_inline_script_in_pages_with_form_errors(app, cast, client):
    login(client, cast.admin)
    for url, data in [("/admin/studios/new", {"name": ""}),
                      (f"/studios/{cast.studio.id}/members", {"username": "x"}),
                      ("/account/password", {"new_password": "1"})]:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        problems = inline_script_problems(response.get_data(as_text=True))
        assert not problems, f"POST {url}: {problems}"


def test_the_script_finder_finds_inline_script():
    assert inline_script_problems("<p><script>alert(1)</script></p>")
    assert inline_script_problems('<button onclick="go()">x</button>')
    assert inline_script_problems('<a href="javascript:go()">x</a>')
    assert not inline_script_problems('<script src="/static/js/app.js" defer></script>')
    assert not inline_script_problems('<script type="application/json" id="d">{"a": 1}</script>')
    assert inline_script_problems('<script type="module">go()</script>')


# --- health check ------------------------------------------------------------------------


def test_healthz_reports_the_database(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert_security_headers(response)
