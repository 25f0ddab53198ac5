"""Request data the database cannot take (issue 7): NUL bytes and lone surrogates are refused
once for every form, query string and Socket.IO payload; ids and numbers from requests go
through one bounded ASCII parser; the chat's ``typing`` and ``join`` are rate-limited and its
text fields must be text. Runs on SQLite and on PostgreSQL (``DATABASE_URL``)."""
import pytest
from sqlalchemy import select

from blueprints.chat import operations as chat_ops
from models import User
from models.case import LessonCase, VideoComment
from models.chat import ChatMessage
from models.notification import Notification
from models.thread import Post, Thread
from studio.extensions import db, socketio
from studio.inputs import (MAX_ID, optional_id, parse_count, parse_id, parse_page,
                           refuse_unstorable_text)
from studio.storage import allow_large_uploads
from tests.conftest import make_app
from tests.coreloop import count, login, text
from tests.factories import make_case, make_task

HUGE = "9" * 30
NOT_IDS = ["", "0", "-1", "+1", " 1", "1.0", "1e3", "²", "١٢", "１", HUGE, str(2 ** 31),
           None, 1.0, True, [], {}]


# --- the parser ---------------------------------------------------------------------------------
@pytest.mark.parametrize("value", NOT_IDS)
def test_parse_id_refuses_anything_but_a_bounded_ascii_number(value):
    assert parse_id(value) is None


@pytest.mark.parametrize("value,expected", [("1", 1), ("0042", 42), (7, 7),
                                            (str(MAX_ID), MAX_ID), (MAX_ID, MAX_ID)])
def test_parse_id_reads_ids(value, expected):
    assert parse_id(value) == expected


def test_parse_count_allows_zero_and_page_falls_back(app):
    assert parse_count("0") == 0 and parse_count(0) == 0 and parse_count(-1) is None
    assert parse_page(HUGE) == 1 and parse_page("²") == 1 and parse_page("3") == 3
    with app.test_request_context():
        assert optional_id("") is None and optional_id(None) is None and optional_id("5") == 5
        with pytest.raises(Exception) as refused:
            optional_id("²")
        assert getattr(refused.value, "code", None) == 400


# --- NUL bytes over HTTP ----------------------------------------------------------------------
def test_anonymous_login_with_a_nul_byte_is_400_with_a_message(client, cast):
    response = client.post("/login", data={"username": "mas\x00ter", "password": "x"})
    assert response.status_code == 400
    assert "无法保存的字符" in text(response)


def test_nul_refused_before_csrf_and_after_the_upload_limit(app):
    """The large-upload limit is set before the form is read (once, cached for CSRF)."""
    names = [getattr(h, "__name__", "") for h in app.before_request_funcs[None]]
    assert names.index(allow_large_uploads.__name__) < names.index(
        refuse_unstorable_text.__name__) < names.index("csrf_protect")


def test_nul_login_with_csrf_on_gets_the_nul_message(_schema, tmp_path, cast):
    csrf_app = make_app(_schema, tmp_path / "up", WTF_CSRF_ENABLED=True)
    response = csrf_app.test_client().post("/login", data={"username": "a\x00", "password": "x"})
    assert response.status_code == 400
    assert "无法保存的字符" in text(response)


@pytest.mark.parametrize("field", ["title", "body"])
def test_a_thread_with_a_nul_byte_is_refused_and_nothing_saved(client, cast, field):
    login(client, cast.master)
    data = {"title": "分层作业", "body": "本周尝试了分层作业。"}
    data[field] = data[field] + "\x00"
    response = client.post(f"/studios/{cast.studio.id}/threads/new", data=data)
    assert response.status_code == 400
    assert count(Thread) == 0 and count(Post) == 0


def test_a_case_title_with_a_nul_byte_is_refused(client, cast):
    login(client, cast.new_teacher)
    response = client.post(f"/studios/{cast.studio.id}/cases/new",
                           data={"kind": "standard", "title": "课例\x00"})
    assert response.status_code == 400 and count(LessonCase) == 0


