"""The showcase of excellent lesson cases in a real browser: a visitor without an account, on a
phone (390×844), goes from the login page to the showcase, filters it, opens a case and plays
its recording; the master, on a laptop, takes the case off the showcase; the visitor's page and
the recording (its next Range request) are gone at once. Screenshots: /tmp/showcase-*.png."""
import re

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TITLE = "勾股定理的应用——最短路径问题"


def snap(page, name):
    page.screenshot(path=f"/tmp/showcase-{name}.png", full_page=True)


def test_a_visitor_filters_opens_and_plays_until_the_master_takes_it_down(live_server, pages):
    visitor = pages(viewport=PHONE)
    visitor.goto(live_server + "/login")
    visitor.click("[data-testid=login-showcase] a")
    visitor.wait_for_url(re.compile(r"/showcase/$"))
    visitor.select_option("[data-testid=filter-subject]", "数学")
    visitor.select_option("[data-testid=filter-stage]", "junior")
    with visitor.expect_navigation():
        visitor.click("[data-testid=showcase-filters] button[type=submit]")
    assert "stage=junior" in visitor.url
    assert visitor.locator("[data-testid=showcase-list] > li.showcase-item").count() == 2
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    snap(visitor, "phone-list")
    visitor.click(f"[data-testid=showcase-list] a:has-text('{TITLE}')")
    visitor.wait_for_url(re.compile(r"/showcase/\d+$"))
    entry_url = visitor.url
    assert "·" in visitor.locator("[data-testid=showcase-author]").inner_text()  # name · school
    video = visitor.locator("[data-testid=showcase-recording]")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    visitor.wait_for_function("v => v.currentTime > 0.3", arg=video.element_handle(),
                              timeout=20_000)
    src = video.evaluate("v => v.currentSrc")
    snap(visitor, "phone-entry")

    master = pages()
    login(master, live_server, "master")
    master.goto(entry_url)
    master.fill("[data-testid=unpublish-reason]", "录像需重新剪辑，暂时撤下。")
    with master.expect_navigation():
        master.click("[data-testid=unpublish]")
    assert master.locator("[data-testid=showcase-preview]").count() == 1
    snap(master, "desktop-taken-down")

    status = visitor.evaluate(
        "src => fetch(src, {headers: {Range: 'bytes=0-99'}}).then(r => r.status)", src)
    assert status == 404
    response = visitor.goto(entry_url)
    assert response.status == 404
    snap(visitor, "phone-gone")
    visitor.goto(live_server + "/showcase/")
    assert TITLE not in visitor.content()


def test_the_author_reads_what_will_be_public_consents_and_the_master_publishes(live_server,
                                                                              pages):
    author = pages()
    login(author, live_server, "teacher012")
    author.goto(live_server + "/notifications")
    with author.expect_navigation():
        author.click("[data-testid=notifications] button:has-text('名师希望公开展示您的课例')")
    assert author.locator("[data-testid=showcase-preview]").count() == 1
    assert author.locator("[data-testid=showcase-recording]").count() == 1
    snap(author, "desktop-consent")
    with author.expect_navigation():
        author.click("[data-testid=consent-yes]")
    entry_url = author.url.split("?")[0]

    master = pages(viewport=PHONE)
    login(master, live_server, "master")
    master.goto(live_server + "/showcase/")
    assert master.locator("[data-testid=showcase-waiting]").count() == 1
    snap(master, "phone-waiting")
    master.goto(entry_url)
    with master.expect_navigation():
        master.click("[data-testid=publish]")
    visitor = pages(viewport=PHONE)
    assert visitor.goto(entry_url).status == 200
    assert "平行线的判定与性质" in visitor.locator("[data-testid=showcase-title]").inner_text()
