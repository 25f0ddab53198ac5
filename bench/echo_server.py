"""A bare Flask-SocketIO echo server: the baseline for bench/socket_bench.py.

Same events and payloads as the live discussion, none of the app: no database, no login,
no presence, no rate limit. ``join`` {room} joins the room; ``send`` {room, client_id, body}
emits ``message`` with the same data to the room (sender included, as the app does).
Both answer through the acknowledgement.

Served the way the app's Socket.IO processes are (run from bench/):

    SOCKETIO_ASYNC_MODE=gevent gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker \
        -w 1 -b 127.0.0.1:5601 echo_server:app

``REDIS_URL`` set: several processes share rooms through Redis, like the app.
``SOCKETIO_CHANNEL`` names the Redis channel (default ``bench-echo``, so the echo never
hears the app's ``flask-socketio`` channel).
"""
import os

from flask import Flask
from flask_socketio import SocketIO, emit, join_room

app = Flask(__name__)
socketio = SocketIO(
    app,
    async_mode=os.environ.get("SOCKETIO_ASYNC_MODE", "gevent"),
    message_queue=os.environ.get("REDIS_URL") or None,
    channel=os.environ.get("SOCKETIO_CHANNEL", "bench-echo"),
    manage_session=False,
)


@socketio.on("join")
def on_join(data):
    join_room(data["room"])
    return {"ok": True}


@socketio.on("send")
def on_send(data):
    emit("message", data, to=data["room"])
    return {"ok": True}


if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "5601")))
