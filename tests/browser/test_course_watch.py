"""Watching a lecture in a real browser on a phone: a new teacher plays an assigned lecture
(the real 20-second webm) at 1.5x to the end, sees it completed and its hours in her record;
seeking straight to the end credits nothing. The server is the demo's (``python wsgi.py``),
with a course added to the demo studio of the first new teacher, assigned to her."""
import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import (REPO_ROOT, _flask, _free_port, _healthy, _server_env,
                                    login)

pytestmark = pytest.mark.browser

PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
             device_scale_factor=2)
SCREENSHOT = "/tmp/wt2-lecture-phone.png"


def seed_course():
    """Run in the server's environment: a studio course with two real lectures, assigned to
    the demo studio's first new teacher. Prints what the tests need as JSON."""
    from sqlalchemy import select

    from models import Membership
    from studio import create_app
    from studio.extensions import db
    from tests.course_factories import add_lecture, assign_course, make_course

    app = create_app()
    with app.app_context():
        learner = db.session.execute(select(Membership).where(
            Membership.role == "new_teacher").order_by(Membership.id)).scalars().first()
        studio = learner.studio
        master = db.session.execute(select(Membership).where(
            Membership.studio_id == studio.id, Membership.role == "master")).scalar_one().user
        course = make_course(master, studio=studio, title="课堂管理微课")
        first = add_lecture(course, master, hours=2, title="课堂常规的建立")
        second = add_lecture(course, master, hours=1, title="课堂提问的技巧")
        assign_course(studio, master, [learner.user], course, title="学习《课堂管理微课》")
        db.session.commit()
        print(json.dumps({"studio": studio.id, "course": course.id, "first": first.id,
                          "second": second.id, "username": learner.user.username,
                          "user_id": learner.user.id}))


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    """The demo server with the course added: (base URL, what seed_course printed)."""
    tmp_dir = str(tmp_path_factory.mktemp("course-watch"))
    port = _free_port()
    env = _server_env(tmp_dir, port)
    os.makedirs(env["UPLOAD_DIR"], exist_ok=True)
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")
    seeded = subprocess.run([sys.executable, "-c", "from tests.browser.test_course_watch "
                             "import seed_course; seed_course()"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    values = json.loads(seeded.stdout.strip().splitlines()[-1])
    log = open(os.path.join(tmp_dir, "server.log"), "w+")
    process = subprocess.Popen([sys.executable, "wsgi.py"], cwd=REPO_ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _healthy(base_url + "/healthz"):
            assert process.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield base_url, values
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def lecture_url(base_url, v, module):
    return f"{base_url}/studios/{v['studio']}/courses/{v['course']}/modules/{v[module]}"


def open_lecture(pages, base_url, v, module):
    page = pages(timeout=30_000, **PHONE)
    login(page, base_url, v["username"])
    page.goto(lecture_url(base_url, v, module))
    # report every second instead of every five, so the test sees each step
    page.evaluate("document.getElementById('lecture').dataset.reportEvery = '1'")
    page.wait_for_function("() => document.getElementById('lecture').readyState >= 1")
    return page


def test_a_new_teacher_watches_a_lecture_at_a_raised_rate_on_a_phone(pages, course_server):
    base_url, v = course_server
    page = open_lecture(pages, base_url, v, "first")
    assert page.locator("[data-testid=not-assigned]").count() == 0
    assert page.inner_text("[data-testid=hours-credited]") == "学时尚未计入"
    page.evaluate("""() => { const v = document.getElementById('lecture');
                             v.muted = true; v.playbackRate = 1.5; return v.play(); }""")
    page.wait_for_timeout(3000)
    assert int(page.inner_text("[data-watch-percent]")) > 0
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.wait_for_function("() => document.getElementById('lecture').ended", timeout=30_000)
    message = page.locator("[data-testid=watch-message]")
    message.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('[data-watch-message]')"
                           ".textContent.includes('已完成')")
    assert message.inner_text() == "已完成，获得 2 学时"
    assert int(page.inner_text("[data-watch-percent]")) >= 90
    # the page shows it credited, and the hours are in her record
    page.reload()
    assert page.inner_text("[data-testid=hours-credited]") == "学时已计入"
    page.goto(f"{base_url}/studios/{v['studio']}/hours/{v['user_id']}")
    record = page.inner_text("main")
    assert "课堂管理微课 · 课堂常规的建立" in record, record
    assert re.search(r"\b2(\.0)?\b", record)
    page.goto(lecture_url(base_url, v, "first"))
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_seeking_straight_to_the_end_credits_nothing(pages, course_server):
    base_url, v = course_server
    page = open_lecture(pages, base_url, v, "second")
    page.evaluate("""() => { const v = document.getElementById('lecture');
                             v.muted = true; return v.play(); }""")
    page.wait_for_timeout(1500)
    page.evaluate("""() => { const v = document.getElementById('lecture');
                             v.currentTime = v.duration - 0.3; }""")
    page.wait_for_function("() => document.getElementById('lecture').ended", timeout=15_000)
    page.wait_for_timeout(1500)
    percent = int(page.inner_text("[data-watch-percent]"))
    assert percent <= 20, percent                   # about 2 s of 20 played, at most
    assert page.locator("[data-testid=watch-message]").is_hidden()
    page.reload()
    assert page.inner_text("[data-testid=hours-credited]") == "学时尚未计入"
    assert int(page.inner_text("[data-watch-percent]")) == percent
