"""A quiz in a real browser (issue 11, part C): the demo new teacher teacher001, on a phone,
fails her first attempt (no answers shown yet), passes the second, sees the quiz's hours
credited on the result page and in her hours register. Screenshot: /tmp/wt3-quiz.png and
test-artifacts/course-quiz.png.

The demo data has no course yet, so this module runs its own server: the demo studios plus a
course of teacher001's studio with a 3-question quiz (1 study hour, 2 attempts) that a task
assigns to her."""
import json
import os
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import (REPO_ROOT, STARTUP_TIMEOUT, _flask, _free_port, _healthy,
                                    _server_env, login, shot)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

SETUP = """
import json
from sqlalchemy import select
from studio import create_app
from studio.extensions import db
from models import Membership, User
from tests.course_factories import add_quiz, assign_course, make_course
app = create_app()
with app.app_context():
    learner = db.session.execute(select(User).where(User.username == "teacher001")).scalar_one()
    studio = learner.memberships[0].studio
    master = db.session.execute(select(User).join(Membership).where(
        Membership.studio_id == studio.id, Membership.role == "master")).scalar_one()
    course = make_course(master, studio=studio, title="新教师师德修养")
    quiz = add_quiz(course, hours=1, questions=3, max_attempts=2, title="师德规范测验")
    assign_course(studio, master, [learner], course)
    db.session.commit()
    print(json.dumps({"studio": studio.id, "course": course.id, "quiz": quiz.id,
                      "user": learner.id, "master": master.username}))
"""


@pytest.fixture(scope="module")
def quiz_server(tmp_path_factory):
    tmp_dir = str(tmp_path_factory.mktemp("quiz-server"))
    port = _free_port()
    env = _server_env(tmp_dir, port)
    os.makedirs(env["UPLOAD_DIR"], exist_ok=True)
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")
    made = subprocess.run([sys.executable, "-c", SETUP], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    ids = json.loads(made.stdout.strip().splitlines()[-1])
    base_url = f"http://127.0.0.1:{port}"
    log = open(os.path.join(tmp_dir, "server.log"), "w+")
    process = subprocess.Popen([sys.executable, "wsgi.py"], cwd=REPO_ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(base_url + "/healthz"):
            assert process.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield base_url, ids
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def answer(page, right):
    """Tick every question: the right options (0; 0 and 1 for a multiple-choice one: the
    factory's bank) or a wrong one (option 2)."""
    for question in page.locator("[data-testid=question]").all():
        inputs = question.locator("input")
        multiple = inputs.first.get_attribute("type") == "checkbox"
        for value in ((["0", "1"] if multiple else ["0"]) if right else ["2"]):
            question.locator(f"input[value='{value}']").check()


def test_fail_once_then_pass_and_see_the_hours(pages, quiz_server):
    base_url, ids = quiz_server
    page = pages(viewport=PHONE)
    login(page, base_url, "teacher001")
    quiz_url = (f"{base_url}/studios/{ids['studio']}/courses/{ids['course']}"
                f"/modules/{ids['quiz']}/quiz")
    page.goto(quiz_url)
    assert "及格线：80 分" in page.inner_text("[data-testid=quiz-rules]")
    assert "已用 0 次，共 2 次" in page.inner_text("[data-testid=attempts-used]")

    page.click("[data-testid=start-attempt]")
    assert page.locator("[data-testid=question]").count() == 3
    # handing in with nothing ticked asks first; dismissed, she stays on her questions
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("[data-testid=submit-attempt]")
    assert asked and "按答错计" in asked[0]
    assert page.locator("[data-testid=attempt-form]").is_visible()
    answer(page, right=False)
    page.click("[data-testid=submit-attempt]")
    assert page.inner_text("[data-testid=score]") == "0 分"
    assert page.inner_text("[data-testid=result]") == "未及格"
    assert page.locator("[data-testid=answers-hidden]").is_visible()
    assert page.locator("[data-testid=correct-option]").count() == 0

    page.goto(quiz_url)
    page.click("[data-testid=start-attempt]")
    assert "第 2 次作答" in page.inner_text("h1")
    answer(page, right=True)
    page.click("[data-testid=submit-attempt]")
    assert page.inner_text("[data-testid=score]") == "100 分"
    assert page.inner_text("[data-testid=result]") == "已及格"
    assert "1 学时已计入" in page.inner_text("[data-testid=hours-credited]")
    assert page.locator("[data-testid=correct-option]").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path="/tmp/wt3-quiz.png", full_page=True)
    shot(page, "course-quiz")

    page.goto(quiz_url)
    assert page.locator("[data-testid=hours-credited]").is_visible()
    assert page.locator("[data-testid=start-attempt]").count() == 0
    page.goto(f"{base_url}/studios/{ids['studio']}/hours/{ids['user']}")
    assert "师德规范测验" in page.inner_text("main")


def test_the_master_adds_a_question_to_the_bank(pages, quiz_server):
    base_url, ids = quiz_server
    page = pages()
    login(page, base_url, ids["master"])
    page.goto(f"{base_url}/studios/{ids['studio']}/courses/{ids['course']}"
              f"/modules/{ids['quiz']}/quiz")
    page.click("[data-testid=edit-bank]")
    before = page.locator("[data-testid=bank-question]").count()
    page.select_option("select[name=kind]", "multiple")
    page.fill("textarea[name=prompt]", "下列属于教师职业道德规范的有")
    for slot, text in enumerate(["爱国守法", "有偿补课", "关爱学生"]):
        page.fill(f"input[name=options-{slot}]", text)
    page.check("[data-testid=correct-0]")
    page.check("[data-testid=correct-2]")
    page.click("[data-testid=save-question]")
    assert page.locator("[data-testid=bank-question]").count() == before + 1
    added = page.locator("[data-testid=bank-question]").last.inner_text()
    assert "下列属于教师职业道德规范的有" in added and "多选题" in added
    shot(page, "course-quiz-bank")
