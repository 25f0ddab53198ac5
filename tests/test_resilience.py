"""When things break: the database down (a Chinese 503 page that needs no database, /healthz
naming what failed) and one error handler for the studio's rules (RuleError)."""
import pytest
from flask import request

from studio.errors import RuleError
from studio.extensions import db
from tests.conftest import close_pools, login_en, make_app, page_text

UNAVAILABLE_ZH = "服务暂时不可用，您的内容尚未保存，请稍后重试"
UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-mentor-studio-dir/sub/mentor.db",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/mentor_unreachable",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down_app(request, tmp_path):
    """An app whose database cannot be reached (no file / nothing listening on the port)."""
    app = make_app(UNREACHABLE[request.param], tmp_path / "uploads")
    yield app
    close_pools()


def logged_in(client, token="a-session-token-of-someone"):
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"].isdigit()
    assert UNAVAILABLE_ZH in page_text(response)
    assert "Internal Server Error" not in page_text(response)


def test_the_login_form_still_shows_without_the_database(down_app):
    response = down_app.test_client().get("/login")
    assert response.status_code == 200


def test_logging_in_with_the_database_down_answers_503_in_chinese(down_app):
    response = down_app.test_client().post(
        "/login", data={"username": "master", "password": "whatever-123"})
    assert_unavailable_page(response)


@pytest.mark.parametrize("path", ["/login", "/", "/studios/1", "/notifications/"])
def test_a_logged_in_page_answers_503_in_chinese(down_app, path):
    assert_unavailable_page(logged_in(down_app.test_client()).get(path))


def test_the_page_follows_the_language_chosen_in_the_session(down_app):
    client = logged_in(down_app.test_client())
    with client.session_transaction() as session:
        session["locale"] = "en"
    response = client.get("/studios/1")
    assert response.status_code == 503
    assert "temporarily unavailable" in page_text(response)


def test_a_json_request_gets_json(down_app):
    client = logged_in(down_app.test_client())
    response = client.get("/studios/1", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert UNAVAILABLE_ZH in response.get_json()["error"]
    assert response.headers["Retry-After"].isdigit()


@pytest.mark.parametrize("with_cookie", [False, True])
def test_healthz_answers_503_json_naming_the_database(down_app, with_cookie):
    client = down_app.test_client()
    if with_cookie:
        logged_in(client)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["database"] == "unavailable"
    assert body["failed"] == ["database"]
    assert response.headers["Retry-After"].isdigit()


def test_healthz_names_redis_when_it_is_configured_and_down(app, client):
    """Pages keep working without Redis: degraded, not out of the load balancer."""
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok" and body["redis"] == "unavailable"
    assert body["failed"] == ["redis"]


def test_healthz_with_a_logged_in_cookie_is_fine_when_all_is_up(app, client, cast):
    login_en(client, cast.master)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"


def test_a_crash_whose_error_page_needs_the_user_answers_503_not_a_bare_500(tmp_path):
    """Outside testing, a crash renders the 500 page, whose header loads the user: with the
    database down that used to fail a second time into Werkzeug's bare English 500."""
    app = make_app(UNREACHABLE["sqlite"], tmp_path / "uploads", PROPAGATE_EXCEPTIONS=False)

    def crash():  # before any hook loads the user
        if request.path == "/test-only/crash":
            raise RuntimeError("a bug")

    app.before_request_funcs.setdefault(None, []).insert(0, crash)

    try:
        assert_unavailable_page(logged_in(app.test_client()).get("/test-only/crash"))
    finally:
        close_pools()


# --- realtime: a failed SAVEPOINT keeps what the outer transaction queued ------------------


@pytest.fixture
def emitted(app, monkeypatch):
    from studio import realtime
    sent = []
    monkeypatch.setattr(realtime.socketio, "emit",
                        lambda name, data, to=None, **kw: sent.append((name, data, to)))
    return sent


def failing_savepoint(user_cls, username, event_name=None):
    """A nested transaction that breaks a unique constraint and rolls back."""
    from sqlalchemy.exc import IntegrityError

    from studio.realtime import emit_after_commit
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            if event_name:
                emit_after_commit(event_name, {}, to="studio:1")
            db.session.add(user_cls(username=username, name="重复", password_hash="x"))
            db.session.flush()


def test_a_failed_savepoint_keeps_the_events_queued_before_it(cast, emitted):
    from models import User
    from studio.realtime import emit_after_commit

    emit_after_commit("first", {"n": 1}, to="studio:1")
    failing_savepoint(User, cast.master.username, event_name="inside")
    with db.session.begin_nested():  # a savepoint that succeeds keeps its event
        emit_after_commit("released", {}, to="studio:1")
    emit_after_commit("after", {}, to="studio:1")
    assert emitted == []
    db.session.commit()
    assert [name for name, _, _ in emitted] == ["first", "released", "after"]


def test_an_event_in_a_released_savepoint_is_dropped_when_its_parent_fails(cast, emitted):
    from models import User
    from studio.realtime import emit_after_commit

    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            with db.session.begin_nested():
                emit_after_commit("inner", {}, to="studio:1")
            raise RuntimeError("the outer savepoint fails")
    emit_after_commit("kept", {}, to="studio:1")
    failing_savepoint(User, cast.master.username)
    db.session.commit()
    assert [name for name, _, _ in emitted] == ["kept"]


def test_an_outer_rollback_drops_every_event(cast, emitted):
    from models import User
    from studio.realtime import call_after_commit, emit_after_commit

    ran = []
    emit_after_commit("first", {}, to="studio:1")
    call_after_commit(ran.append, "after")
    failing_savepoint(User, cast.master.username, event_name="inside")
    db.session.rollback()
    db.session.commit()
    assert emitted == [] and ran == []


# --- one handler for RuleError ------------------------------------------------------------


@pytest.fixture
def refusing_app(app):
    """A test-only route whose operation writes a row and then refuses."""
    from flask_babel import lazy_gettext as _l

    from models import User

    @app.route("/test-only/refuse/<kind>", methods=["GET", "POST"])
    def refuse(kind):
        db.session.add(User(username="half_written", name="半途", password_hash="x"))
        db.session.flush()
        if kind == "field":
            raise RuleError(_l("Please write the reason for the adjustment."), field="reason")
        raise RuleError(_l("The message is empty."))

    return app


def user_count():
    from models import User
    return db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one()


def test_a_refused_change_answers_409_with_the_translated_message(refusing_app, cast):
    before = user_count()
    response = refusing_app.test_client().post("/test-only/refuse/state")
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    assert "消息内容为空。" in page_text(response)
    assert "未能完成此项更改" in page_text(response)
    assert user_count() == before  # rolled back


def test_a_refused_field_answers_400(refusing_app, cast):
    response = refusing_app.test_client().post("/test-only/refuse/field")
    assert response.status_code == 400
    assert "请填写调整原因。" in page_text(response)


def test_a_json_request_gets_the_refusal_as_json(refusing_app, cast):
    client = refusing_app.test_client()
    response = client.post("/test-only/refuse/field", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["field"] == "reason"
    response = client.post("/test-only/refuse/state", headers={"Accept": "application/json"})
    assert response.status_code == 409 and response.get_json() == {"error": "消息内容为空。"}


def test_the_refusal_follows_the_language_of_the_user(refusing_app, cast):
    client = login_en(refusing_app.test_client(), cast.master)
    response = client.post("/test-only/refuse/state")
    assert response.status_code == 409 and "The message is empty." in page_text(response)
