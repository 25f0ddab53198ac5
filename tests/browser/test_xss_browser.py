"""Hostile Markdown in a reflection thread stays inert in a real browser.

teacher001 posts a thread whose body holds several payloads (img onerror, svg onload, a
javascript: link, noscript and math/style mutation XSS); the page is loaded in chromium, the
link clicked, the post hovered. Nothing may run: ``window.__xss`` stays undefined and no
dialog opens. The page is checked twice: as served (with its Content-Security-Policy, and no
CSP violation may be reported, which would mean the sanitizer let a handler through and only
the CSP stopped it) and by another member with CSP bypassed, so the sanitizer alone is tested.
Screenshots: test-artifacts/xss-*.png.
"""
import re
import time

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

TITLE = "XSS 回归测试：课堂反思"
BODY = """今天的课**很顺利**，下面是几段“奇怪”的文字：

<img src=x onerror="window.__xss=1">

<img src=y onerror=alert(1)>

<svg onload="window.__xss=2"><circle r=5 /></svg>

[点我看课标](javascript:window.__xss=3;alert(3))

<a href="jav&#x09;ascript:window.__xss=4">再点这里</a>

<noscript><p title="</noscript><img src=x onerror=window.__xss=5>"></noscript>

<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=6></style></mglyph></table></mtext></math>

<p onmouseover="window.__xss=7">把鼠标放在这里</p>

<form><math><mtext></form><form><mglyph><style></math><img src onerror=window.__xss=8>

普通链接 https://www.moe.gov.cn/ 结束。
"""

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || ""));
});
"""


def watch(page):
    """Record dialogs (and dismiss them, so nothing hangs) and CSP violations."""
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script(WATCH_CSP)
    return dialogs


def assert_inert(page, dialogs, step):
    prose = page.locator("[data-testid=posts] .prose").first
    prose.wait_for()
    shot(page, f"xss-{step}-loaded")
    # Click the (de-fanged) links and hover the post, as a curious reader would.
    start_url = page.url
    page.get_by_text("点我看课标").click()
    page.get_by_text("再点这里").click()
    page.get_by_text("把鼠标放在这里").hover()
    time.sleep(1.0)  # let any onerror/onload/timer fire
    shot(page, f"xss-{step}-clicked")
    assert page.url.split("#")[0] == start_url.split("#")[0]
    assert page.evaluate("typeof window.__xss") == "undefined", page.evaluate("window.__xss")
    assert dialogs == [], dialogs
    assert page.evaluate("window.__csp") == [], page.evaluate("window.__csp")
    # The post's markup itself is inert.
    report = prose.evaluate("""(root) => {
      const bad = [];
      root.querySelectorAll("*").forEach((el) => {
        const tag = el.tagName.toLowerCase();
        if (["script", "style", "svg", "math", "img", "iframe", "object", "embed", "form",
             "noscript", "template", "base", "meta", "link"].includes(tag)) bad.push("<" + tag + ">");
        for (const a of el.attributes) {
          const v = a.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
          if (a.name.startsWith("on")) bad.push(tag + " " + a.name);
          if (["href", "src", "action", "formaction"].includes(a.name)
              && /^(javascript|vbscript|data):/.test(v)) bad.push(tag + " " + a.name + "=" + a.value);
        }
      });
      return bad;
    }""")
    assert report == [], report
    # Ordinary Markdown and the safe link survive.
    assert prose.locator("strong", has_text="很顺利").count() == 1
    link = prose.locator("a[href='https://www.moe.gov.cn/']")
    assert link.count() == 1 and "nofollow" in link.get_attribute("rel")


def test_hostile_markdown_in_a_thread_never_runs(live_server, page, browser):
    dialogs = watch(page)
    login(page, live_server, "teacher001")
    page.goto(f"{live_server}/studios/1/threads/new")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=body]", BODY)
    shot(page, "xss-1-compose")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/studios/1/threads/\d+", page.url), page.url
    thread_url = page.url.split("#")[0]
    assert_inert(page, dialogs, "2-author")

    # Another member reads it with the Content-Security-Policy switched off: only the
    # sanitizer stands between the payloads and the reader.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  bypass_csp=True)
    context.set_default_timeout(10_000)
    try:
        reader = context.new_page()
        reader_dialogs = watch(reader)
        login(reader, live_server, "backbone01")
        reader.goto(thread_url)
        assert reader.locator("h1", has_text=TITLE).count() == 1
        assert_inert(reader, reader_dialogs, "3-reader-no-csp")
    finally:
        context.close()
