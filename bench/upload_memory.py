"""Server memory while a lesson-case recording is uploaded (run by hand, not by pytest).

Starts the real server (``python wsgi.py``) on a fresh SQLite database and upload
directory, loads the demo studio, logs in as ``teacher011`` and posts a new lesson case
with a generated WebM recording of each size. The multipart body is streamed from disk by
the client (``http.client`` with an explicit Content-Length), so the client never holds the
file in memory. While each upload runs, the server's RSS is sampled from
``/proc/<pid>/status`` every 50 ms.

    .venv/bin/python bench/upload_memory.py                    # 16 MiB, 256 MiB, 1 GiB
    .venv/bin/python bench/upload_memory.py --sizes 16M,64M
    .venv/bin/python bench/upload_memory.py --env MAX_FORM_BYTES=7000000000

Everything (database, uploads, generated files, server log) lives in one temporary
directory, removed at the end (``--keep`` keeps it).
"""
import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
PYTHON = sys.executable
MiB = 1024 * 1024
GiB = 1024 * MiB
USERNAME, PASSWORD = "teacher011", "demo12345"
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"
CHUNK = 1 * MiB


def parse_size(text):
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    factor = {"K": 1024, "M": MiB, "G": GiB}.get(text[-1:], 1)
    return int(float(text.rstrip("KMG")) * factor)


def human(n):
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if abs(n) >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the server process ------------------------------------------------------------------
def proc_status(pid):
    """VmRSS and VmHWM of a process, in bytes."""
    values = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount, _unit = line.split()
                values[key[:-1]] = int(amount) * 1024
    return values["VmRSS"], values["VmHWM"]


