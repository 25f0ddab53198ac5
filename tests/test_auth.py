"""Logging in and out, session cookies that stop working, the forced and voluntary password
change, the password policy, the redirect after login and the login rate limit."""
import glob
import html
import os
import re
from urllib.parse import urljoin, urlsplit

import pytest
from flask_babel import force_locale, gettext

from studio.extensions import db, limiter
from tests.conftest import PASSWORD, FreshRequestClient, login, login_with_form, make_app

COOKIE = "mentor_studio_session"
NEW_PASSWORD = "Xin-Mima-2026"


def page(response):
    return html.unescape(response.get_data(as_text=True))


def translated(app, message, **values):
    """The message as the user reads it: in the default locale, zh_CN (Chinese once the
    catalog is compiled; the English text while it is missing)."""
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext(message, **values)


def has_chinese_catalog(app):
    folder = app.config["BABEL_TRANSLATION_DIRECTORIES"]
    return bool(glob.glob(os.path.join(folder, "zh*", "LC_MESSAGES", "messages.mo")))


def location_path(response):
    return urlsplit(response.headers["Location"]).path


def is_logged_in(client):
    response = client.get("/studios/")
    return response.status_code == 200


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert location_path(response) == "/login"


def reload(user):
    db.session.expire_all()
    return db.session.get(type(user), user.id)


def copy_session_cookie(client):
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value, "the login did not set a session cookie"
    return cookie.value


def client_with_cookie(app, value):
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


# --- logging in ------------------------------------------------------------------------


def test_right_password_leads_into_the_app(app, cast, client):
    response = login_with_form(client, "master")
    assert response.status_code == 302
    assert location_path(response) != "/login"
    landing = client.get(response.headers["Location"], follow_redirects=True)
    assert landing.status_code == 200
    assert cast.studio.name in page(landing)
    assert is_logged_in(client)
    assert reload(cast.master).last_login_at is not None


def test_wrong_password_is_refused_with_a_message(app, cast, client):
    response = login_with_form(client, "master", "Not-The-Password-1")
    assert response.status_code == 401
    assert translated(app, "Wrong username or password.") in page(response)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert_sent_to_login(client.get("/studios/"))


def test_unknown_username_gets_the_same_answer(app, cast, client):
    response = login_with_form(client, "nobody_here", PASSWORD)
    assert response.status_code == 401
    assert translated(app, "Wrong username or password.") in page(response)
    assert not is_logged_in(client)


def test_deactivated_user_cannot_log_in(app, cast, client):
    cast.new_teacher.active = False
    db.session.commit()
    response = login_with_form(client, "new_teacher")
    assert response.status_code == 403
    assert translated(app, "This account has been deactivated. Please contact your studio's "
                           "master or the project office.") in page(response)
    assert not is_logged_in(client)


@pytest.fixture
def hash_checks(monkeypatch):
    """Every scrypt verification the app makes, as (hash, password)."""
    import models.user
    calls = []
    real = models.user.check_password_hash

    def spy(pwhash, password):
        calls.append((pwhash, password))
        return real(pwhash, password)

    monkeypatch.setattr(models.user, "check_password_hash", spy)
    return calls


def hash_parameters(pwhash):
    return pwhash.split("$", 1)[0]  # e.g. "scrypt:32768:8:1"


@pytest.mark.parametrize("username,password,status", [
    ("nobody_here", PASSWORD, 401),
    ("master", "Not-The-Password-1", 401),
    ("master", PASSWORD, 302),
    ("new_teacher", PASSWORD, 403),          # deactivated below
    ("new_teacher", "Not-The-Password-1", 401),
], ids=["unknown", "wrong-password", "right-password", "deactivated", "deactivated-wrong"])
def test_login_verifies_exactly_one_hash_whether_or_not_the_account_exists(
        app, cast, client, hash_checks, username, password, status):
    """The time a login takes must not tell whether the username exists: an unknown user
    costs one scrypt verification against a dummy hash with the same parameters."""
    cast.new_teacher.active = False
    db.session.commit()
    response = login_with_form(client, username, password)
    assert response.status_code == status
    assert len(hash_checks) == 1, hash_checks
    checked_hash, checked_password = hash_checks[0]
    assert checked_password == password
    assert hash_parameters(checked_hash) == hash_parameters(cast.master.password_hash)


def test_the_dummy_hash_is_made_once_per_process(app, cast, hash_checks):
    for attempt in range(3):
        login_with_form(app.test_client(), f"nobody_{attempt}", PASSWORD)
    assert len(hash_checks) == 3
    assert len({checked for checked, _ in hash_checks}) == 1
    assert hash_checks[0][0] != cast.master.password_hash


# --- a copied session cookie stops working -----------------------------------------------


