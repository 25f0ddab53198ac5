"""Helpers for the live tests: the real app served by ``python wsgi.py`` in its own processes,
real python-socketio clients talking to it over TCP, and a client-side model of the live room
that follows the page's rule "render by seq, exactly once".

Nothing here uses the in-process app of ``tests/conftest.py``.
"""
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import requests
import socketio

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
DEMO_PASSWORD = "demo12345"
SECRET_KEY = "live-test-secret-key-shared-by-every-process"
COOKIE = "mentor_studio_session"
STARTUP_TIMEOUT = 30
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# --- database ------------------------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def libpq_url(url):
    from sqlalchemy.engine import make_url
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class LiveDatabase:
    """A fresh database for the live servers: a SQLite file in ``tmp_dir``, or, when
    ``DATABASE_URL`` names PostgreSQL, a new database on that server (dropped by ``drop``)."""

    def __init__(self, tmp_dir, configured_url=None):
        self.tmp_dir = str(tmp_dir)
        self.upload_dir = os.path.join(self.tmp_dir, "uploads")
        os.makedirs(self.upload_dir, exist_ok=True)
        self.pg_name = None
        self._admin_url = None
        if configured_url and configured_url.startswith("postgresql"):
            from sqlalchemy.engine import make_url
            base = make_url(configured_url)
            self.pg_name = f"mentor_live_{uuid.uuid4().hex[:10]}"
            self._admin_url = libpq_url(base.set(database="postgres"))
            self.url = base.set(database=self.pg_name).render_as_string(hide_password=False)
        else:
            self.url = f"sqlite:///{self.tmp_dir}/live.db"

    @property
    def dialect(self):
        return "postgresql" if self.pg_name else "sqlite"

    def _admin(self, sql):
        import psycopg
        with psycopg.connect(self._admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)

    def create(self):
        """Raises psycopg.OperationalError when PostgreSQL cannot be reached."""
        if self.pg_name:
            self._admin(f'CREATE DATABASE "{self.pg_name}" ENCODING \'UTF8\' TEMPLATE template0')
        return self

    def drop(self):
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def env(self, **extra):
        env = dict(os.environ)
        for name in ("REDIS_URL", "ALLOWED_ORIGINS", "SOCKETIO_ASYNC_MODE", "HOST", "PORT"):
            env.pop(name, None)
        env.update({
            "DATABASE_URL": self.url,
            "UPLOAD_DIR": self.upload_dir,
            "SECRET_KEY": SECRET_KEY,
            "RATELIMIT_ENABLED": "0",
            "CHAT_RATE_LIMIT": "1000 per 1 second",
            "PYTHONUNBUFFERED": "1",
        })
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def flask(self, *args):
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args],
                                cwd=REPO_ROOT, env=self.env(), capture_output=True, text=True,
                                timeout=180)
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")
        return result

    def prepare(self):
        self.flask("db", "upgrade")
        self.flask("seed-demo")
        return self


# --- server processes ----------------------------------------------------------------------

def http_ok(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


class ServerProcess:
    """``python wsgi.py`` (Flask-SocketIO, threading mode) on a free port."""

    def __init__(self, database, name, **env):
        self.name = name
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = database.env(HOST="127.0.0.1", PORT=self.port, SOCKETIO_ASYNC_MODE="threading",
                                **env)
        self.log_path = os.path.join(database.tmp_dir, f"server-{name}-{self.port}.log")
        self.process = None
        self._log = None

    def start(self):
        self._log = open(self.log_path, "w+")
        self.process = subprocess.Popen([sys.executable, "wsgi.py"], cwd=REPO_ROOT, env=self.env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        return self

    def wait_healthy(self, timeout=STARTUP_TIMEOUT):
        deadline = time.monotonic() + timeout
        while not http_ok(self.base_url + "/healthz"):
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} exited with {self.process.returncode}:\n"
                                   f"{self.output()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"server {self.name}: /healthz not 200 within {timeout} s:\n"
                                   f"{self.output()}")
            time.sleep(0.1)
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def output(self, tail=12000):
        if self._log:
            self._log.flush()
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()[-tail:]
        except OSError:
            return ""

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log:
            self._log.close()
            self._log = None


