"""The live discussion against the real server: ``python wsgi.py`` processes (threading mode),
real python-socketio clients over TCP, the demo studio loaded with ``seed-demo``.

The single-process tests always run (SQLite file, or a fresh PostgreSQL database when
``DATABASE_URL`` names PostgreSQL). The two-process tests share Redis (Socket.IO message
queue, presence) and are marked ``services``: without Redis they skip, or fail when
``REQUIRE_SERVICES=1``.
"""
import os
import random
import threading
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import socketio

from tests.conftest import REQUIRE_SERVICES
from tests.services.live import (
    LiveDatabase, Member, ServerProcess, close_in_background, connect, free_port, login, logout,
    parallel, room_state, server_logs, start_servers,
)

ROOM = "studio:1"                    # 初中数学名师网络工作室, the first studio seed-demo makes
MEMBERS = [f"teacher{i:03d}" for i in range(1, 51)]
SENDERS = [f"backbone{i:02d}" for i in range(1, 6)]
MESSAGES = 100                       # in total, MESSAGES // len(SENDERS) per sender
DROPPED = 10                         # members forcibly disconnected and reconnected
REDIS_DB = 5                         # the two-process tests use this Redis database
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def services_problem(message):
    if REQUIRE_SERVICES:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def logs_on_failure(*servers):
    """Print the servers' logs (shown by pytest with the failure) when the block fails."""
    try:
        yield
    except Exception:
        print(server_logs(servers))
        raise
    for server in servers:
        assert server.alive(), f"server {server.name} died:\n{server_logs(servers)}"


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live_db(tmp_path_factory):
    """A fresh database (upgraded, demo loaded) shared by the servers of this module."""
    configured = os.environ.get("DATABASE_URL")
    database = LiveDatabase(tmp_path_factory.mktemp("live"), configured)
    try:
        database.create()
    except Exception as error:  # PostgreSQL named but not reachable
        services_problem(f"cannot create a database next to {configured!r}: {error}")
    try:
        database.prepare()
        yield database
    finally:
        database.drop()


@pytest.fixture(scope="module")
def server(live_db):
    """One server process, no Redis: in-memory presence and Socket.IO rooms."""
    process = ServerProcess(live_db, "solo")
    try:
        start_servers([process])
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def redis_live_url():
    """Redis database ``REDIS_DB`` on the server of ``REDIS_URL`` (or the local default)."""
    import redis

    base = urlsplit(os.environ.get("REDIS_URL") or DEFAULT_REDIS)
    url = urlunsplit(base._replace(path=f"/{REDIS_DB}"))
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=5)
        connection.ping()
    except redis.RedisError as error:
        services_problem(f"Redis is not reachable at {url}: {error}")
    clean_redis(connection)
    yield url
    clean_redis(connection)
    connection.close()


def clean_redis(connection):
    """Forget presence and rate-limit counters left by an earlier run (our prefixes only)."""
    for pattern in ("mentor:presence:*", "LIMITS:*"):
        keys = list(connection.scan_iter(match=pattern, count=500))
        if keys:
            connection.delete(*keys)


@pytest.fixture(scope="module")
def two_servers(live_db, redis_live_url):
    """Two server processes sharing the database and Redis (message queue and presence)."""
    processes = [ServerProcess(live_db, "A", REDIS_URL=redis_live_url),
                 ServerProcess(live_db, "B", REDIS_URL=redis_live_url)]
    try:
        start_servers(processes)
        yield processes
    finally:
        for process in processes:
            process.stop()


@pytest.fixture(scope="module")
def cookies():
    """Session cookies by username, logged in once through the form. The processes share
    SECRET_KEY and the database, so a cookie works on every one of them."""
    cache, lock = {}, threading.Lock()

    def cookie_for(base_url, username):
        with lock:
            if username in cache:
                return cache[username]
        _http, cookie = login(base_url, username)
        with lock:
            cache[username] = cookie
        return cookie
    return cookie_for


# --- the room under load -------------------------------------------------------------------