def test_cookie_replay_after_logout_is_refused(app, cast, client):
    assert login_with_form(client, "master").status_code == 302
    stolen = copy_session_cookie(client)
    assert is_logged_in(client_with_cookie(app, stolen)), "the copied cookie should work first"

    response = client.post("/logout")
    assert_sent_to_login(response)
    assert_sent_to_login(client.get("/studios/"))
    assert_sent_to_login(client_with_cookie(app, stolen).get("/studios/"))


def test_password_change_ends_other_sessions_but_not_this_one(app, cast, client):
    assert login_with_form(client, "master").status_code == 302
    old_cookie = copy_session_cookie(client)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302, page(response)
    assert location_path(response) != "/account/password"

    assert is_logged_in(client), "the browser that changed the password stays logged in"
    assert_sent_to_login(client_with_cookie(app, old_cookie).get("/studios/"))

    user = reload(cast.master)
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    assert login_with_form(app.test_client(), "master", PASSWORD).status_code == 401
    assert login_with_form(app.test_client(), "master", NEW_PASSWORD).status_code == 302


def test_deactivation_by_admin_ends_the_users_sessions(app, cast, client):
    assert login_with_form(client, "new_teacher").status_code == 302
    copied = copy_session_cookie(client)
    assert is_logged_in(client)

    admin = login(app.test_client(), cast.admin)
    response = admin.post(f"/admin/users/{cast.new_teacher.id}/active")
    assert response.status_code == 302
    assert reload(cast.new_teacher).active is False

    assert_sent_to_login(client.get("/studios/"))
    assert_sent_to_login(client_with_cookie(app, copied).get("/studios/"))
    assert login_with_form(app.test_client(), "new_teacher").status_code == 403


# --- forced password change --------------------------------------------------------------


def test_initial_password_must_be_changed_before_anything_else(app, cast, client):
    cast.backbone.must_change_password = True
    db.session.commit()
    response = login_with_form(client, "backbone")
    assert response.status_code == 302
    assert location_path(response) == "/account/password"

    studio_id = cast.studio.id
    for url in ("/", "/studios/", f"/studios/{studio_id}/", f"/studios/{studio_id}/roster",
                "/admin/", "/no-such-page"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert location_path(response) == "/account/password", url
    assert client.get("/account/password").status_code == 200
    assert client.get("/healthz").status_code == 200

    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302, page(response)
    assert reload(cast.backbone).must_change_password is False
    assert client.get("/studios/").status_code == 200
    assert client.get(f"/studios/{studio_id}/").status_code == 200


# --- password policy ---------------------------------------------------------------------

POLICY_CASES = [
    ("short", "Ab3-xyz", "The password must have at least %(n)s characters.", {"n": 8}),
    ("digits", "12345678",
     "This password is too common and easy to guess. Please choose another.", {}),
    ("password1", "password1",
     "This password is too common and easy to guess. Please choose another.", {}),
    ("pinyin", "woaini1314",
     "This password is too common and easy to guess. Please choose another.", {}),
    ("username", "new_teacher", "The password must not be the same as the username.", {}),
    ("username-case", "NEW_Teacher", "The password must not be the same as the username.", {}),
    ("current", PASSWORD, "The new password must differ from the current one.", {}),
]


@pytest.mark.parametrize("new_password,message,values",
                         [case[1:] for case in POLICY_CASES], ids=[c[0] for c in POLICY_CASES])
def test_weak_password_is_refused(app, cast, client, new_password, message, values):
    before = cast.new_teacher.password_hash
    login(client, cast.new_teacher)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new_password, "confirm": new_password})
    assert response.status_code == 400
    assert translated(app, message, **values) in page(response)
    assert reload(cast.new_teacher).password_hash == before
    assert is_logged_in(client)