@pytest.mark.parametrize("path", ["/studios/{s}/threads?q=a%00b", "/admin/users?q=%00",
                                  "/studios/{s}/cases?state=%00"])
def test_a_nul_in_the_query_string_is_400(client, cast, path):
    login(client, cast.admin)
    assert client.get(path.format(s=cast.studio.id)).status_code == 400


def test_a_nul_in_a_path_part_is_400(client, cast):
    login(client, cast.master)
    assert client.get(f"/studios/{cast.studio.id}/threads/about/ca%00se/1").status_code == 400


# --- ids over HTTP ------------------------------------------------------------------------------
@pytest.mark.parametrize("ident", [HUGE, str(2 ** 31), str(2 ** 63), "١٢", "%C2%B2"])
def test_a_huge_or_unicode_id_in_the_url_is_404(client, cast, ident):
    login(client, cast.master)
    assert client.get(f"/studios/{ident}/").status_code == 404
    assert client.get(f"/studios/{cast.studio.id}/cases/{ident}").status_code == 404


def test_the_largest_id_is_still_routed(client, cast):
    login(client, cast.master)
    assert client.get(f"/studios/{MAX_ID}/").status_code == 404  # routed, no such studio
    assert client.get(f"/studios/{cast.studio.id}/").status_code == 200


@pytest.mark.parametrize("page", [HUGE, "²", "-3", "١٢", "1e9"])
def test_a_bad_page_number_shows_the_first_page(client, cast, page):
    login(client, cast.master)
    assert client.get(f"/studios/{cast.studio.id}/cases?page={page}").status_code == 200
    assert client.get(f"/studios/{cast.studio.id}/cases/999?version={page}").status_code == 404


@pytest.mark.parametrize("bad", [HUGE, "²", "١٢"])
def test_bad_ids_in_forms_and_query_strings_are_400_or_404(client, cast, bad):
    studio = cast.studio
    s = studio.id
    task = make_task(studio, cast.master, [cast.new_teacher], deliverable="text")
    case = make_case(studio, cast.new_teacher, state="submitted", reviewer=cast.backbone)
    thread = Thread(studio_id=s, author_id=cast.master.id, title="t")
    db.session.add(thread)
    db.session.commit()
    db.session.add(Notification(user_id=cast.master.id, kind="task_assigned", subject="x",
                                link="/"))
    db.session.commit()
    login(client, cast.master)
    cases = count(LessonCase)
    checks = [
        client.get(f"/studios/{s}/threads/new?subject_type=case&subject_id={bad}"),
        client.post(f"/studios/{s}/threads/{thread.id}/reply",
                    data={"body": "回复", "quoted_post_id": bad}),
        client.post("/notifications/read", data={"notification_id": bad}),
        client.post(f"/studios/{s}/hours/adjust",
                    data={"member_id": bad, "amount": "1", "reason": "补录"}),
        client.post(f"/studios/{s}/groups/assign",
                    data={"mentee_id": bad, "mentor_id": str(cast.backbone.id)}),
        client.post(f"/studios/{s}/members",
                    data={"username": "new_one", "name": "新人", "role": "new_teacher",
                          "mentor": bad, "initial_password": "Kaoshi-2026!x"}),
        client.post(f"/studios/{s}/tasks/new",
                    data={"title": "任务", "focus": "lesson_design", "deliverable": "text",
                          "hours": "2", "opens_on": "2026-01-01", "due_on": "2026-12-01",
                          "audience": "group", "audience_value": bad}),
        client.post(f"/studios/{s}/tasks/new",
                    data={"title": "任务", "focus": "lesson_design", "deliverable": "text",
                          "hours": "2", "opens_on": "2026-01-01", "due_on": "2026-12-01",
                          "audience": "members", "members": [bad]}),
    ]
    for response in checks:
        assert response.status_code in (400, 404), (response.request.path, response.status_code)
    login(client, cast.new_teacher)
    assert client.get(f"/studios/{s}/cases/new?assignment={bad}").status_code in (400, 404)
    assert client.post(f"/studios/{s}/cases/new", data={"kind": "standard", "title": "课例",
                                                       "assignment_id": bad}).status_code == 400
    assert count(LessonCase) == cases
    login(client, cast.backbone)
    response = client.post(f"/studios/{s}/cases/{case.id}/comments",
                           data={"second": "10", "dimension": "teaching_delivery",
                                 "kind": "suggestion", "body": "好", "parent_id": bad})
    assert response.status_code in (400, 404) and count(VideoComment) == 0
    assert count(Post) == 0 and db.session.get(User, cast.new_teacher.id).role_in(studio)