class Sender:
    """Sends its share of the messages, each with its own client id, re-sending the same id
    when the answer is an error (as the page does after a reconnect)."""

    def __init__(self, member, run, number, count):
        self.member, self.number, self.count = member, number, count
        self.client_ids = [f"{run}-s{number}-{k:03d}" for k in range(count)]
        self.acks = {}          # client_id -> (seq, id)
        self.errors = []        # error acknowledgements (then re-sent)
        self.mismatches = []    # a re-send answered with another seq or id
        self.duplicates_sent = 0

    def _send(self, client_id):
        data = {"room": ROOM, "client_id": client_id, "body": f"第{self.number}位骨干 · {client_id}"}
        for attempt in range(8):
            ack = self.member.client.call("send", data, timeout=20)
            if ack and ack.get("ok"):
                return ack
            self.errors.append((client_id, ack))
            assert ack and ack.get("code") in ("error",), f"send refused for good: {ack}"
            time.sleep(0.05 * (attempt + 1))
        raise AssertionError(f"{client_id}: no ok acknowledgement after 8 tries: "
                             f"{self.errors[-3:]}")

    def _check(self, client_id, ack, how):
        first = self.acks[client_id]
        if (ack["seq"], ack["id"]) != first:
            self.mismatches.append((client_id, how, first, (ack["seq"], ack["id"])))

    def _send_twice_at_once(self, client_id):
        """The same client id twice without waiting (a re-send while the first is in flight):
        every ok answer must carry the same seq."""
        data = {"room": ROOM, "client_id": client_id, "body": f"第{self.number}位骨干 · {client_id}"}
        answers, done = [], threading.Semaphore(0)

        def got(ack):
            answers.append(ack)
            done.release()
        self.member.client.emit("send", data, callback=got)
        self.member.client.emit("send", data, callback=got)
        for _ in range(2):
            assert done.acquire(timeout=20), f"{client_id}: no acknowledgement"
        oks = [a for a in answers if a.get("ok")]
        for ack in answers:
            if not ack.get("ok"):
                self.errors.append((client_id, ack))
        if oks:
            self.acks[client_id] = (oks[0]["seq"], oks[0]["id"])
            for ack in oks[1:]:
                self._check(client_id, ack, "concurrent")
        # Whatever happened, a later re-send answers with the one stored message.
        ack = self._send(client_id)
        if client_id not in self.acks:
            self.acks[client_id] = (ack["seq"], ack["id"])
        self._check(client_id, ack, "after concurrent")
        self.duplicates_sent += 2

    def run(self, pace):
        rng = random.Random(self.number)
        for k, client_id in enumerate(self.client_ids):
            if k % 10 == 4:
                self._send_twice_at_once(client_id)
            else:
                ack = self._send(client_id)
                self.acks[client_id] = (ack["seq"], ack["id"])
                if k % 5 == 1:   # a re-send of an acknowledged message
                    self._check(client_id, self._send(client_id), "re-send")
                    self.duplicates_sent += 1
            time.sleep(pace * rng.uniform(0.5, 1.5))


