"""Never lose work, in a real browser (issue 8; the server half is tests/test_keep.py).

- "保存并提交" with the lesson design missing names the missing part and sends nothing: the
  recording is not uploaded only to be refused.
- A reply typed while the session ends (the cookie deleted): sending it leads to the login
  page; after logging in the teacher is back on the thread with the reply restored, and it
  can be posted. Once posted, the browser forgets its copy.
- Typed text left on a page comes back on the next visit, and can be discarded.

Users teacher042–teacher044 are used by no other browser test. Screenshots of the case form
at 390×844 and 1366×900 land in test-artifacts/keep-*.png.
"""
import re

import pytest

from tests.browser.conftest import DEMO_PASSWORD, REPO_ROOT, login, shot

pytestmark = pytest.mark.browser

DEMO_VIDEO = f"{REPO_ROOT}/studio/demo_assets/classroom-demo.webm"
THREAD_TITLE = "第一次公开课后的反思"
KEPT_KEYS = "() => Object.keys(localStorage).filter((k) => k.startsWith('keep:'))"


def studio_url(page, base_url):
    match = re.search(r"/studios/(\d+)", page.url)
    assert match, f"not a studio page: {page.url}"
    return f"{base_url}/studios/{match.group(1)}"


@pytest.fixture
def posts_sent(page):
    """Every form POST the page sends (not the live notifications' socket)."""
    sent = []
    page.on("request", lambda request: sent.append(request.url)
            if request.method == "POST" and "/socket.io/" not in request.url else None)
    return sent


def test_a_hand_in_without_the_design_is_stopped_before_the_upload(page, live_server,
                                                                   posts_sent):
    login(page, live_server, "teacher043")
    page.goto(studio_url(page, live_server) + "/cases/new")
    page.fill("input[name=title]", "一次函数的图像")
    page.fill("textarea[name=reflection]", "学生画图较慢，下次先给坐标纸。")
    page.set_input_files("input[name=recording]", DEMO_VIDEO)
    posts_sent.clear()

    page.click("button[name=submit_now]")
    error = page.locator("[data-upload-error]")
    error.wait_for(state="visible")
    assert "课例尚缺：教学设计。尚未发送任何内容" in error.inner_text()
    assert page.locator("fieldset.is-missing").evaluate_all(
        "(sets) => sets.map((s) => s.dataset.part)") == ["design"]
    page.wait_for_timeout(300)
    assert posts_sent == [], "nothing may be sent"
    assert page.locator("[data-testid=upload-progress]").is_hidden()
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "keep-case-precheck-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "keep-case-precheck-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    # a file of the wrong type is stopped the same way
    page.set_input_files("input[name=recording]", {"name": "课堂实录.txt", "mimeType": "text/plain",
                                                   "buffer": b"not a video"})
    page.fill("textarea[name=design_text]", "## 教学目标")
    page.click("button[name=submit_now]")
    page.wait_for_function("() => document.querySelector('[data-upload-error]')"
                           ".textContent.includes('课堂实录.txt')")
    assert "不是可接受的文件类型" in error.inner_text()
    assert posts_sent == []

    # with every part there, the form is sent and the case handed in
    page.set_input_files("input[name=recording]", DEMO_VIDEO)
    with page.expect_navigation(url=re.compile(r".*/cases/\d+$"), timeout=30_000):
        page.click("button[name=submit_now]")
    assert len(posts_sent) == 1
    assert page.locator("[data-testid=case-state]").inner_text().strip() == "已提交"