def reset_hwm(pid):
    """Reset the kernel's peak-RSS mark (VmHWM) so it covers only the next upload."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class Sampler(threading.Thread):
    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = 0
        self.samples = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            try:
                rss, _hwm = proc_status(self.pid)
            except (OSError, KeyError):
                break
            self.peak_rss = max(self.peak_rss, rss)
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join()


def start_server(workdir, port, extra_env):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
        "UPLOAD_DIR": os.path.join(workdir, "uploads"),
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_ENABLED": "0",
        "MAX_UPLOAD_BYTES": str(3 * GiB),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "FLASK_DEBUG": "0",
    })
    env.update(extra_env)
    flask = [PYTHON, "-m", "flask", "--app", "wsgi"]
    for command in (flask + ["db", "upgrade"], flask + ["seed-demo"]):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command[2:])} failed:\n{done.stdout}\n{done.stderr}")
    log = open(os.path.join(workdir, "server.log"), "w")
    server = subprocess.Popen([PYTHON, "wsgi.py"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if server.poll() is not None:
            sys.exit("the server stopped:\n" + open(log.name).read())
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                return server, base, log
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    server.kill()
    sys.exit("the server did not answer /healthz within 20 s")


def stop_server(server, log):
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    log.close()


# --- the client ----------------------------------------------------------------------------
def csrf_token(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if not match:
        raise RuntimeError("no csrf_token input in the page")
    return match.group(1)


def log_in(base):
    session = requests.Session()
    page = session.get(base + "/login")
    page.raise_for_status()
    answer = session.post(base + "/login", allow_redirects=False, data={
        "csrf_token": csrf_token(page.text), "username": USERNAME, "password": PASSWORD})
    if answer.status_code != 302:
        raise RuntimeError(f"login failed: HTTP {answer.status_code}")
    return session


def studio_of(workdir, username):
    with sqlite3.connect(os.path.join(workdir, "bench.db")) as conn:
        row = conn.execute(
            "SELECT m.studio_id FROM memberships m JOIN users u ON u.id = m.user_id "
            "WHERE u.username = ? AND m.active", (username,)).fetchone()
    return row[0]


def last_stored_size(workdir):
    with sqlite3.connect(os.path.join(workdir, "bench.db")) as conn:
        row = conn.execute("SELECT size FROM stored_files ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def make_recording(path, size):
    """A file that starts with the WebM (EBML) magic bytes, then pseudo-random bytes: one
    random MiB repeated with a changing counter, so no two MiB are equal."""
    block = bytearray(os.urandom(CHUNK))
    with open(path, "wb") as out:
        written = 0
        out.write(WEBM_MAGIC)
        written += len(WEBM_MAGIC)
        number = 0
        while written < size:
            block[0:8] = number.to_bytes(8, "little")
            piece = memoryview(block)[:min(CHUNK, size - written)]
            out.write(piece)
            written += len(piece)
            number += 1


def multipart_parts(fields, file_field, filename, content_type, boundary):
    head = b""
    for name, value in fields:
        head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                 f"{value}\r\n").encode()
    head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; "
             f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head, tail


def upload(base, session, studio_id, path):
    """POST the case form with the recording streamed from disk. Returns (status, location,
    seconds, note)."""
    form_page = session.get(f"{base}/studios/{studio_id}/cases/new")
    form_page.raise_for_status()
    token = csrf_token(form_page.text)
    size = os.path.getsize(path)
    boundary = "bench" + uuid.uuid4().hex
    head, tail = multipart_parts([
        ("csrf_token", token), ("kind", "standard"),
        ("title", f"Benchmark case, {human(size)} recording"), ("subject", "数学"),
        ("grade", "七年级"), ("topic", "行程问题"),
        ("design_text", "## 教学目标\n能借助线段图分析行程问题。"),
        ("reflection", "学生能借助线段图分析相遇问题中的等量关系。"),
        ("assignment_id", ""), ("submit_now", "1"),
    ], "recording", "bench-recording.webm", "video/webm", boundary)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    note = ""
    started = time.perf_counter()
    conn.putrequest("POST", f"/studios/{studio_id}/cases/new")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + size + len(tail)))
    conn.putheader("Cookie", cookie)
    conn.putheader("Referer", f"{base}/studios/{studio_id}/cases/new")
    conn.endheaders()
    try:
        conn.send(head)
        with open(path, "rb") as source:
            while True:
                chunk = source.read(CHUNK)
                if not chunk:
                    break
                conn.send(chunk)
        conn.send(tail)
    except (BrokenPipeError, ConnectionResetError) as error:
        note = f"server closed the connection while the body was sent ({type(error).__name__})"
    try:
        response = conn.getresponse()
        status, location = response.status, response.getheader("Location", "")
        body = response.read()
        if status >= 400:
            detail = re.search(rb'<p class="lead">(.*?)</p>', body, re.S) or \
                re.search(rb"<title>(.*?)</title>", body, re.S)
            if detail:
                note = (note + "; " if note else "") + "server says: " + detail.group(1).decode(
                    "utf-8", "replace").strip()
    except (ConnectionError, http.client.HTTPException) as error:
        status, location = f"no response ({type(error).__name__})", ""
    seconds = time.perf_counter() - started
    conn.close()
    return status, location, seconds, note


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="16M,256M,1G",
                        help="comma-separated recording sizes (default 16M,256M,1G)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the server (repeatable)")
    parser.add_argument("--tmp", default=tempfile.gettempdir(),
                        help="where to make the temporary directory (default: the system's)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    extra_env = dict(item.split("=", 1) for item in args.env)

    workdir = tempfile.mkdtemp(prefix="mentor-bench-upload-", dir=args.tmp)
    needed = max(sizes) * 2 + sum(sizes) + 256 * MiB  # source files + temp copy + stored files
    free = shutil.disk_usage(workdir).free
    if free < needed:
        shutil.rmtree(workdir)
        sys.exit(f"not enough disk space in {args.tmp}: {human(free)} free, {human(needed)} needed")
    print(f"work directory {workdir} ({human(free)} free); server env extra: {extra_env or '-'}",
          file=sys.stderr)
    server = log = None
    rows = []
    try:
        port = free_port()
        server, base, log = start_server(workdir, port, extra_env)
        session = log_in(base)
        studio_id = studio_of(workdir, USERNAME)
        for size in sizes:
            path = os.path.join(workdir, f"recording-{size}.webm")
            make_recording(path, size)
            session.get(f"{base}/studios/{studio_id}/cases")  # warm the case pages
            time.sleep(0.5)
            baseline, _ = proc_status(server.pid)
            hwm_reset = reset_hwm(server.pid)
            sampler = Sampler(server.pid)
            sampler.start()
            status, location, seconds, note = upload(base, session, studio_id, path)
            sampler.stop()
            after, hwm = proc_status(server.pid)
            peak = max(sampler.peak_rss, hwm if hwm_reset else 0, after)
            leftovers = os.listdir(os.path.join(workdir, "uploads", "tmp")) \
                if os.path.isdir(os.path.join(workdir, "uploads", "tmp")) else []
            print(f"{human(size)}: HTTP {status} {location} in {seconds:.1f} s; baseline "
                  f"{human(baseline)}, sampled peak {human(sampler.peak_rss)} "
                  f"({sampler.samples} samples), VmHWM {human(hwm)}"
                  f"{'' if hwm_reset else ' (not reset)'}, after {human(after)}; "
                  f"temp files left: {len(leftovers)}"
                  + (f"; stored {last_stored_size(workdir)} of {size} bytes"
                     if status in (200, 302) else "")
                  + (f"; {note}" if note else ""),
                  file=sys.stderr)
            rows.append((size, status, baseline, peak, seconds, note))
            os.remove(path)
    finally:
        if server is not None:
            stop_server(server, log)
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print("| file size | status | baseline RSS | peak RSS | growth | seconds |")
    print("|---|---|---|---|---|---|")
    for size, status, baseline, peak, seconds, _note in rows:
        print(f"| {human(size)} | {status} | {human(baseline)} | {human(peak)} | "
              f"{human(peak - baseline)} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