def start_servers(servers):
    for server in servers:
        server.start()
    for server in servers:
        server.wait_healthy()
    return servers


def server_logs(servers):
    return "\n".join(f"===== server {s.name} ({s.base_url}, alive={s.alive()}) log tail =====\n"
                     f"{s.output()}" for s in servers)


# --- HTTP login ----------------------------------------------------------------------------

def csrf_token(html):
    match = CSRF_RE.search(html)
    assert match, "no csrf_token hidden input in the page"
    return match.group(1)


def login(base_url, username, password=DEMO_PASSWORD):
    """A requests session logged in through the real form; returns (session, cookie value)."""
    http = requests.Session()
    page = http.get(base_url + "/login", timeout=15)
    assert page.status_code == 200, f"GET /login: {page.status_code}"
    answer = http.post(base_url + "/login", timeout=30, allow_redirects=False, data={
        "csrf_token": csrf_token(page.text), "username": username, "password": password})
    assert answer.status_code in (302, 303), \
        f"login {username}: {answer.status_code} {answer.text[:300]}"
    cookie = http.cookies.get(COOKIE)
    assert cookie, f"login {username}: no {COOKIE} cookie"
    return http, cookie


def logout(http, base_url):
    """POST /logout with the csrf token of a page, as the header's form does."""
    page = http.get(base_url + "/notifications", timeout=15)
    assert page.status_code == 200, f"GET /notifications: {page.status_code}"
    return http.post(base_url + "/logout", data={"csrf_token": csrf_token(page.text)},
                     allow_redirects=False, timeout=15)


# --- Socket.IO clients ---------------------------------------------------------------------

def connect(base_url, cookie=None, transports=("websocket",), origin=None, wait_timeout=10):
    """A connected socketio.Client (raises socketio.exceptions.ConnectionError if refused).
    ``origin`` replaces websocket-client's default Origin (http://127.0.0.1:<port>)."""
    options = {"origin": origin} if origin else {}
    client = socketio.Client(reconnection=False, request_timeout=10,
                             websocket_extra_options=options)
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    if origin and "polling" in transports:
        headers["Origin"] = origin
    try:
        client.connect(base_url, headers=headers, transports=list(transports),
                       wait_timeout=wait_timeout)
    except Exception:
        try:
            client.disconnect()
        except Exception:
            pass
        raise
    return client