def room_under_load(urls, cookie_for):
    """50 members in the room, 5 senders, 100 messages, 10 members dropped and back."""
    run = uuid.uuid4().hex[:8]
    timings, clock = {}, time.monotonic()

    def lap(name):
        nonlocal clock
        timings[name] = round(time.monotonic() - clock, 2)
        clock = time.monotonic()
    names = ["master"] + MEMBERS + SENDERS
    parallel(lambda i: cookie_for(urls[i % len(urls)], names[i]), range(len(names)), workers=8)
    lap("login")
    master_cookie = cookie_for(urls[0], "master")
    start_seq, before = room_state(urls[0], master_cookie, ROOM)

    def ours(message):
        return message["client_id"].startswith(run + "-")
    members = [Member(name, urls[i % len(urls)], cookie_for(urls[i % len(urls)], name), ROOM,
                      base_seq=start_seq, ours=ours)
               for i, name in enumerate(MEMBERS)]
    senders = [Member(name, urls[i % len(urls)], cookie_for(urls[i % len(urls)], name), ROOM,
                      base_seq=start_seq, ours=ours)
               for i, name in enumerate(SENDERS)]
    everyone = members + senders
    try:
        parallel(lambda m: m.connect(after_seq=start_seq), everyone, workers=10)
        lap("connect")
        per_sender = MESSAGES // len(SENDERS)
        workers = [Sender(m, run, n + 1, per_sender) for n, m in enumerate(senders)]

        rng = random.Random(run)
        victims = rng.sample(members, DROPPED)
        chaos_errors = []

        def chaos(member, delay):
            try:
                time.sleep(delay)
                member.drop()                      # the socket goes away (clean close)
                time.sleep(rng.uniform(0.1, 0.5))
                # Back through the "load balancer": on two processes, to the other one.
                member.base_url = urls[(urls.index(member.base_url) + 1) % len(urls)]
                member.reconnect()                 # join after_seq + sync after_seq
            except Exception as error:   # reported below, with the member
                chaos_errors.append((member.name, repr(error)))

        failures = []

        def guard(fn):
            def wrapped(*args):
                try:
                    fn(*args)
                except BaseException as error:  # reported below
                    failures.append(repr(error))
            return wrapped
        threads = [threading.Thread(target=guard(s.run), args=(0.03,)) for s in workers]
        threads += [threading.Thread(target=chaos, args=(v, 0.2 + 0.25 * i))
                    for i, v in enumerate(victims)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "a sender or a reconnect hung"
        lap("send")
        assert not failures, f"senders failed: {failures}"
        assert not chaos_errors, f"reconnects failed: {chaos_errors}"

        # What the senders were told: every client id stored once, seqs contiguous.
        acks = {cid: a for s in workers for cid, a in s.acks.items()}
        mismatches = [m for s in workers for m in s.mismatches]
        assert not mismatches, f"a re-sent client id got another message: {mismatches}"
        assert len(acks) == MESSAGES
        seqs = sorted(seq for seq, _id in acks.values())
        expected = list(range(start_seq + 1, start_seq + MESSAGES + 1))
        assert seqs == expected, \
            f"acknowledged seqs are not {start_seq + 1}..{start_seq + MESSAGES}: {seqs}"
        by_seq = {seq: (cid, mid) for cid, (seq, mid) in acks.items()}

        # Every member ends with every message exactly once, by seq, nothing else.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if all(set(expected) <= set(m.rendered) for m in everyone):
                break
            time.sleep(0.1)
        lap("converge")
        late = sum(len(m.out_of_order()) for m in everyone)
        risky = [(m.name, a, s, lost) for m in members for a, s, lost in m.max_seen_after_seqs
                 if lost]
        stats = {
            "servers": len(urls), "start_seq": start_seq, "seconds": timings,
            "reconnects": sum(m.reconnects for m in members),
            # Error answers to a send (each then re-sent with the same client id, as the page's
            # outbox does): (client id, code). Ids ending in 004/014 were sent twice at once.
            "error_acks": [(cid, (ack or {}).get("code"))
                           for s in workers for cid, ack in s.errors],
            "duplicate_sends": sum(s.duplicates_sent for s in workers),
            "live_events": sum(len(m.live) for m in everyone),
            "out_of_order_live_events": late,
            # Reconnects where the highest seq seen (chat.js's lastSeq) had a hole below it:
            # (member, last contiguous seq, highest seq, seqs a lastSeq-based join would lose).
            "reconnects_with_a_hole_below_the_highest_seq": risky,
            # Messages of another room, or of another deployment publishing on the same Redis
            # server (Socket.IO's pub/sub channel ignores the database number).
            "foreign_messages": sum(len(m.foreign) for m in everyone),
        }
        print(f"\nLIVE-STATS {stats}")
        problems = []
        for m in everyone:
            mine = sorted(s for s in m.rendered if s > start_seq)
            missing = sorted(set(expected) - set(mine))
            extra = sorted(set(mine) - set(expected))
            if missing or extra:
                problems.append(f"{m.name} (dropped {m.reconnects}x): missing {missing[:20]}"
                                f"{'…' if len(missing) > 20 else ''} extra {extra[:20]}")
            wrong = [s for s in expected if s in m.rendered
                     and (m.rendered[s]["client_id"], m.rendered[s]["id"]) != by_seq[s]]
            if wrong:
                problems.append(f"{m.name}: other content than acknowledged at seqs {wrong[:20]}")
            if m.conflicts:
                problems.append(f"{m.name}: one seq, two contents: {m.conflicts[:3]}")
            if m.live_duplicates():
                problems.append(f"{m.name}: the same seq twice on one connection: "
                                f"{m.live_duplicates()[:10]}")
        assert not problems, "\n".join(problems)

        # The database side: sync from 0 holds the earlier messages and exactly these 100.
        last_seq, after = room_state(urls[-1], master_cookie, ROOM)
        assert last_seq == start_seq + MESSAGES
        assert len(after) == len(before) + MESSAGES
        new = [m for m in after if m["seq"] > start_seq]
        assert [m["seq"] for m in new] == expected
        assert sorted(m["client_id"] for m in new) == sorted(acks)
        lap("check")

        return stats
    finally:
        parallel(lambda m: m.drop(), everyone, workers=len(everyone))


def test_fifty_clients_get_every_message_once_in_order(server, cookies):
    with logs_on_failure(server):
        room_under_load([server.base_url], cookies)


@pytest.mark.services
def test_fifty_clients_on_two_processes_get_every_message_once_in_order(two_servers, cookies):
    with logs_on_failure(*two_servers):
        room_under_load([s.base_url for s in two_servers], cookies)


# --- who may connect -----------------------------------------------------------------------

@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_foreign_origin_refused(server, cookies, transport):
    with logs_on_failure(server):
        cookie = cookies(server.base_url, "teacher051")
        with pytest.raises(socketio.exceptions.ConnectionError):
            connect(server.base_url, cookie, transports=[transport], origin="http://evil.example")
        client = connect(server.base_url, cookie, transports=[transport],
                         origin=f"http://127.0.0.1:{server.port}")
        try:
            assert client.connected
            ack = client.call("join", {"room": ROOM, "after_seq": 0}, timeout=15)
            assert ack["ok"], ack
        finally:
            close_in_background(client)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_anonymous_refused(server, transport):
    def refused(cookie):
        try:
            client = connect(server.base_url, cookie, transports=[transport])
        except socketio.exceptions.ConnectionError:
            return True
        close_in_background(client)
        return False
    with logs_on_failure(server):
        # No cookie, and a forged one (the client's own close takes ~3 s: in parallel).
        assert parallel(refused, [None, "eyJfdXNlcl9pZCI6IngifQ.forged.cookie"]) == [True, True]


# --- logout ends the socket ----------------------------------------------------------------

def logout_ends_socket(socket_url, logout_url, username):
    http, cookie = login(logout_url, username)
    member = Member(username, socket_url, cookie, ROOM)
    member.connect(after_seq=0)
    try:
        assert not member.disconnected.is_set()
        # (A session_ended before the logout would come from another deployment on the same
        # Redis server: their user ids are ours too. Only what comes after the logout counts.)
        early = len(member.session_ended_at)
        logged_out = time.monotonic()
        answer = logout(http, logout_url)
        assert answer.status_code in (302, 303), answer.status_code

        def ended():
            return any(at >= logged_out for at in member.session_ended_at[early:])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if ended() and member.disconnected.is_set():
                break
            time.sleep(0.05)
        assert ended() or member.disconnected.is_set(), \
            "within 5 s the socket neither received session_ended nor was disconnected"
        outcome = {"session_ended": ended(), "disconnected": member.disconnected.is_set(),
                   "seconds": round(time.monotonic() - logged_out, 2),
                   "session_ended_before_logout": early}
        if not member.disconnected.is_set():   # still open: any event must end it now
            ack = member.client.call("sync", {"room": ROOM, "after_seq": 0}, timeout=10)
            assert ack["ok"] is False and ack["code"] == "unauthenticated", ack
        # The old cookie opens neither a socket nor a page, on any process.
        for url in {socket_url, logout_url}:
            with pytest.raises(socketio.exceptions.ConnectionError):
                connect(url, cookie)
            page = requests.get(url + "/", cookies={"mentor_studio_session": cookie},
                                allow_redirects=False, timeout=15)
            assert page.status_code == 302 and "/login" in page.headers["Location"]
        print(f"\nLOGOUT {outcome}")
        return outcome
    finally:
        member.drop()


def test_logout_ends_socket(server):
    with logs_on_failure(server):
        logout_ends_socket(server.base_url, server.base_url, "teacher060")


@pytest.mark.services
def test_logout_on_one_process_ends_socket_on_the_other(two_servers):
    a, b = two_servers
    with logs_on_failure(a, b):
        logout_ends_socket(b.base_url, a.base_url, "teacher061")


# --- Redis down ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server_without_redis(live_db):
    """A server whose REDIS_URL points at a closed port."""
    process = ServerProcess(live_db, "noredis", REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    try:
        start_servers([process])
        yield process
    finally:
        process.stop()


def test_redis_down_pages_keep_working(server_without_redis):
    server = server_without_redis
    base = server.base_url
    with logs_on_failure(server):
        http, cookie = login(base, "teacher062")
        home = http.get(base + "/", timeout=15)
        assert home.status_code == 200 and "初中数学名师网络工作室" in home.text
        assert http.get(base + "/studios/1/live", timeout=15).status_code == 200

        outcome = {}
        started = time.monotonic()
        try:
            client = connect(base, cookie, wait_timeout=3)
        except socketio.exceptions.ConnectionError as error:
            outcome["connect"] = (f"refused after {time.monotonic() - started:.1f} s "
                                  f"(wait_timeout 3 s): {error}")
        else:
            outcome["connect"] = "ok"
            try:
                try:
                    join = client.call("join", {"room": ROOM, "after_seq": 0}, timeout=15)
                    outcome["join"] = join.get("ok"), join.get("code")
                except socketio.exceptions.TimeoutError:
                    outcome["join"] = "no answer"
                try:
                    send = client.call("send", {"room": ROOM, "client_id": uuid.uuid4().hex,
                                                "body": "Redis 不在时的消息"}, timeout=15)
                    outcome["send"] = send
                    assert send.get("ok") in (True, False) and (send["ok"] or send.get("error"))
                except socketio.exceptions.TimeoutError:
                    outcome["send"] = "no answer"
            finally:
                close_in_background(client)
        # Whatever the socket did, the process still answers pages.
        assert http.get(base + "/healthz", timeout=15).status_code == 200
        assert http.get(base + "/notifications", timeout=15).status_code == 200
        assert logout(http, base).status_code in (302, 303)
        assert http.get(base + "/login", timeout=15).status_code == 200
        print(f"\nREDIS-DOWN {outcome}")
