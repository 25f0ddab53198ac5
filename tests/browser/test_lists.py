"""The task form's member picker on a phone (search, a whole group, the count, submit: the task
goes to exactly those), the same form without JavaScript, and the filtered, paged lists at
phone and desktop sizes (screenshots in test-artifacts/ for a human to look at)."""
import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import DEMO_PASSWORD, shot

pytestmark = pytest.mark.browser

PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
             device_scale_factor=2)
DESKTOP = dict(viewport={"width": 1366, "height": 900})


def open_as(browser, base_url, username, **context):
    ctx = browser.new_context(locale="zh-CN", **context)
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    studio = re.search(r"/studios/(\d+)/", page.url)
    assert studio, f"login as {username} did not reach a studio: {page.url}"
    return ctx, page, int(studio.group(1))


def fill_task(page, title):
    page.fill("input[name=title]", title)
    page.fill("input[name=due_on]", (date.today() + timedelta(days=7)).isoformat())


def assignees(page):
    """Names on the setter's view of the task, from every mentor-group table."""
    return sorted(n.strip() for n in page.locator(
        "details.group-progress table td:first-child").all_text_contents())


def row_name(row):
    return row.locator(".picker-name").inner_text().strip()


def test_picking_members_on_a_phone(browser, live_server):
    ctx, page, studio_id = open_as(browser, live_server, "master", **PHONE)
    try:
        page.goto(f"{live_server}/studios/{studio_id}/tasks/new")
        picker = page.locator("[data-testid=member-picker]")
        count = picker.locator("[data-picker-count]")
        assert count.inner_text() == "已选 0 人"
        groups = picker.locator("[data-picker-group]")
        assert groups.count() == 11                        # 10 mentor groups + backbone teachers
        # rows are tap-sized
        heights = picker.locator(".picker-row").evaluate_all(
            "rows => rows.map(r => r.getBoundingClientRect().height)")
        assert len(heights) == 90 and min(heights) >= 44, min(heights)

        # search: one teacher of the third group by name
        third = groups.nth(2)
        wanted = row_name(third.locator(".picker-row").nth(3))
        picker.locator("[data-picker-search]").fill(wanted)
        visible = picker.locator(".picker-row:visible")
        assert visible.count() == 1 and row_name(visible.first) == wanted
        shot(page, "picker-phone-search")
        visible.first.locator("input").check()
        assert count.inner_text() == "已选 1 人"
        assert page.locator("select[name=audience]").input_value() == "members"

        # while a search hides rows, "选择全组" takes only the rows shown, and lets them go
        second = groups.nth(1)
        other = row_name(second.locator(".picker-row").nth(0))
        picker.locator("[data-picker-search]").fill(other)
        shown = second.locator(".picker-row:visible").count()
        second.locator("[data-picker-all]").click()
        assert count.inner_text() == f"已选 {1 + shown} 人"
        second.locator("[data-picker-all]").click()
        assert count.inner_text() == "已选 1 人"

        # the whole first group
        picker.locator("[data-picker-search]").fill("")
        first = groups.nth(0)
        group_names = [row_name(r) for r in first.locator(".picker-row").all()]
        first.locator("[data-picker-all]").click()
        assert count.inner_text() == f"已选 {len(group_names) + 1} 人"
        assert first.locator("[data-picker-all]").inner_text() == "取消本组"
        shot(page, "picker-phone-group")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the form is {overflow}px wider than the phone"

        fill_task(page, "手机上指定成员的任务")
        with page.expect_navigation():
            page.locator("form button.primary[type=submit]").click()
        assert re.search(r"/tasks/\d+$", page.url), page.url
        assert assignees(page) == sorted(group_names + [wanted])
        shot(page, "picker-phone-sent")
    finally:
        ctx.close()


def test_the_picker_without_javascript_is_plain_checkboxes(browser, live_server):
    ctx, page, studio_id = open_as(browser, live_server, "master", java_script_enabled=False,
                                   **DESKTOP)
    try:
        page.goto(f"{live_server}/studios/{studio_id}/tasks/new")
        picker = page.locator("[data-testid=member-picker]")
        assert not picker.locator("[data-picker-search]").is_visible()
        assert not picker.locator("[data-picker-all]").first.is_visible()
        rows = picker.locator(".picker-row")
        chosen = [row_name(rows.nth(i)) for i in (0, 40)]
        for i in (0, 40):
            rows.nth(i).locator("input").check()
        page.select_option("select[name=audience]", "members")
        fill_task(page, "不用脚本指定成员的任务")
        shot(page, "picker-desktop-nojs")
        with page.expect_navigation():
            page.locator("form button.primary[type=submit]").click()
        assert re.search(r"/tasks/\d+$", page.url), page.url
        assert assignees(page) == sorted(chosen)
    finally:
        ctx.close()


LISTS = {"roster": "/studios/{s}/roster?role=new_teacher&page=2",
         "hours": "/studios/{s}/hours?q=郑州",
         "progress": "/studios/{s}/progress?group={g}",
         "notifications": "/notifications?read=unread",
         "task-form": "/studios/{s}/tasks/new"}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_lists_fit_the_screen(browser, live_server, size):
    ctx, page, studio_id = open_as(browser, live_server, "master",
                                   **(PHONE if size == "phone" else DESKTOP))
    try:
        page.goto(f"{live_server}/studios/{studio_id}/roster")
        mentor_id = page.locator("select[name=group] option").nth(1).get_attribute("value")
        for name, path in LISTS.items():
            response = page.goto(live_server + path.format(s=studio_id, g=mentor_id))
            assert response.status == 200, (name, response.status)
            if name == "roster":
                assert "第 2 / 2 页，共 80 人" in page.locator("[data-testid=pager]").inner_text()
            if name == "progress":
                assert page.locator("[data-testid=progress] tbody tr").count() == 9
            shot(page, f"list-{name}-{size}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} is {overflow}px wider than the {size}"
    finally:
        ctx.close()
