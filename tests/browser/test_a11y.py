"""Phones and older eyes: the main pages at phone size (390×844) checked by axe-core, as a new
teacher and as the master, and the measurements behind issue 8 items 17–21 (text that follows
the reader's font size, tap targets, a compact header, the live room's composer on screen,
no sideways scrolling of the new-case form, wide tables scrolling in their own box, the bell's
accessible name). axe-core is vendored under tests/browser/vendor/ for these tests only.

Screenshots: test-artifacts/a11y-*.png.
"""
import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe.min.js")
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
TAP = 44


@pytest.fixture
def phone(pages):
    """phone(size=PHONE) -> a page in a fresh context of that size (CSP bypassed so that axe
    can be injected; the app's own scripts are external files either way)."""
    return lambda size=PHONE: pages(size, timeout=10_000, bypass_csp=True, device_scale_factor=1)


def first_link(page, base_url, index_path, pattern):
    """The path of the first link on ``index_path`` whose href matches ``pattern``."""
    page.goto(base_url + index_path)
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        if re.fullmatch(pattern, href.split("?")[0]):
            return href
    pytest.fail(f"no link matching {pattern} on {index_path}: {hrefs}", pytrace=False)


def main_pages(page, base_url):
    pages = ["/studios/1/", "/studios/1/tasks", "/studios/1/cases", "/studios/1/threads",
             "/studios/1/live", "/studios/1/hours", "/studios/1/roster"]
    pages.append(first_link(page, base_url, "/studios/1/tasks", r"/studios/1/tasks/\d+"))
    pages.append(first_link(page, base_url, "/studios/1/cases", r"/studios/1/cases/\d+"))
    pages.append(first_link(page, base_url, "/studios/1/threads", r"/studios/1/threads/\d+"))
    return pages


