"""The calendar in a real browser: the month as a grid on a 1366×900 screen and as a
day-by-day list on a 390×844 phone (the empty days and the weekday header hidden, nothing
wider than the screen), the list view, and the 订阅到手机日历 page. The master and a new
teacher of the demo studio (teacher050). Screenshots land in test-artifacts/calendar-*.png."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot, studio_id_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1366, "height": 900}
TODAY = "集体备课：勾股定理（第一课时）"


def open_calendar(page, base_url, view=""):
    studio = studio_id_of(page)
    page.get_by_role("link", name="日历", exact=True).first.click()
    page.wait_for_url(re.compile(rf"/studios/{studio}/calendar$"))
    if view:
        page.get_by_test_id("cal-list-link").click()
        page.wait_for_url(re.compile(r"view=list"))
    return studio


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_month_is_a_grid_on_a_screen(live_server, pages):
    page = login(pages(SCREEN), live_server, "master")
    open_calendar(page, live_server)
    grid = page.get_by_test_id("cal-grid")
    expect(grid).to_be_visible()
    expect(grid.get_by_test_id("cal-activity").filter(has_text=TODAY)).to_be_visible()
    # seven columns: Monday to Sunday side by side on one row
    heads = grid.locator(".cal-weekday")
    expect(heads).to_have_count(7)
    tops = {round(heads.nth(i).bounding_box()["y"]) for i in range(7)}
    assert len(tops) == 1
    assert heads.nth(6).bounding_box()["x"] > heads.nth(0).bounding_box()["x"] + 900
    assert overflow(page) <= 0
    shot(page, "calendar-master-month-1366")
    page.get_by_test_id("cal-next").click()
    expect(page.get_by_test_id("cal-month")).to_contain_text("年")
    shot(page, "calendar-master-next-month-1366")
    page.get_by_test_id("cal-previous").click()
    page.get_by_test_id("cal-list-link").click()
    expect(page.get_by_test_id("cal-list").get_by_text(TODAY)).to_be_visible()
    shot(page, "calendar-master-list-1366")


def test_the_month_is_a_day_by_day_list_on_a_phone(live_server, pages):
    page = login(pages(PHONE, is_mobile=True, has_touch=True), live_server, "teacher050")
    open_calendar(page, live_server)
    grid = page.get_by_test_id("cal-grid")
    item = grid.get_by_test_id("cal-activity").filter(has_text=TODAY)
    expect(item).to_be_visible()
    expect(grid.locator(".cal-weekday").first).to_be_hidden()
    expect(grid.locator(".cal-day.empty").first).to_be_hidden()
    # each day with something on it takes the whole width, one under the other
    days = grid.locator(".cal-day:not(.empty):not(.other)")
    assert days.count() >= 1
    for i in range(days.count()):
        assert days.nth(i).bounding_box()["width"] > 300
    assert overflow(page) <= 0
    shot(page, "calendar-teacher-month-390")
    page.get_by_test_id("cal-list-link").click()
    expect(page.get_by_test_id("cal-list").get_by_text(TODAY)).to_be_visible()
    assert overflow(page) <= 0
    shot(page, "calendar-teacher-list-390")
    item = page.get_by_test_id("cal-list").get_by_test_id("cal-activity").filter(has_text=TODAY)
    item.click()
    page.wait_for_url(re.compile(r"/activities/\d+$"))


def test_subscribing_on_a_phone_shows_the_address_once(live_server, pages):
    page = login(pages(PHONE, is_mobile=True, has_touch=True), live_server, "teacher051")
    open_calendar(page, live_server)
    page.get_by_role("link", name="订阅到手机日历").click()
    expect(page.get_by_test_id("feed-none")).to_be_visible()
    page.get_by_test_id("feed-make").click()
    webcal = page.get_by_test_id("feed-webcal")
    expect(webcal).to_have_value(re.compile(r"^webcal://.+/calendar/.+\.ics$"))
    https = page.get_by_test_id("feed-https").input_value()
    assert overflow(page) <= 0
    shot(page, "calendar-subscribe-390")
    feed = page.request.get(https)
    assert feed.status == 200 and b"BEGIN:VCALENDAR" in feed.body()
    page.reload()
    expect(page.get_by_test_id("feed-active")).to_be_visible()
    expect(page.get_by_test_id("feed-webcal")).to_have_count(0)
    page.get_by_test_id("feed-stop").click()
    expect(page.get_by_test_id("feed-none")).to_be_visible()
    assert page.request.get(https).status == 404
