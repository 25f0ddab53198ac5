"""Browser fixtures: the real app served by ``python wsgi.py`` in its own process, loaded with
the demo studios, and Debian's chromium driven through Playwright (sync API).

Nothing here uses the in-process ``app`` fixtures of ``tests/conftest.py``: the browser talks to
the server over HTTP exactly as a teacher's browser would. Chromium is never downloaded
(no ``playwright install``); when /usr/bin/chromium is missing the tests fail, they do not skip.
"""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
ARTIFACTS = os.path.join(REPO_ROOT, "test-artifacts")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "demo12345"
STARTUP_TIMEOUT = 30


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp_dir, port):
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update({
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_dir}/browser.db",
        "UPLOAD_DIR": os.path.join(tmp_dir, "uploads"),
        "SECRET_KEY": "browser-test-secret-key",
        "RATELIMIT_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _flask(env, *args):
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed ({result.returncode}):\n"
                    f"{result.stdout}\n{result.stderr}", pytrace=False)
    return result


def _healthy(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of the real app (``python wsgi.py``) on a free port, demo data loaded."""
    tmp_dir = str(tmp_path_factory.mktemp("browser-server"))
    port = _free_port()
    env = _server_env(tmp_dir, port)
    os.makedirs(env["UPLOAD_DIR"], exist_ok=True)
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")

    base_url = f"http://127.0.0.1:{port}"
    log_path = os.path.join(tmp_dir, "server.log")
    log = open(log_path, "w+")
    process = subprocess.Popen([sys.executable, "wsgi.py"], cwd=REPO_ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)

    def server_output():
        log.flush()
        with open(log_path) as handle:
            return handle.read()[-8000:]

    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(base_url + "/healthz"):
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{server_output()}",
                            pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"/healthz did not answer 200 within {STARTUP_TIMEOUT} s:\n"
                            f"{server_output()}", pytrace=False)
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-microhei "
                    "(or `make browser-deps`)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (no cookies shared between tests), desktop size."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def pages(browser):
    """pages(viewport=DESKTOP, **context options) -> a page in a fresh context (one per
    person: no cookies shared), zh-CN; every context is closed at the end of the test."""
    contexts = []

    def _open(viewport=DESKTOP, timeout=15_000, **options):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        context.set_default_timeout(timeout)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def login(page, base_url, username, password=DEMO_PASSWORD):
    """Log in through the /login form by pressing Enter in the password field, as a person
    on a phone does (the first button on the page is the language switch), and wait for the
    page it leads to."""
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/login" not in page.url, f"login as {username} failed: still on {page.url}"
    return page


def studio_id_of(page):
    """The id of the studio the page is in (after a login: the member's studio)."""
    found = re.search(r"/studios/(\d+)", page.url)
    assert found, f"not a studio page: {page.url}"
    return int(found.group(1))


def shot(page, name):
    """Save a full-page screenshot to <repo>/test-artifacts/<name>.png; returns the path."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path