class Member:
    """One person in the room, across reconnects: every ``message`` event received on any of
    its connections, and what the page would show (rendered by seq, exactly once)."""

    def __init__(self, name, base_url, cookie, room, base_seq=0, ours=None):
        self.name, self.base_url, self.cookie, self.room = name, base_url, cookie, room
        self.base_seq = base_seq
        # Which new messages belong to this test (others: cross-talk through a shared Redis).
        self.ours = ours or (lambda message: True)
        self.lock = threading.Lock()
        self.client = None
        self.connections = 0
        self.live = []            # (connection number, seq) in arrival order, live events only
        self.rendered = {}        # seq -> message
        self.conflicts = []       # the same seq with different content
        self.foreign = []         # messages for another room or from another deployment
        self.session_ended = threading.Event()
        self.session_ended_at = []
        self.disconnected = threading.Event()
        self.reconnects = 0
        self.max_seen = base_seq   # what chat.js keeps as lastSeq
        self.max_seen_after_seqs = []  # (contiguous, highest seen, missing between) per reconnect

    # the client-side rule
    def render(self, message, source):
        seq = message["seq"]
        with self.lock:
            if seq > self.base_seq and not self.ours(message):
                self.foreign.append((source, message))
                return False
            if seq in self.rendered:
                if self._key(self.rendered[seq]) != self._key(message):
                    self.conflicts.append((source, self.rendered[seq], message))
                return False
            self.rendered[seq] = message
            self.max_seen = max(self.max_seen, seq)
            return True

    @staticmethod
    def _key(m):
        return (m["id"], m["seq"], m["client_id"], m["author"]["id"], m["body"])

    def contiguous(self):
        """The last seq seen with nothing missing before it (after ``base_seq``)."""
        with self.lock:
            seq = self.base_seq
            while seq + 1 in self.rendered:
                seq += 1
            return seq

    def _attach(self, client, number):
        @client.on("message")
        def on_message(m):
            with self.lock:
                if m.get("room") != self.room or (m["seq"] > self.base_seq and not self.ours(m)):
                    self.foreign.append((f"live#{number}", m))
                    return
                self.live.append((number, m["seq"]))
            self.render(m, f"live#{number}")

        @client.on("session_ended")
        def on_session_ended(data):
            self.session_ended_at.append(time.monotonic())
            self.session_ended.set()

        @client.on("disconnect")
        def on_disconnect(*args):
            if self.client is client:
                self.disconnected.set()

    def connect(self, after_seq=None, sync=False):
        """Open a new connection and join (with ``after_seq`` when reconnecting); returns the
        join acknowledgement. With ``sync``, also asks ``sync`` from the same seq and merges."""
        client = socketio.Client(reconnection=False, request_timeout=10)
        with self.lock:
            self.connections += 1
            number = self.connections
        self._attach(client, number)
        client.connect(self.base_url, headers={"Cookie": f"{COOKIE}={self.cookie}"},
                       transports=["websocket"], wait_timeout=10)
        self.disconnected.clear()
        self.client = client
        payload = {"room": self.room}
        if after_seq is not None:
            payload["after_seq"] = after_seq
        ack = client.call("join", payload, timeout=15)
        assert ack and ack.get("ok"), f"{self.name}: join refused: {ack}"
        for m in ack["messages"]:
            self.render(m, f"join#{number}")
        if sync:
            self.sync(after_seq or 0, f"sync#{number}")
        return ack

    def sync(self, after_seq, source="sync"):
        while True:
            ack = self.client.call("sync", {"room": self.room, "after_seq": after_seq}, timeout=15)
            assert ack and ack.get("ok"), f"{self.name}: sync refused: {ack}"
            for m in ack["messages"]:
                self.render(m, source)
            if not ack["more"] or not ack["messages"]:
                return ack
            after_seq = ack["messages"][-1]["seq"]

    def drop(self):
        """Close the current connection. The Socket.IO and Engine.IO close packets go out at
        once; the WebSocket close handshake then waits (~3 s against the development server),
        so that part finishes in the background."""
        client, self.client = self.client, None
        if client is not None:
            close_in_background(client)

    def reconnect(self):
        """What the page does after a reconnect: join with the last seq, then sync from it."""
        after = self.contiguous()
        with self.lock:
            # chat.js joins with its lastSeq, the highest seq seen: what it would never get.
            lost = [s for s in range(after + 1, self.max_seen) if s not in self.rendered]
            self.max_seen_after_seqs.append((after, self.max_seen, lost))
            self.reconnects += 1
        return self.connect(after_seq=after, sync=True)

    def live_duplicates(self):
        """Seqs delivered more than once as live events on one and the same connection."""
        seen, dupes = set(), []
        with self.lock:
            for number, seq in self.live:
                if (number, seq) in seen:
                    dupes.append((number, seq))
                seen.add((number, seq))
        return dupes

    def out_of_order(self):
        """Live events that arrived after a higher seq on the same connection."""
        highest, late = {}, []
        with self.lock:
            for number, seq in self.live:
                if seq < highest.get(number, 0):
                    late.append((number, seq, highest[number]))
                highest[number] = max(highest.get(number, 0), seq)
        return late


def close_in_background(client):
    thread = threading.Thread(target=client.disconnect, daemon=True)
    thread.start()
    return thread


def room_state(base_url, cookie, room):
    """(last seq, every message) of a room, read through ``sync`` from 0 with paging."""
    client = connect(base_url, cookie)
    try:
        messages, after = [], 0
        while True:
            ack = client.call("sync", {"room": room, "after_seq": after}, timeout=15)
            assert ack and ack.get("ok"), f"sync refused: {ack}"
            messages.extend(ack["messages"])
            if not ack["more"] or not ack["messages"]:
                break
            after = ack["messages"][-1]["seq"]
        return (messages[-1]["seq"] if messages else 0), messages
    finally:
        close_in_background(client)


def parallel(fn, items, workers=10):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))

