"""Live discussion (Socket.IO) under load: broadcast latency, sustained message rate and
memory per idle connection, for the app and for the bare echo server (bench/echo_server.py).
Run by hand, not by pytest.

Every command starts its own servers the production way (README "Production"): gunicorn
with one ``geventwebsocket.gunicorn.workers.GeventWebSocketWorker`` worker per process,
``SOCKETIO_ASYNC_MODE=gevent``. For the app it first creates a fresh PostgreSQL database
(``flask --app wsgi db upgrade`` + ``seed-demo``, ``SECRET_KEY`` fixed,
``RATELIMIT_ENABLED=0``, ``CHAT_RATE_LIMIT="100000 per 1 second"``) and drops it at the
end. ``--processes 2`` starts two servers sharing Redis (``REDIS_URL``, default
redis://127.0.0.1:6379/6): clients are split across both, the sender is on the first.

    .venv/bin/python bench/socket_bench.py latency --target app  --processes 1
    .venv/bin/python bench/socket_bench.py latency --target echo --processes 2
    .venv/bin/python bench/socket_bench.py rate    --target app  --rates 10,20,50,100
    .venv/bin/python bench/socket_bench.py memory  --target echo --connections 1000

latency: 110 receivers (logged-in members for the app, cookies shared round robin over
         the 90 backbone and new teachers) join ``studio:1``; a separate sender (``master``,
         also in the room) sends ``--messages`` messages at ``--rate`` per second. Each
         receiver timestamps every ``message`` frame as it comes off the socket; latency =
         receipt - send time (CLOCK_MONOTONIC, same machine). Sender's own copies are not
         counted.
rate:    the same, stepping through ``--rates`` for ``--seconds`` each, stopping at the
         first step that loses a message, gets a refused acknowledgement, falls behind the
         pace or has p99 > ``--max-p99`` ms (over the step, or over the messages sent in its
         last quarter: a backlog that keeps growing fails even if the step is short).
memory:  VmRSS of the server worker(s) before and after ``--connections`` idle Socket.IO
         connections (websocket transport, logged in, connected but not joined to a room
         unless ``--join``), opened by ``--client-procs`` processes.

The clients speak Engine.IO 4 / Socket.IO 5 directly over websocket-client (one selector
loop per client process), not through ``socketio.Client``: that client starts a thread per
received event, which at 110 receivers costs more CPU than the server being measured.
``--json FILE`` appends the results as JSON lines.
"""
import argparse
import array
import json
import math
import multiprocessing as mp
import os
import re
import resource
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests
import websocket

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
VENV_BIN = os.path.dirname(sys.executable)
GUNICORN = os.path.join(VENV_BIN, "gunicorn")
WORKER_CLASS = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
ROOM = "studio:1"
PASSWORD = "demo12345"
SENDER = "master"
RECEIVER_USERS = [f"teacher{n:03d}" for n in range(1, 81)] + [f"backbone{n:02d}" for n in range(1, 11)]
USER_AGENT = "mentor-studio-socket-bench/1"
SECRET_KEY = "socket-bench-fixed-secret-key-0123456789abcdef"
CID_RE = re.compile(r'"client_id":\s*"([^"]*)"')
ACK_RE = re.compile(r"^43(\d+)(.*)$", re.S)
BODY = "压测消息 {i}：这节课的导入环节设计得很好，学生参与度很高，建议下次再增加一点小组合作的时间。"
CLK_TCK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count()


# --- small helpers -------------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def vm_status(pid):
    values = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount, _unit = line.split()
                values[key[:-1]] = int(amount) * 1024
    return values


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def machine_cpu():
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values), idle


def wait_quiet(max_wait, threshold=15):
    """Wait (up to max_wait s) until the machine is at most ``threshold`` % busy over 3 s."""
    deadline = time.monotonic() + max_wait
    while True:
        a = machine_cpu()
        time.sleep(3)
        b = machine_cpu()
        busy = (1 - (b[1] - a[1]) / (b[0] - a[0])) * 100
        if busy <= threshold:
            print(f"  machine {busy:.0f}% busy before the run", flush=True)
            return busy
        if time.monotonic() > deadline:
            print(f"  WARNING: machine still {busy:.0f}% busy (other processes); measuring anyway",
                  flush=True)
            return busy
        time.sleep(5)