def test_wrong_current_password_is_refused(app, cast, client):
    before = cast.master.password_hash
    login(client, cast.master)
    response = client.post("/account/password", data={
        "current_password": "Wrong-Current-1", "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert translated(app, "The current password is not correct.") in page(response)
    assert reload(cast.master).password_hash == before


def test_new_password_hash_uses_scrypt(app, cast, client):
    login(client, cast.new_teacher)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    user = reload(cast.new_teacher)
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password(NEW_PASSWORD)


# --- redirect after login ----------------------------------------------------------------

OFF_SITE = [
    "https://evil.example",
    "https://evil.example/studios/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
]


def browser_target(location):
    """Where a browser goes for this Location header: it drops tabs and newlines and reads a
    backslash as a slash."""
    cleaned = "".join(c for c in location if c not in "\t\r\n").replace("\\", "/")
    return urlsplit(urljoin("http://localhost/login", cleaned))


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_does_not_redirect_off_site(app, cast, client, target):
    form_page = client.get("/login", query_string={"next": target})
    assert form_page.status_code == 200
    response = client.post("/login", query_string={"next": target},
                           data={"username": "master", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    where = browser_target(response.headers["Location"])
    assert where.scheme == "http" and where.netloc == "localhost", response.headers["Location"]


def test_login_follows_a_same_site_next(app, cast, client):
    target = f"/studios/{cast.studio.id}/roster"
    response = client.post("/login", data={"username": "master", "password": PASSWORD,
                                            "next": target})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(target)


# --- login rate limit --------------------------------------------------------------------


@pytest.fixture
def limited_app(app, cast, tmp_path):
    """The app with rate limiting on, as in production: Redis when REDIS_URL is set."""
    redis_url = os.environ.get("REDIS_URL")
    limited = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "limited",
                       RATELIMIT_ENABLED=True, REDIS_URL=redis_url)
    limited.test_client_class = FreshRequestClient
    with limited.app_context():
        limiter.reset()
        try:
            yield limited
        finally:
            limiter.reset()
            db.session.remove()


def test_login_rate_limit_uses_redis_when_configured(limited_app):
    redis_url = os.environ.get("REDIS_URL")
    assert limited_app.config["RATELIMIT_STORAGE_URI"] == (redis_url or "memory://")
    storage = type(limiter.storage).__name__
    if not redis_url:
        assert storage == "MemoryStorage"
        return
    assert storage == "RedisStorage"
    import redis
    connection = redis.Redis.from_url(redis_url)
    login_with_form(limited_app.test_client(), "master", "Wrong-Password-1")
    keys = list(connection.scan_iter(match="LIMITS:*login*master*"))
    assert keys, "the login counter should be stored in Redis"


def test_login_is_rate_limited_per_account(limited_app):
    client = limited_app.test_client()
    for attempt in range(5):
        response = login_with_form(client, "master", f"Wrong-Password-{attempt}")
        assert response.status_code == 401, f"attempt {attempt + 1}"
    response = login_with_form(client, "master", "Wrong-Password-6")
    assert response.status_code == 429
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    text = page(response)
    message = translated(limited_app, "Too many attempts. Please wait a minute and try again.")
    assert message in text
    assert translated(limited_app, "Too many attempts") in text
    assert 'lang="zh-CN"' in text
    if has_chinese_catalog(limited_app):
        assert re.search("[\u4e00-\u9fff]", message), "the 429 page should be in Chinese"
    # Even the right password waits: the account is what is protected.
    assert login_with_form(client, "master").status_code == 429

    # Another account from the same address is not blocked by the first one's counter.
    assert login_with_form(client, "backbone", "Wrong-Password-1").status_code == 401
    response = login_with_form(client, "backbone")
    assert response.status_code == 302
    assert location_path(response) != "/login"


def test_successful_logins_do_not_count_toward_the_limit(limited_app):
    """A teacher who logs in many times a minute (new devices, shared classroom computers)
    is never refused; the limit is for failed attempts."""
    for attempt in range(8):
        response = login_with_form(limited_app.test_client(), "master")
        assert response.status_code == 302, f"login {attempt + 1}"
        assert location_path(response) != "/login"
    client = limited_app.test_client()
    for attempt in range(5):
        assert login_with_form(client, "master", f"Wrong-{attempt}").status_code == 401
    assert login_with_form(client, "master", "Wrong-6").status_code == 429
    assert login_with_form(client, "master").status_code == 429


def test_successes_between_failures_neither_use_nor_reset_the_limit(limited_app):
    client = limited_app.test_client()
    for attempt in range(4):
        assert login_with_form(client, "master", f"Wrong-{attempt}").status_code == 401
        assert login_with_form(limited_app.test_client(), "master").status_code == 302
    assert login_with_form(client, "master", "Wrong-5").status_code == 401
    assert login_with_form(client, "master", "Wrong-6").status_code == 429


@pytest.fixture
def address_limited_app(app, cast, tmp_path):
    """The per-address limit made small, so a test can reach it."""
    limited = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "limited",
                       RATELIMIT_ENABLED=True, REDIS_URL=os.environ.get("REDIS_URL"),
                       LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    limited.test_client_class = FreshRequestClient
    with limited.app_context():
        limiter.reset()
        try:
            yield limited
        finally:
            limiter.reset()
            db.session.remove()


def test_per_address_limit_counts_only_failures(address_limited_app):
    """A school's teachers share one address: their successful logins must not lock the
    school out, while failed guesses from that address are still limited."""
    app = address_limited_app
    for username in ("master", "backbone", "new_teacher", "admin", "outsider", "master"):
        assert login_with_form(app.test_client(), username).status_code == 302, username
    client = app.test_client()
    for username in ("master", "backbone", "admin"):
        assert login_with_form(client, username, "Wrong-1").status_code == 401, username
    assert login_with_form(client, "outsider", "Wrong-1").status_code == 429
    assert login_with_form(app.test_client(), "outsider").status_code == 429