def test_a_reply_survives_the_end_of_the_session(page, live_server):
    login(page, live_server, "teacher042")
    page.goto(studio_url(page, live_server) + "/threads")
    page.click(f"a:has-text('{THREAD_TITLE}')")
    page.wait_for_url(re.compile(r".*/threads/\d+$"))
    thread_url = page.url
    reply = "我的做法是先让学生独立尝试五分钟，再小组交流。"
    page.fill("textarea[name=body]", reply)

    page.context.clear_cookies()  # the session ends while the teacher is typing
    with page.expect_navigation():
        page.click("#reply button[type=submit]")
    assert "/login?next=" in page.url
    assert "登录已过期" in page.locator(".flash").inner_text()
    assert "您填写的内容已保存在本浏览器中" in page.locator(".flash").inner_text()

    page.fill("input[name=username]", "teacher042")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert page.url == thread_url
    assert page.input_value("textarea[name=body]") == reply
    assert "已恢复您上次未发送的内容" in page.locator("[data-testid=keep-notice]").inner_text()
    shot(page, "keep-reply-restored")

    with page.expect_navigation():
        page.click("#reply button[type=submit]")
    assert page.locator("[data-testid=posts] .post").last.inner_text().count(reply) == 1
    assert page.input_value("textarea[name=body]") == ""
    assert page.locator("[data-testid=keep-notice]").count() == 0
    assert page.evaluate(KEPT_KEYS) == [], "the posted reply is forgotten"
    page.reload()
    assert page.locator("[data-testid=keep-notice]").count() == 0


def test_text_left_on_a_page_comes_back_and_can_be_discarded(page, live_server):
    login(page, live_server, "teacher044")
    studio = studio_url(page, live_server)
    page.goto(studio + "/threads/new")
    page.fill("input[name=title]", "关于作业分层的疑问")
    page.fill("textarea[name=body]", "分层作业怎样评价才公平？")
    page.wait_for_timeout(500)
    page.goto(studio + "/threads")
    page.goto(studio + "/threads/new")
    assert page.input_value("textarea[name=body]") == "分层作业怎样评价才公平？"
    assert page.input_value("input[name=title]") == "关于作业分层的疑问"
    notice = page.locator("[data-testid=keep-notice]")
    notice.locator("button").click()
    assert page.input_value("textarea[name=body]") == ""
    assert notice.count() == 0
    page.reload()
    assert page.input_value("textarea[name=body]") == ""
    assert page.locator("[data-testid=keep-notice]").count() == 0


def test_an_expired_login_is_found_before_the_recording_is_uploaded(page, live_server,
                                                                   posts_sent):
    """The session ends while the teacher fills in the case: "保存并提交" sends nothing, says
    so and offers the login in a new tab; after logging in there, the same page sends the
    same chosen files with the new session's token."""
    login(page, live_server, "teacher045")
    new_case = studio_url(page, live_server) + "/cases/new"
    page.goto(new_case)
    page.fill("input[name=title]", "二次函数的图像与性质")
    page.fill("textarea[name=design_text]", "## 教学目标\n理解开口方向")
    page.fill("textarea[name=reflection]", "学生对顶点式掌握较好。")
    page.set_input_files("input[name=recording]", DEMO_VIDEO)
    page.context.clear_cookies()
    posts_sent.clear()

    page.click("button[name=submit_now]")
    error = page.locator("[data-upload-error]")
    error.wait_for(state="visible")
    assert "登录已过期，尚未上传任何内容" in error.inner_text()
    assert posts_sent == [], "the recording must not be sent to a refusal"
    login_link = error.locator("a")
    assert login_link.get_attribute("target") == "_blank"
    shot(page, "keep-case-session-expired")

    with page.context.expect_page() as opened:
        login_link.click()
    tab = opened.value
    tab.wait_for_load_state()
    tab.fill("input[name=username]", "teacher045")
    tab.fill("input[name=password]", DEMO_PASSWORD)
    with tab.expect_navigation():
        tab.press("input[name=password]", "Enter")
    tab.close()

    page.bring_to_front()
    with page.expect_navigation(url=re.compile(r".*/cases/\d+$"), timeout=30_000):
        page.click("button[name=submit_now]")
    assert len(posts_sent) == 1
    assert page.locator("[data-testid=case-state]").inner_text().strip() == "已提交"
    assert "二次函数的图像与性质" in page.content()