def open_files_limit(pid):
    with open(f"/proc/{pid}/limits") as handle:
        for line in handle:
            if line.startswith("Max open files"):
                return line.split()[3]
    return "?"


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def mib(n):
    return n / (1024 * 1024)


# --- Engine.IO 4 / Socket.IO 5 over a raw websocket ---------------------------------------
class Refused(Exception):
    pass


def sio_connect(host, port, cookie=None, timeout=30):
    """Open a websocket-only Socket.IO connection to namespace '/'; returns the WebSocket."""
    headers = [f"User-Agent: {USER_AGENT}"]
    if cookie:
        headers.append(f"Cookie: mentor_studio_session={cookie}")
    ws = websocket.create_connection(f"ws://{host}:{port}/socket.io/?EIO=4&transport=websocket",
                                     header=headers, timeout=timeout, skip_utf8_validation=True)
    opening = ws.recv()
    if not opening.startswith("0"):
        raise Refused(f"unexpected Engine.IO open packet {opening[:80]!r}")
    ws.send("40")
    while True:
        frame = ws.recv()
        if frame.startswith("40"):
            return ws
        if frame.startswith("44"):
            ws.close()
            raise Refused(f"connect refused: {frame[:200]}")
        if frame == "2":
            ws.send("3")


def sio_call(ws, ack_id, event, data):
    """Emit with an acknowledgement and wait for it; other frames are answered or dropped."""
    ws.send(f"42{ack_id}" + json.dumps([event, data], ensure_ascii=False, separators=(",", ":")))
    while True:
        frame = ws.recv()
        if frame == "2":
            ws.send("3")
            continue
        match = ACK_RE.match(frame)
        if match and int(match.group(1)) == ack_id:
            return json.loads(match.group(2))[0]


# --- client processes: many receivers in one selector loop --------------------------------
def client_main(conn, targets, cookies, join, room):
    """Child process: open len(targets) connections, then serve commands from ``conn``."""
    raise_nofile()
    socks, errors = [], []
    for k, ((host, port), cookie) in enumerate(zip(targets, cookies)):
        try:
            ws = sio_connect(host, port, cookie)
            if join:
                answer = sio_call(ws, 1, "join", {"room": room})
                if not answer.get("ok"):
                    raise Refused(f"join refused: {answer}")
            socks.append(ws)
        except Exception as error:  # keep going; the parent decides
            errors.append(f"{k}: {type(error).__name__}: {error}")
    conn.send(("ready", len(socks), errors[:5], len(errors)))

    sel = selectors.DefaultSelector()
    for k, ws in enumerate(socks):
        sel.register(ws.sock, selectors.EVENT_READ, k)
    sel.register(conn, selectors.EVENT_READ, None)
    prefix, records = None, [dict() for _ in socks]
    dups = other = closed = 0
    running = True
    while running:
        for key, _mask in sel.select():
            if key.data is None:
                command = conn.recv()
                name = command[0]
                if name == "track":
                    prefix, records, dups, other = command[1], [dict() for _ in socks], 0, 0
                    conn.send(("ok",))
                elif name == "count":
                    counts = [len(r) for r in records]
                    conn.send((sum(counts), min(counts) if counts else 0, closed))
                elif name == "collect":
                    out = []
                    for rec in records:
                        out.append((array.array("l", rec.keys()), array.array("d", rec.values())))
                    conn.send((out, dups, other, closed))
                elif name == "close":
                    running = False
                continue
            k = key.data
            ws = socks[k]
            try:
                frame = ws.recv()
            except Exception:
                sel.unregister(key.fileobj)
                closed += 1
                continue
            now = time.monotonic()
            if frame == "2":
                ws.send("3")
            elif frame.startswith('42["message"') and prefix is not None:
                match = CID_RE.search(frame)
                cid = match.group(1) if match else ""
                if cid.startswith(prefix):
                    idx = int(cid[len(prefix):])
                    rec = records[k]
                    if idx in rec:
                        dups += 1
                    else:
                        rec[idx] = now
                else:
                    other += 1
            elif not frame:
                sel.unregister(key.fileobj)
                closed += 1
    for ws in socks:
        try:
            ws.close(timeout=1)
        except Exception:
            pass
    conn.send(("closed",))