def axe_violations(page):
    if not page.evaluate("() => !!window.axe"):
        with open(AXE, encoding="utf-8") as handle:
            page.evaluate(handle.read())
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
    }""")


@pytest.mark.parametrize("username", ["teacher001", "master"])
def test_main_pages_have_no_serious_axe_violations_on_a_phone(phone, live_server, username):
    page = phone()
    login(page, live_server, username)
    problems = {}
    for path in main_pages(page, live_server):
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        if bad:
            problems[path] = bad
    shot(page, f"a11y-phone-thread-{username}")
    assert not problems, problems


def box(page, selector):
    handle = page.locator(selector).first
    expect(handle).to_be_visible()
    return handle.bounding_box()


def test_tap_targets_and_a_compact_header_on_a_phone(phone, live_server):
    page = phone()
    login(page, live_server, "teacher001")
    page.goto(live_server + "/studios/1/tasks")
    bell = box(page, "[data-testid=bell]")
    assert bell["height"] >= TAP and bell["width"] >= TAP, bell
    heights = page.eval_on_selector_all(
        ".studionav a, .topnav > a, .topnav button",
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= TAP, heights
    header = page.evaluate("""() => {
        const nav = document.querySelector('.studionav').getBoundingClientRect();
        return nav.bottom; }""")
    assert header / PHONE["height"] <= 0.12, f"the header takes {header} px of {PHONE['height']}"
    # nothing on the page itself scrolls sideways
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "a11y-phone-tasks")


def test_text_follows_the_root_font_size(phone, live_server):
    page = phone()
    login(page, live_server, "teacher001")
    page.goto(live_server + "/studios/1/")
    sizes = """() => [parseFloat(getComputedStyle(document.body).fontSize),
                      parseFloat(getComputedStyle(document.querySelector('.studionav a')).fontSize),
                      parseFloat(getComputedStyle(document.querySelector('.footer')).fontSize)]"""
    before = page.evaluate(sizes)
    assert before[0] == 16
    page.evaluate("() => { document.documentElement.style.fontSize = '20px'; }")
    after = page.evaluate(sizes)
    assert after[0] == 20
    for old, new in zip(before, after):
        assert new == pytest.approx(old * 1.25), (before, after)


def test_warning_and_secondary_text_keep_aa_contrast(phone, live_server):
    page = phone()
    login(page, live_server, "master")
    page.goto(live_server + "/studios/1/")
    colours = page.evaluate("""() => {
        const probe = (cls) => { const el = document.createElement('p'); el.className = cls;
            el.textContent = 'x'; document.querySelector('main').appendChild(el);
            const style = getComputedStyle(el);
            return [style.color, style.backgroundColor]; };
        return {warning: probe('warning'), meta: probe('meta'), page: getComputedStyle(document.body).backgroundColor};
    }""")

    def luminance(rgb):
        values = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
        values = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * values[0] + 0.7152 * values[1] + 0.0722 * values[2]

    def ratio(a, b):
        high, low = sorted([luminance(a), luminance(b)], reverse=True)
        return (high + 0.05) / (low + 0.05)

    assert ratio(*colours["warning"]) >= 4.5, colours
    assert ratio(colours["meta"][0], colours["page"]) >= 4.5, colours


@pytest.mark.parametrize("size", [PHONE, SMALL_PHONE], ids=["390x844", "360x740"])
def test_live_room_composer_is_on_screen(phone, live_server, size):
    page = phone(size)
    login(page, live_server, "teacher001")
    page.goto(live_server + "/studios/1/live")
    expect(page.locator("[data-testid=connection]")).to_have_text("已连接")

    def composer_visible():
        rect = page.locator("[data-testid=composer]").bounding_box()
        return rect["y"] >= 0 and rect["y"] + rect["height"] <= size["height"]

    assert composer_visible()
    # the reconnecting banner (the longest state text) must not push it off screen
    page.context.set_offline(True)
    expect(page.locator("[data-testid=connection]")).to_contain_text("正在重新连接", timeout=60_000)
    assert composer_visible()
    shot(page, f"a11y-live-reconnecting-{size['width']}")
    page.context.set_offline(False)


def test_new_case_form_does_not_scroll_sideways_at_360(phone, live_server):
    page = phone(SMALL_PHONE)
    login(page, live_server, "teacher001")
    page.goto(live_server + "/studios/1/cases/new")
    expect(page.locator("#case-form")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    # the deferred scripts still run: choosing a document kind hides the recording part
    kinds = page.eval_on_selector_all("select[name=kind] option", "els => els.map(e => e.value)")
    document_kinds = page.get_attribute("[data-part=recording]", "data-document-kinds").split()
    other = [k for k in kinds if k in document_kinds]
    if other:
        page.select_option("select[name=kind]", other[0])
        expect(page.locator("[data-part=recording]")).to_be_hidden()
    shot(page, "a11y-case-form-360")


def test_wide_tables_scroll_inside_their_own_box(phone, live_server):
    page = phone()
    login(page, live_server, "master")
    page.goto(live_server + "/studios/1/members")
    scroller = page.locator(".table-scroll").first
    expect(scroller).to_be_visible()
    widths = scroller.evaluate("el => [el.scrollWidth, el.clientWidth, getComputedStyle(el).overflowX]")
    assert widths[2] == "auto"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "a11y-members-table")


def test_bell_accessible_name_carries_the_unread_count(page, live_server):
    login(page, live_server, "teacher001")
    page.goto(live_server + "/studios/1/")
    bell = page.locator("[data-testid=bell]")
    count = page.locator("[data-testid=bell-count]")
    label = bell.get_attribute("aria-label")
    if count.count():
        assert label == f"通知：{count.inner_text()} 条未读"
    else:
        assert label == "通知"
    assert bell.evaluate("el => el.getAttribute('title')") == label


def test_favicon_answers(page, live_server):
    response = page.request.get(live_server + "/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")


@pytest.mark.parametrize("size", [PHONE, SMALL_PHONE], ids=["390x844", "360x740"])
def test_the_header_keeps_every_link_on_screen_outside_a_studio(phone, live_server, size):
    """On pages outside a studio (notifications, password) the platform name gives way, so
    the bell, 密码, 退出登录 and English are all on screen without scrolling the header."""
    page = phone(size)
    login(page, live_server, "teacher001")
    page.goto(live_server + "/notifications")
    right_edges = page.eval_on_selector_all(
        ".topnav > a, .topnav button, .topnav form button",
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().right)")
    assert right_edges and max(right_edges) <= size["width"], right_edges
    assert page.evaluate("() => { const t = document.querySelector('.topbar');"
                         " return t.scrollWidth <= t.clientWidth; }")
    shot(page, f"a11y-header-notifications-{size['width']}")


@pytest.mark.parametrize("username,path", [("master", "/studios/1/members"),
                                           ("admin", "/admin/"), ("admin", "/admin/users")])
def test_columns_of_buttons_have_a_header_for_screen_readers(phone, live_server, username, path):
    page = phone()
    login(page, live_server, username)
    page.goto(live_server + path)
    page.wait_for_load_state("load")
    found = [v for v in axe_violations(page) if v["id"] == "empty-table-header"]
    assert not found, found
