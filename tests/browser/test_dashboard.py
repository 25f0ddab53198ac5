"""The office's dashboard in a real browser: the demo admin opens it from the top menu on a
laptop (1366×900), sees the summary, the charts drawn by ECharts (a canvas in each) and the
tables, filters by subject, and exports; the same page on a phone (390×844) draws its charts to
the phone's width without sideways scrolling. Screenshots land in test-artifacts/dashboard-*.png
(and /tmp/dashboard-*.png to look at)."""
import shutil

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
CHARTS = ("hours", "certification", "cases", "briefings", "activities")


def charts_drawn(page):
    for name in CHARTS:
        page.wait_for_selector(f"[data-chart={name}] canvas")
        box = page.locator(f"[data-chart={name}] canvas").first.bounding_box()
        assert box["width"] > 200 and box["height"] > 150, (name, box)


def keep(path, name, page=None, parts=()):
    """Copy the screenshot to /tmp, with close-ups of ``parts`` (test ids) to read them."""
    shutil.copy(path, f"/tmp/dashboard-{name}.png")
    for part in parts:
        page.locator(f"[data-testid={part}]").screenshot(path=f"/tmp/dashboard-{name}-{part}.png")


def test_the_office_reads_the_dashboard_and_filters_it(live_server, pages):
    page = login(pages(LAPTOP), live_server, "admin")
    page.click("[data-testid=nav-dashboard]")
    page.wait_for_url("**/admin/dashboard")
    assert page.locator("h1").inner_text() == "数据看板"
    charts_drawn(page)
    rows = page.locator("[data-testid=dashboard-row]")
    assert rows.count() >= 7
    assert "工作室数" in page.locator("[data-testid=dashboard-summary]").inner_text()
    keep(shot(page, "dashboard-desktop"), "desktop", page,
         ("dashboard-summary", "chart-cases", "dashboard-studios"))

    page.select_option("[data-testid=dashboard-filter] select[name=subject]", "物理")
    with page.expect_navigation():
        page.click("[data-testid=dashboard-filter] button[type=submit]")
    assert "subject=" in page.url
    assert rows.count() == 1 and "高中物理名师网络工作室" in rows.first.inner_text()
    charts_drawn(page)
    table = page.locator("[data-testid=chart-hours] table")
    assert "高中物理名师网络工作室" in table.inner_text()      # the chart's figures as a table
    with page.expect_download() as download:
        page.click("[data-testid=dashboard-export]")
    assert download.value.suggested_filename.endswith(".xlsx")
    keep(shot(page, "dashboard-filtered"), "filtered")


def test_the_dashboard_on_a_phone(live_server, pages):
    page = login(pages(PHONE), live_server, "admin")
    page.goto(live_server + "/admin/dashboard")
    charts_drawn(page)
    width = page.locator("[data-chart=hours] canvas").first.bounding_box()["width"]
    assert width <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    keep(shot(page, "dashboard-phone"), "phone", page,
         ("dashboard-summary", "chart-hours", "chart-certification"))