def test_a_good_id_still_works_after_the_parser(client, cast):
    row = Notification(user_id=cast.master.id, kind="task_assigned", subject="x", link="/")
    db.session.add(row)
    db.session.commit()
    login(client, cast.master)
    response = client.post("/notifications/read", data={"notification_id": str(row.id)})
    assert response.status_code == 302
    assert db.session.get(Notification, row.id).read_at is not None


# --- Socket.IO ----------------------------------------------------------------------------------
def connect(app, client, user):
    login(client, user, locale="zh_CN")
    return socketio.test_client(app, flask_test_client=client)


@pytest.fixture
def room(cast):
    return f"studio:{cast.studio.id}"


def messages():
    return db.session.execute(select(ChatMessage)).scalars().all()


@pytest.mark.parametrize("payload", [
    {"client_id": "c-1", "body": "大家\x00好"},
    {"client_id": "c\x00", "body": "大家好"},
    {"client_id": "c-1", "body": "x\udc00"},
    {"client_id": "c-1", "body": "ok", "extra": {"deep": ["a", "b\x00"]}},
    {"client_id": "c-1", "body": "ok", "k\x00": 1},
])
def test_a_nul_byte_in_an_event_is_invalid_and_not_stored(app, cast, client, room, payload):
    sio = connect(app, client, cast.new_teacher)
    ack = sio.emit("send", {"room": room, **payload}, callback=True)
    assert ack["ok"] is False and ack["code"] == "invalid" and "无法保存的字符" in ack["error"]
    db.session.expire_all()
    assert messages() == []


@pytest.mark.parametrize("event", ["join", "leave", "send", "sync", "history", "typing"])
@pytest.mark.parametrize("room_name", ["studio:" + HUGE, "studio:²", "studio:١٢",
                                       f"seminar:{2 ** 63}", "studio:-1"])
def test_a_bad_room_id_is_refused_not_an_error(app, cast, client, event, room_name):
    sio = connect(app, client, cast.new_teacher)
    ack = sio.emit(event, {"room": room_name, "client_id": "c", "body": "x", "after_seq": 0,
                           "before_seq": 5}, callback=True)
    assert ack["ok"] is False and ack["code"] in ("refused", "invalid"), ack


@pytest.mark.parametrize("event,field", [("sync", "after_seq"), ("history", "before_seq"),
                                         ("join", "after_seq")])
@pytest.mark.parametrize("value", [2 ** 63, 2 ** 31, 10 ** 30, -1, "²", 1.5, True])
def test_bad_sequence_numbers_are_refused_not_an_error(app, cast, client, room, event, field,
                                                       value):
    sio = connect(app, client, cast.new_teacher)
    ack = sio.emit(event, {"room": room, field: value}, callback=True)
    if event == "join":  # a bad after_seq falls back to the recent history
        assert ack["ok"] is True
    else:
        assert ack["ok"] is False and ack["code"] == "invalid", ack