class ClientPool:
    """``procs`` client processes; process i talks to server i % len(servers)."""

    def __init__(self, servers, cookies, count, procs, join):
        self.ctx = mp.get_context("spawn")
        self.procs = []
        per = [count // procs + (1 if i < count % procs else 0) for i in range(procs)]
        position = 0
        for i in range(procs):
            host, port = servers[i % len(servers)]
            these = [cookies[(position + j) % len(cookies)] if cookies else None for j in range(per[i])]
            position += per[i]
            parent, child = self.ctx.Pipe()
            process = self.ctx.Process(target=client_main,
                                       args=(child, [(host, port)] * per[i], these, join, ROOM),
                                       daemon=True)
            process.start()
            self.procs.append((process, parent, per[i], (host, port)))

    def wait_ready(self, timeout):
        ready, problems = 0, []
        deadline = time.monotonic() + timeout
        for process, parent, wanted, _server in self.procs:
            if not parent.poll(max(0.1, deadline - time.monotonic())):
                raise RuntimeError("client process did not get ready in time")
            _tag, ok, errors, n_errors = parent.recv()
            ready += ok
            if n_errors:
                problems.append(f"{n_errors} of {wanted} failed, e.g. {errors}")
        return ready, problems

    def call(self, *command):
        for _process, parent, _n, _s in self.procs:
            parent.send(command)
        return [parent.recv() for _process, parent, _n, _s in self.procs]

    def pids(self):
        return [process.pid for process, _p, _n, _s in self.procs]

    def close(self):
        for process, parent, _n, _s in self.procs:
            try:
                parent.send(("close",))
            except Exception:
                pass
        for process, parent, _n, _s in self.procs:
            try:
                if parent.poll(10):
                    parent.recv()
            except Exception:
                pass
            process.join(5)
            if process.is_alive():
                process.terminate()
                process.join(5)


# --- the sender ------------------------------------------------------------------------------
class Sender:
    """One connection in the room; the main thread sends paced, a thread reads acks."""

    def __init__(self, host, port, cookie):
        self.ws = sio_connect(host, port, cookie)
        answer = sio_call(self.ws, 1, "join", {"room": ROOM})
        if not answer.get("ok"):
            raise Refused(f"sender join refused: {answer}")
        self.next_ack = 2
        self.acks = {}   # ack id -> (monotonic time, ok, code)
        self.alive = True
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while self.alive:
            try:
                frame = self.ws.recv()
            except Exception:
                break
            now = time.monotonic()
            if frame == "2":
                self.ws.send("3")
                continue
            match = ACK_RE.match(frame)
            if match:
                try:
                    answer = json.loads(match.group(2))[0]
                    ok, code = bool(answer.get("ok")), answer.get("code")
                except Exception:
                    ok, code = False, "unparsable"
                self.acks[int(match.group(1))] = (now, ok, code)

    def send_paced(self, prefix, count, rate):
        """Send ``count`` messages at ``rate``/s; returns [(ack_id, send time)]."""
        sent = []
        start = time.monotonic()
        for i in range(count):
            target = start + i / rate
            delay = target - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            ack_id = self.next_ack
            self.next_ack += 1
            payload = json.dumps(["send", {"room": ROOM, "client_id": f"{prefix}{i}",
                                           "body": BODY.format(i=i)}],
                                 ensure_ascii=False, separators=(",", ":"))
            now = time.monotonic()
            self.ws.send(f"42{ack_id}{payload}")
            sent.append((ack_id, now))
        return sent

    def close(self):
        self.alive = False
        try:
            self.ws.close(timeout=1)
        except Exception:
            pass


# --- servers ---------------------------------------------------------------------------------
class Servers:
    """Fresh database (app), N gunicorn processes, cleanup of everything on exit."""

    def __init__(self, args):
        self.args = args
        self.target = args.target
        self.n = args.processes
        self.tmp = tempfile.mkdtemp(prefix="socket-bench-")
        self.db_name = None
        self.masters = []
        self.ports = []
        self.workers = []
        self.redis_url = args.redis_url if self.n > 1 else None
        self.logs = []

    # environment ------------------------------------------------------------------------
    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN")}
        env.update(PYTHONUNBUFFERED="1", SOCKETIO_ASYNC_MODE="gevent")
        env.pop("REDIS_URL", None)
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        if self.target == "app":
            env.update(DATABASE_URL=self.database_url, SECRET_KEY=SECRET_KEY, RATELIMIT_ENABLED="0",
                       CHAT_RATE_LIMIT=self.args.chat_rate_limit,
                       UPLOAD_DIR=os.path.join(self.tmp, "uploads"))
        return env

    @property
    def database_url(self):
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.db_name}"

    def psql(self, sql):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAtc", sql],
                       check=True, capture_output=True, text=True)

    def redis(self):
        import redis
        return redis.Redis.from_url(self.redis_url)

    def prepare(self):
        if self.redis_url:
            size = self.redis().dbsize()
            if size and not self.args.allow_nonempty_redis:
                raise SystemExit(f"{self.redis_url} holds {size} keys; pick an empty database "
                                 "(--redis-url) or pass --allow-nonempty-redis")
        if self.target != "app":
            return
        self.db_name = "socket_bench_" + secrets.token_hex(4)
        self.psql(f'CREATE DATABASE "{self.db_name}"')
        env = self.env()
        env["SOCKETIO_ASYNC_MODE"] = "threading"  # CLI only: no gevent monkey-patching there
        flask = os.path.join(VENV_BIN, "flask")
        for command in (["db", "upgrade"], ["seed-demo"]):
            result = subprocess.run([flask, "--app", "wsgi", *command], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=180)
            if result.returncode:
                raise RuntimeError(f"flask {' '.join(command)} failed:\n{result.stderr[-3000:]}")

    def start(self):
        env = self.env()
        for i in range(self.n):
            port = free_port()
            log = os.path.join(self.tmp, f"server{i}.log")
            command = [GUNICORN, "-k", WORKER_CLASS, "-w", "1", "-b", f"127.0.0.1:{port}",
                       "--log-level", "warning"]
            if self.args.worker_connections:
                command += ["--worker-connections", str(self.args.worker_connections)]
            if self.target == "app":
                command += ["--chdir", ROOT, "wsgi:app"]
            else:
                command += ["--chdir", os.path.join(ROOT, "bench"), "echo_server:app"]
            handle = open(log, "w")
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle,
                                       stderr=subprocess.STDOUT, preexec_fn=raise_nofile)
            self.masters.append(process)
            self.ports.append(port)
            self.logs.append(log)
        self.command = " ".join(command[:-3] + ["wsgi:app" if self.target == "app" else "echo_server:app"])
        for process, port in zip(self.masters, self.ports):
            self._wait_ready(process, port)
            self.workers.append(self._worker_pid(process.pid))

    def _wait_ready(self, process, port):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_tail()}")
            try:
                r = requests.get(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling",
                                 timeout=2)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"server on {port} did not answer: {self.log_tail()}")

    @staticmethod
    def _worker_pid(master):
        for _ in range(50):
            try:
                with open(f"/proc/{master}/task/{master}/children") as handle:
                    children = handle.read().split()
                if children:
                    return int(children[0])
            except FileNotFoundError:
                pass
            time.sleep(0.1)
        raise RuntimeError("no gunicorn worker found")

    def aux_pids(self):
        """PostgreSQL backends serving the bench database, and redis-server when shared."""
        out = {}
        if self.db_name:
            result = subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAtc",
                 f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.db_name}'"],
                capture_output=True, text=True)
            out["postgres"] = [int(x) for x in result.stdout.split()]
        if self.redis_url:
            try:
                out["redis"] = [int(self.redis().info("server")["process_id"])]
            except Exception:
                pass
        return out

    @property
    def addresses(self):
        return [("127.0.0.1", port) for port in self.ports]

    def log_tail(self, n=3000):
        out = []
        for log in self.logs:
            try:
                with open(log) as handle:
                    out.append(handle.read()[-n:])
            except FileNotFoundError:
                pass
        return "\n".join(out)

    def log_problems(self):
        """Lines of the server logs that look like errors (tracebacks, exceptions)."""
        found = []
        for log in self.logs:
            with open(log) as handle:
                for line in handle:
                    if re.search(r"Traceback|Error|Exception|CRITICAL|WORKER TIMEOUT|failed", line):
                        found.append(line.rstrip()[:300])
        return found

    # login --------------------------------------------------------------------------------
    def login(self, username):
        host, port = self.addresses[0]
        with requests.Session() as session:
            session.headers["User-Agent"] = USER_AGENT
            page = session.get(f"http://{host}:{port}/login", timeout=30)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
            if token is None:
                token = re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
            r = session.post(f"http://{host}:{port}/login", timeout=30, allow_redirects=False,
                             data={"csrf_token": token.group(1), "username": username,
                                   "password": PASSWORD})
            if r.status_code != 302:
                raise RuntimeError(f"login {username}: HTTP {r.status_code}")
            return session.cookies.get("mentor_studio_session")

    def cookies(self, usernames):
        if self.target != "app":
            return {name: None for name in usernames}
        return {name: self.login(name) for name in usernames}

    # cleanup ------------------------------------------------------------------------------
    def stop(self):
        for process in self.masters:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.masters:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def cleanup(self):
        self.stop()
        if self.db_name:
            try:
                self.psql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            except subprocess.CalledProcessError as error:
                print(f"could not drop {self.db_name}: {error.stderr}", file=sys.stderr)
        if self.redis_url:
            try:
                client = self.redis()
                for pattern in ("mentor:presence:*", "LIMITS*"):
                    for key in client.scan_iter(pattern):
                        client.delete(key)
            except Exception as error:
                print(f"could not clean Redis: {error}", file=sys.stderr)
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            print(f"kept {self.tmp}")


