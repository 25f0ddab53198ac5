"""The demo's online seminar after the fact, in a real browser: its record (活动纪要) with a
photo thumbnail that opens the original, and the attendance by presence with each member's
minutes in the live room, for the host on a 1366×900 screen and a member on a 390×844
phone. Screenshots land in test-artifacts/record-*.png."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1366, "height": 900}
TITLE = "专题研讨：分层作业设计"


def open_seminar(page, base_url):
    studio = re.search(r"/studios/(\d+)", page.url).group(1)
    page.goto(f"{base_url}/studios/{studio}/activities")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r"/activities/\d+$"))


@pytest.fixture
def pages(browser):
    contexts = []

    def _open(viewport, **options):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def _photo_loaded(page):
    thumb = page.get_by_test_id("record-photos").locator("img").first
    thumb.scroll_into_view_if_needed()
    expect(thumb).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=thumb.element_handle())
    return thumb


def test_the_seminar_record_and_presence_for_the_host_and_on_a_phone(live_server, pages):
    host = login(pages(SCREEN), live_server, "master")
    open_seminar(host, live_server)
    expect(host.get_by_test_id("record")).to_contain_text("基础、提高、拓展")
    _photo_loaded(host)
    expect(host.get_by_test_id("presence-rule")).to_contain_text("80%")
    expect(host.get_by_test_id("attendance")).to_contain_text("在直播间时长")
    expect(host.get_by_test_id("attendance").locator("tbody")).to_contain_text("在线研讨室")
    host.locator("#record").scroll_into_view_if_needed()
    shot(host, "record-host-1366")
    host.get_by_test_id("attendance").scroll_into_view_if_needed()
    shot(host, "record-attendance-1366")

    phone = login(pages(PHONE, is_mobile=True, has_touch=True), live_server, "teacher001")
    open_seminar(phone, live_server)
    expect(phone.get_by_test_id("record")).to_contain_text("下一步")
    thumb = _photo_loaded(phone)
    box = thumb.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator("#record").scroll_into_view_if_needed()
    shot(phone, "record-phone-390")
    thumb.click()
    phone.wait_for_url(re.compile(r"/photos/\d+$"))
    assert phone.evaluate("document.images[0].naturalWidth") == 160


def test_online_attendance_by_staying_in_the_live_room(live_server, pages):
    """The master schedules a short online seminar (3 minutes, 10% to be present: 18 s); a
    teacher on a phone stays in its live room for 25 seconds and leaves: the host's
    attendance table shows them checked in by the live room."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo
    host = login(pages(SCREEN), live_server, "master")
    studio = re.search(r"/studios/(\d+)", host.url).group(1)
    host.goto(f"{live_server}/studios/{studio}/activities/new")
    now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(second=0, microsecond=0, tzinfo=None)
    host.select_option("#kind", "seminar")
    host.fill("#title", "线上研讨：出勤测试")
    host.fill("#starts_at", (now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"))
    host.fill("#ends_at", (now + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M"))
    host.select_option("#mode", "online")
    host.fill("#presence_share", "10")
    host.select_option("#audience", "studio")
    host.get_by_role("button", name="安排并通知").click()
    host.wait_for_url(re.compile(r"/activities/\d+$"))
    activity_url = host.url

    phone = login(pages(PHONE, is_mobile=True, has_touch=True), live_server, "teacher002")
    phone.goto(activity_url + "/live")
    # count the 25 seconds from the moment the room is joined: on a loaded machine the page
    # and the socket may take seconds to come up, which are not time present
    expect(phone.locator("[data-testid=connection]")).to_have_text("已连接", timeout=30_000)
    expect(phone.locator("[data-testid=presence]")).not_to_be_empty()
    phone.wait_for_timeout(25_000)
    phone.goto(activity_url)            # leaving the room: the server evaluates
    rows = host.get_by_test_id("attendance").locator("tbody tr", has_text="在线研讨室")
    # the server sees the socket close a moment later (more on a loaded machine): reload
    # until the host's table shows it, for up to 20 seconds
    for _ in range(20):
        host.reload()
        if rows.count() == 1:
            break
        host.wait_for_timeout(1000)
    expect(rows).to_have_count(1)
    shot(host, "presence-host-1366")
