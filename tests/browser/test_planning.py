"""Collective lesson planning through a real browser: the shared plan of today's demo
activity (集体备课：勾股定理) read on a 390×844 phone and a 1366×900 screen; the host (master,
desktop) and the assignee of 教学过程 (backbone01, phone) open the section at the same time;
the phone saves first; the host's save is stopped (409) with the other text beside the typed
text, which stays in the form; the merged text then saves. A new teacher takes the plan as the
design of a lesson case. Screenshots land in test-artifacts/planning-*.png."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1366, "height": 900}
TITLE = "集体备课：勾股定理（第一课时）"


def open_plan(page, base_url):
    studio = re.search(r"/studios/(\d+)", page.url).group(1)
    page.goto(f"{base_url}/studios/{studio}/activities")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_test_id("open-plan").click()
    page.wait_for_url(re.compile(r"/plan$"))


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_two_editors_of_one_section_the_second_is_stopped_and_merges(live_server, pages):
    host = login(pages(SCREEN), live_server, "master")
    open_plan(host, live_server)
    expect(host.get_by_test_id("section-process")).to_contain_text("学生上台展示")
    shot(host, "planning-plan-1366")
    phone = login(pages(PHONE, is_mobile=True, has_touch=True), live_server, "backbone01")
    open_plan(phone, live_server)
    assert fits(phone)
    shot(phone, "planning-plan-390")

    host.get_by_test_id("edit-process").click()
    phone.get_by_test_id("edit-process").click()
    expect(phone.get_by_test_id("editing-notice")).to_contain_text("正在编辑此部分")
    phone.fill("textarea[name=body]", "一、情境导入\n二、探究：拼图（手机上改的）")
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存为新版本").click()
    expect(phone.locator("body")).to_contain_text("已保存")

    typed = "一、情境导入\n二、讲授：赵爽弦图（电脑上改的）"
    host.fill("textarea[name=body]", typed)
    with host.expect_navigation():
        host.get_by_role("button", name="保存为新版本").click()
    expect(host.get_by_test_id("theirs")).to_contain_text("手机上改的")
    expect(host.locator("textarea[name=body]")).to_have_value(typed)
    expect(host.get_by_test_id("conflict")).to_contain_text("保存了此部分")
    shot(host, "planning-conflict-1366")
    host.set_viewport_size(PHONE)
    assert fits(host)
    shot(host, "planning-conflict-390")
    host.set_viewport_size(SCREEN)

    host.fill("textarea[name=body]", "一、情境导入\n二、探究：拼图（手机上改的）\n三、讲授：赵爽弦图")
    with host.expect_navigation():
        host.get_by_role("button", name="保存为新版本").click()
    expect(host.get_by_test_id("section-process")).to_contain_text("三、讲授：赵爽弦图")
    host.get_by_test_id("section-process").get_by_role("link", name="版本与修改").click()
    expect(host.get_by_test_id("diff")).to_contain_text("三、讲授：赵爽弦图")
    shot(host, "planning-diff-1366")


def test_a_new_teacher_uses_the_plan_as_the_design_of_a_lesson_case(live_server, pages):
    phone = login(pages(PHONE, is_mobile=True, has_touch=True), live_server, "teacher011")
    open_plan(phone, live_server)
    with phone.expect_navigation():
        phone.get_by_test_id("use-as-case").click()
    assert re.search(r"/cases/\d+/edit$", phone.url)
    expect(phone.locator("textarea[name=design_text]")).to_contain_text("教学目标")
    shot(phone, "planning-case-390")
