"""The Socket.IO authorization matrix: every event × every role, like tests/authz.py for
pages. A handler without an entry here fails ``test_every_event_is_declared``."""
import pytest

from studio.extensions import db, socketio
from tests.conftest import login

ROLES = ("anonymous", "admin", "master", "backbone", "new_teacher", "outsider", "other_office")
OK, FORBIDDEN, REFUSED = "ok", "forbidden", "refused"


def E(admin, master, backbone, new_teacher, outsider, other_office=FORBIDDEN):
    """The office of another region (洛阳市) is refused every room of the cast's studio."""
    return dict(zip(ROLES[1:], (admin, master, backbone, new_teacher, outsider, other_office)))


MEMBERS = E(OK, OK, OK, OK, FORBIDDEN)
# The project office reads a room but does not take part (Studio.can_take_part).
TAKING_PART = E(REFUSED, OK, OK, OK, FORBIDDEN)
MODERATORS = E(REFUSED, OK, OK, REFUSED, FORBIDDEN)

# event: (payload builder, expected outcome per logged-in role)
EVENTS = {
    "join": (lambda v: {"room": v["room"]}, MEMBERS),
    "leave": (lambda v: {"room": v["room"]}, MEMBERS),
    "send": (lambda v: {"room": v["room"], "client_id": "c-1", "body": "大家好"}, TAKING_PART),
    "sync": (lambda v: {"room": v["room"], "after_seq": 0}, MEMBERS),
    "history": (lambda v: {"room": v["room"], "before_seq": 5}, MEMBERS),
    "typing": (lambda v: {"room": v["room"]}, TAKING_PART),
    "delete": (lambda v: {"room": v["room"], "message_id": v["message_id"]}, MODERATORS),
    "mute": (lambda v: {"room": v["room"], "user_id": v["new_teacher_id"]},
             E(REFUSED, OK, OK, REFUSED, FORBIDDEN)),
    "save_thread": (lambda v: {"room": v["room"], "from_seq": 1, "to_seq": 1, "title": "研讨纪要"},
                    MODERATORS),
}
NOT_EVENTS = {"connect", "disconnect"}


def test_every_event_is_declared(app):
    handlers = set(socketio.server.handlers.get("/", {}))
    assert handlers - NOT_EVENTS == set(EVENTS), "declare new Socket.IO events in EVENTS"


def seed(cast):
    from blueprints.chat import operations
    room = f"studio:{cast.studio.id}"
    message, _ = operations.post_message(cast.studio, room, cast.new_teacher, "seed-1", "第一条消息")
    db.session.commit()
    return {"room": room, "message_id": message.id, "new_teacher_id": cast.new_teacher.id}


def connect(app, client, user):
    login(client, user)
    return socketio.test_client(app, flask_test_client=client)


def test_anonymous_cannot_connect(app, cast, client):
    sio = connect(app, client, None)
    assert not sio.is_connected()


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize("event", sorted(EVENTS))
def test_event_matrix(app, cast, client, event, role):
    values = seed(cast)
    build, expected = EVENTS[event]
    sio = connect(app, client, getattr(cast, role))
    assert sio.is_connected()
    ack = sio.emit(event, build(values), callback=True)
    outcome = OK if ack["ok"] else ("forbidden" if ack["code"] == "forbidden" else REFUSED)
    assert outcome == expected[role], f"{event} as {role}: {ack}"
    if not ack["ok"]:
        assert ack["error"], "a refusal carries a message for the user"
    sio.disconnect()


@pytest.mark.parametrize("payload", [None, "studio:1", 42, ["x"], {"room": "nowhere:1"},
                                     {"room": "studio:999999"}, {"room": ""}])
def test_bad_payloads_are_refused_not_crashed(app, cast, client, payload):
    sio = connect(app, client, cast.new_teacher)
    for event in EVENTS:
        ack = sio.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"]
    ack = sio.emit("join", {"room": f"studio:{cast.studio.id}"}, callback=True)
    assert ack["ok"], "the connection keeps working after bad events"