@pytest.mark.parametrize("event,payload", [
    ("delete", {"message_id": 2 ** 63}), ("delete", {"message_id": "²"}),
    ("mute", {"user_id": 2 ** 63}), ("mute", {"user_id": "١٢"}),
    ("save_thread", {"from_seq": 1, "to_seq": 2 ** 63, "title": "纪要"}),
    ("save_thread", {"from_seq": "²", "to_seq": 1, "title": "纪要"}),
])
def test_bad_ids_in_moderator_events_are_refused(app, cast, client, room, event, payload):
    sio = connect(app, client, cast.master)
    ack = sio.emit(event, {"room": room, **payload}, callback=True)
    assert ack["ok"] is False and ack["code"] == "refused", ack


@pytest.mark.parametrize("field,value", [("body", {"x": 1}), ("body", ["a"]), ("body", 42),
                                         ("client_id", 7), ("client_id", {"a": "b"}),
                                         ("room", 1), ("body", None)])
def test_non_string_text_fields_are_invalid(app, cast, client, room, field, value):
    sio = connect(app, client, cast.new_teacher)
    payload = {"room": room, "client_id": "c-1", "body": "大家好", field: value}
    ack = sio.emit("send", payload, callback=True)
    assert ack["ok"] is False and ack["code"] == "invalid", ack
    db.session.expire_all()
    assert messages() == []


def test_save_thread_with_a_non_string_title_is_invalid(app, cast, client, room):
    chat_ops.post_message(cast.studio, room, cast.new_teacher, "seed", "第一条")
    db.session.commit()
    sio = connect(app, client, cast.master)
    ack = sio.emit("save_thread", {"room": room, "from_seq": 1, "to_seq": 1, "title": ["x"]},
                   callback=True)
    assert ack["ok"] is False and ack["code"] == "invalid"


def test_string_sequence_numbers_still_work(app, cast, client, room):
    chat_ops.post_message(cast.studio, room, cast.new_teacher, "seed", "第一条")
    db.session.commit()
    sio = connect(app, client, cast.new_teacher)
    ack = sio.emit("sync", {"room": room, "after_seq": "0"}, callback=True)
    assert ack["ok"] and [m["seq"] for m in ack["messages"]] == [1]


# --- Socket.IO rate limits ----------------------------------------------------------------------
def received(sio, name):
    return [m for m in sio.get_received() if m["name"] == name]


def test_excess_typings_are_dropped_not_broadcast(app, cast, client, room):
    app.config["CHAT_TYPING_RATE_LIMIT"] = "5 per minute"
    watcher = connect(app, app.test_client(), cast.backbone)
    assert watcher.emit("join", {"room": room}, callback=True)["ok"]
    sio = connect(app, client, cast.new_teacher)
    assert sio.emit("join", {"room": room}, callback=True)["ok"]
    watcher.get_received()
    acks = [sio.emit("typing", {"room": room}, callback=True) for _ in range(50)]
    assert all(ack["ok"] for ack in acks)
    assert len(received(watcher, "typing")) == 5


def test_excess_joins_are_refused(app, cast, client, room):
    app.config["CHAT_JOIN_RATE_LIMIT"] = "5 per minute"
    watcher = connect(app, app.test_client(), cast.backbone)
    assert watcher.emit("join", {"room": room}, callback=True)["ok"]
    sio = connect(app, client, cast.new_teacher)
    watcher.get_received()
    acks = [sio.emit("join", {"room": room}, callback=True) for _ in range(50)]
    assert [a["ok"] for a in acks] == [True] * 5 + [False] * 45
    assert {a["code"] for a in acks[5:]} == {"rate_limited"} and acks[5]["error"]
    assert len(received(watcher, "presence")) == 5


def test_typing_and_join_limits_are_separate_from_messages(app, cast, client, room):
    app.config.update(CHAT_TYPING_RATE_LIMIT="1 per minute", CHAT_JOIN_RATE_LIMIT="2 per minute")
    sio = connect(app, client, cast.new_teacher)
    assert sio.emit("join", {"room": room}, callback=True)["ok"]
    for _ in range(3):
        sio.emit("typing", {"room": room}, callback=True)
    ack = sio.emit("send", {"room": room, "client_id": "c-1", "body": "还能发言"}, callback=True)
    assert ack["ok"], ack