# --- measurements ----------------------------------------------------------------------------
def broadcast_step(servers, pool, sender, receivers, rate, count, drain, label):
    prefix = f"{label}-{secrets.token_hex(2)}-"
    pool.call("track", prefix)
    pids = servers.workers
    cpu0 = [cpu_seconds(p) for p in pids]
    ccpu0 = sum(cpu_seconds(p) for p in pool.pids())
    own0 = cpu_seconds(os.getpid())
    aux_start = {name: {p: cpu_seconds(p) for p in pids_} for name, pids_ in servers.aux_pids().items()}
    m0 = machine_cpu()
    t0 = time.monotonic()
    sent = sender.send_paced(prefix, count, rate)
    t_last = time.monotonic()
    expected = receivers * count
    deadline = t_last + drain
    received = 0
    while time.monotonic() < deadline:
        received = sum(r[0] for r in pool.call("count"))
        if received >= expected and all(ack_id in sender.acks for ack_id, _t in sent):
            break
        time.sleep(0.2)
    t1 = time.monotonic()
    cpu1 = [cpu_seconds(p) for p in pids]
    ccpu1 = sum(cpu_seconds(p) for p in pool.pids())
    own1 = cpu_seconds(os.getpid())
    aux_used = aux_cpu_used(aux_start, servers.aux_pids())
    m1 = machine_cpu()
    send_time = {i: t for i, (_ack, t) in enumerate(sent)}
    latencies, late, dups, closed = [], [], 0, 0
    last_quarter = count - count // 4
    for per_conn, d, _other, c in pool.call("collect"):
        dups += d
        closed += c
        for idxs, times in per_conn:
            for idx, t in zip(idxs, times):
                latency = (t - send_time[idx]) * 1000
                latencies.append(latency)
                if idx >= last_quarter:
                    late.append(latency)
    latencies.sort()
    late.sort()
    acks = [sender.acks.get(ack_id) for ack_id, _t in sent]
    ack_ok = sum(1 for a in acks if a and a[1])
    ack_failed = [a[2] for a in acks if a and not a[1]]
    ack_missing = sum(1 for a in acks if a is None)
    ack_lat = sorted((a[0] - t) * 1000 for a, (_id, t) in zip(acks, sent) if a)
    elapsed = t1 - t0
    send_span = sent[-1][1] - sent[0][1] if len(sent) > 1 else 0
    total, idle = m1[0] - m0[0], m1[1] - m0[1]
    return {
        "rate_target": rate, "messages": count, "receivers": receivers,
        "rate_achieved": round((count - 1) / send_span, 1) if send_span else None,
        "expected": expected, "received": len(latencies), "lost": expected - len(latencies),
        "duplicates": dups, "closed_sockets": closed,
        "ack_ok": ack_ok, "ack_failed": len(ack_failed), "ack_failed_codes": sorted(set(ack_failed))[:5],
        "ack_missing": ack_missing,
        "p50_ms": round(percentile(latencies, 50), 1), "p90_ms": round(percentile(latencies, 90), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        # the messages sent in the last quarter of the step: a growing backlog shows here
        "p50_last_quarter_ms": round(percentile(late, 50), 1),
        "p99_last_quarter_ms": round(percentile(late, 99), 1),
        "ack_p50_ms": round(percentile(ack_lat, 50), 1), "ack_p99_ms": round(percentile(ack_lat, 99), 1),
        "server_cpu_pct": [round((b - a) / elapsed * 100) for a, b in zip(cpu0, cpu1)],
        "server_cpu_ms_per_msg": round((sum(cpu1) - sum(cpu0)) / count * 1000, 2),
        "client_procs_cpu_pct": round((ccpu1 - ccpu0) / elapsed * 100),
        "machine_busy_pct": round((1 - idle / total) * 100) if total else None,
        # CPU used by everything else on the machine, in % of one core
        "aux_cpu_pct": {name: round(used / elapsed * 100) for name, used in aux_used.items()},
        "others_cpu_pct": round((1 - idle / total) * NCPU * 100 - (sum(cpu1) - sum(cpu0)
                                + ccpu1 - ccpu0 + own1 - own0
                                + sum(aux_used.values())) / elapsed * 100)
        if total else None,
        "seconds": round(elapsed, 1),
    }


def aux_cpu_used(start, end_pids):
    """CPU seconds used since ``start`` by processes alive at the end (those that started
    meanwhile count from zero; those that ended meanwhile are missed)."""
    used = {}
    for name, pids in end_pids.items():
        before = start.get(name, {})
        total = 0.0
        for pid in pids:
            now = cpu_seconds(pid)
            total += max(0.0, now - before.get(pid, 0.0))
        used[name] = total
    return used


def undisturbed_step(servers, pool, sender, receivers, rate, count, args, label):
    """A step, repeated (up to --retries times, after waiting for quiet) while other
    processes on the machine used more than --max-others % of a core during it."""
    for attempt in range(args.retries + 1):
        result = broadcast_step(servers, pool, sender, receivers, rate, count, args.drain, label)
        result["attempt"] = attempt + 1
        if result["others_cpu_pct"] is None or result["others_cpu_pct"] <= args.max_others:
            return result
        print(f"  (disturbed: other processes used {result['others_cpu_pct']}% of a core;"
              f" p99 was {result['p99_ms']} ms; retrying)", flush=True)
        wait_quiet(60)
    result["disturbed"] = True
    return result


def sustainable(result, max_p99, min_pace=0.95):
    return (result["lost"] == 0 and result["ack_failed"] == 0 and result["ack_missing"] == 0
            and result["p99_ms"] <= max_p99 and result["p99_last_quarter_ms"] <= max_p99
            and (result["rate_achieved"] or 0) >= min_pace * result["rate_target"])


def print_step(r):
    print(f"  rate {r['rate_target']:>6}/s (sent at {r['rate_achieved']}/s) x {r['messages']} msgs"
          f" -> {r['received']}/{r['expected']} received, lost {r['lost']}, dup {r['duplicates']},"
          f" acks ok {r['ack_ok']} failed {r['ack_failed']} {r['ack_failed_codes'] or ''} missing {r['ack_missing']}"
          f" | latency p50 {r['p50_ms']} p90 {r['p90_ms']} p99 {r['p99_ms']} max {r['max_ms']} ms"
          f" (last quarter p50 {r['p50_last_quarter_ms']} p99 {r['p99_last_quarter_ms']})"
          f" | ack p50 {r['ack_p50_ms']} p99 {r['ack_p99_ms']} ms"
          f" | CPU server {r['server_cpu_pct']}% ({r['server_cpu_ms_per_msg']} ms/msg) clients {r['client_procs_cpu_pct']}%"
          f" {' '.join(f'{k} {v}%' for k, v in r['aux_cpu_pct'].items())}"
          f" machine {r['machine_busy_pct']}% (others {r['others_cpu_pct']}% of a core)"
          f" | {r['seconds']} s", flush=True)


def setup_room(servers, args):
    names = [RECEIVER_USERS[i % len(RECEIVER_USERS)] for i in range(args.clients)]
    t = time.monotonic()
    cookies = servers.cookies(sorted(set(names)) + [SENDER])
    print(f"  logged in {len(cookies)} users in {time.monotonic() - t:.1f} s" if servers.target == "app"
          else "  (echo: no login)", flush=True)
    pool = ClientPool(servers.addresses, [cookies[n] for n in names], args.clients,
                      args.client_procs, join=True)
    ready, problems = pool.wait_ready(120)
    print(f"  {ready}/{args.clients} receivers connected and joined {ROOM}"
          + (f"; problems: {problems}" if problems else ""), flush=True)
    host, port = servers.addresses[0]
    sender = Sender(host, port, cookies[SENDER])
    time.sleep(2)  # let the join/presence traffic settle
    return pool, sender, ready


def cmd_latency(servers, args):
    pool, sender, ready = setup_room(servers, args)
    try:
        if args.warmup:
            broadcast_step(servers, pool, sender, ready, args.rate, args.warmup, args.drain, "warm")
        result = undisturbed_step(servers, pool, sender, ready, args.rate, args.messages, args, "lat")
        print_step(result)
        return {"latency": result}
    finally:
        sender.close()
        pool.close()


def cmd_rate(servers, args):
    pool, sender, ready = setup_room(servers, args)
    steps, best = [], None
    try:
        if args.warmup:
            broadcast_step(servers, pool, sender, ready, args.rates[0], args.warmup, args.drain, "warm")
        for rate in args.rates:
            count = max(10, int(rate * args.seconds))
            result = undisturbed_step(servers, pool, sender, ready, rate, count, args, f"r{rate:g}")
            ok = sustainable(result, args.max_p99)
            result["sustainable"] = ok
            steps.append(result)
            print_step(result)
            if not ok:
                break
            best = rate
            time.sleep(args.pause)
        print(f"  last sustainable rate: {best} messages/s with {ready} receivers", flush=True)
        return {"steps": steps, "max_sustained_rate": best}
    finally:
        sender.close()
        pool.close()


def cmd_memory(servers, args):
    usernames = [SENDER] + RECEIVER_USERS
    cookies = servers.cookies(usernames)
    cookie_list = [cookies[n] for n in usernames]
    # warm-up: a few connections opened and closed, so first-use costs are not counted
    for host, port in servers.addresses:
        for i in range(10):
            ws = sio_connect(host, port, cookie_list[i])
            if args.join:
                sio_call(ws, 1, "join", {"room": ROOM})
            ws.close()
    time.sleep(3)
    before = [vm_status(p)["VmRSS"] for p in servers.workers]
    limits = [open_files_limit(p) for p in servers.workers]
    t = time.monotonic()
    pool = ClientPool(servers.addresses, cookie_list, args.connections, args.client_procs, args.join)
    try:
        ready, problems = pool.wait_ready(150)
        opened = time.monotonic() - t
        time.sleep(args.settle)
        after = [vm_status(p) for p in servers.workers]
        probe = None
        if args.probe:
            host, port = servers.addresses[0]
            t_probe = time.monotonic()
            try:
                r = requests.get(f"http://{host}:{port}/socket.io/?EIO=4&transport=polling", timeout=5)
                probe = f"HTTP {r.status_code} in {time.monotonic() - t_probe:.2f} s"
            except requests.RequestException as error:
                probe = f"no answer within 5 s ({type(error).__name__})"
        alive = sum(r[2] for r in pool.call("count"))
    finally:
        pool.close()
    time.sleep(3)
    closed_rss = [vm_status(p)["VmRSS"] for p in servers.workers]
    delta = sum(a["VmRSS"] - b for a, b in zip(after, before))
    result = {
        "connections": args.connections, "connected": ready, "closed_during": alive,
        "joined": args.join, "client_procs": args.client_procs, "open_seconds": round(opened, 1),
        "rss_before_mib": [round(mib(b), 1) for b in before],
        "rss_after_mib": [round(mib(a["VmRSS"]), 1) for a in after],
        "hwm_after_mib": [round(mib(a["VmHWM"]), 1) for a in after],
        "rss_after_close_mib": [round(mib(c), 1) for c in closed_rss],
        "delta_mib": round(mib(delta), 1),
        "per_connection_kib": round(delta / max(ready, 1) / 1024, 1),
        "server_nofile_limit": limits, "probe_extra_request": probe, "problems": problems,
    }
    print(f"  {ready}/{args.connections} connected ({'joined ' + ROOM if args.join else 'not joined'})"
          f" in {opened:.1f} s; RSS {result['rss_before_mib']} -> {result['rss_after_mib']} MiB"
          f" (after close {result['rss_after_close_mib']}); delta {result['delta_mib']} MiB"
          f" = {result['per_connection_kib']} KiB per connection; nofile {limits};"
          f" extra request while open: {probe}" + (f"; problems {problems}" if problems else ""),
          flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--target", choices=["app", "echo"], default="app")
        p.add_argument("--processes", type=int, choices=[1, 2], default=1,
                       help="Socket.IO server processes (2: sharing Redis)")
        p.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
        p.add_argument("--allow-nonempty-redis", action="store_true")
        p.add_argument("--worker-connections", type=int, default=None,
                       help="gunicorn --worker-connections (default: gunicorn's, 1000)")
        p.add_argument("--chat-rate-limit", default="100000 per 1 second")
        p.add_argument("--timeout", type=int, default=200, help="abort the whole run after this")
        p.add_argument("--json", help="append the result as one JSON line to this file")
        p.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
        p.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                       help="first wait up to this long for the machine to be <= 15%% busy")

    def room(p):
        p.add_argument("--clients", type=int, default=110, help="receivers in the room")
        p.add_argument("--client-procs", type=int, default=2)
        p.add_argument("--drain", type=float, default=10, help="seconds to wait after the last send")
        p.add_argument("--warmup", type=int, default=20, help="messages sent first, not counted")
        p.add_argument("--max-others", type=float, default=25,
                       help="repeat a step if other processes used more than this %% of a core")
        p.add_argument("--retries", type=int, default=3)

    p = sub.add_parser("latency", help="broadcast latency at one paced rate")
    common(p)
    room(p)
    p.add_argument("--messages", type=int, default=200)
    p.add_argument("--rate", type=float, default=20)

    p = sub.add_parser("rate", help="step up the send rate until p99 > --max-p99 or loss")
    common(p)
    room(p)
    p.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")],
                   default=[10, 20, 50, 100, 150, 200, 300])
    p.add_argument("--seconds", type=float, default=8, help="length of each step")
    p.add_argument("--max-p99", type=float, default=1000)
    p.add_argument("--pause", type=float, default=2)

    p = sub.add_parser("memory", help="server RSS per idle connection")
    common(p)
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--client-procs", type=int, default=4)
    p.add_argument("--join", action="store_true", help="also join studio:1 (presence broadcasts)")
    p.add_argument("--settle", type=float, default=5)
    p.add_argument("--probe", action="store_true",
                   help="with all connections open, time one more request to the first server")

    args = parser.parse_args()

    def on_alarm(_signum, _frame):
        raise TimeoutError(f"run exceeded --timeout {args.timeout} s")

    def on_term(_signum, _frame):
        raise KeyboardInterrupt("terminated")  # so the finally blocks clean up
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    # the wait for a quiet machine counts against --timeout too
    signal.alarm(args.timeout)
    quiet = wait_quiet(min(args.wait_quiet, args.timeout / 2)) if args.wait_quiet else None

    raise_nofile()
    servers = Servers(args)
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"[{started}] {args.command} target={args.target} processes={args.processes}", flush=True)
    result = None
    try:
        t = time.monotonic()
        servers.prepare()
        servers.start()
        print(f"  servers up in {time.monotonic() - t:.1f} s: {servers.command} "
              f"(x{servers.n}{', REDIS_URL=' + servers.redis_url if servers.redis_url else ''});"
              f" worker pids {servers.workers}", flush=True)
        result = {"cmd_latency": cmd_latency, "cmd_rate": cmd_rate,
                  "cmd_memory": cmd_memory}["cmd_" + args.command](servers, args)
    finally:
        signal.alarm(0)
        problems = []
        try:
            problems = servers.log_problems()
        except Exception:
            pass
        if problems:
            print(f"  server log: {len(problems)} error lines, first: {problems[:6]}", flush=True)
        servers.cleanup()
    if args.json and result is not None:
        record = {"started": started, "busy_before_pct": quiet, "command": args.command, "target": args.target,
                  "processes": args.processes, "args": {k: v for k, v in vars(args).items()
                                                        if k not in ("json",)},
                  "server_log_problems": problems[:20], "result": result}
        with open(args.json, "a") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
