"""Lesson observations and growth plans in a real browser, as the people who use them:
a new teacher on a phone logs a lesson case she watched as an observation and sees her count
on 我的待办 move; another writes a growth plan, revises it and compares the versions; her
mentor comments. Screenshots at 390×844 and 1366×900 land in test-artifacts/."""
import re

import pytest

from tests.browser.conftest import DEMO_PASSWORD, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def open_as(browser, base_url, username, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/login" not in page.url
    return page


def studio_of(page):
    return int(re.search(r"/studios/(\d+)/", page.url).group(1))


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def observation_count(page):
    text = page.locator("[data-testid=todo-observations]").inner_text()
    found = re.search(r"听课 (\d+) / (\d+)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def test_a_new_teacher_on_a_phone_logs_a_case_as_an_observation(browser, live_server):
    page = open_as(browser, live_server, "teacher012", PHONE)
    studio = studio_of(page)
    before, target = observation_count(page)
    assert target == 25
    shot(page, "observe-home-phone")
    # an approved case of the studio (the demo's teacher006) is seen by every member
    page.goto(f"{live_server}/studios/{studio}/cases?state=approved")
    page.locator("[data-testid=case-list] tbody a").first.click()
    case_page = page.inner_text("main")
    page.click("[data-testid=log-observation]")
    assert page.input_value("input[name=teacher]")                       # pre-filled
    topic = page.input_value("input[name=topic]")                        # the case's topic
    assert topic and topic in case_page, topic
    assert page.locator("[data-testid=observed-case]").is_visible()
    no_sideways_scroll(page)
    shot(page, "observe-form-phone")
    page.fill("textarea[name=teaching_delivery]", "线段图帮助学生找到等量关系。")
    page.select_option("select[name=rating]", "excellent")
    page.click("[data-testid=observation-form] button[type=submit]")
    assert "听课记录已保存" in page.inner_text(".flash")
    assert "线段图帮助学生找到等量关系。" in page.inner_text("main")
    no_sideways_scroll(page)
    shot(page, "observe-show-phone")
    page.goto(f"{live_server}/studios/{studio}/")
    assert observation_count(page) == (before + 1, 25)
    page.goto(f"{live_server}/studios/{studio}/observations")
    no_sideways_scroll(page)
    shot(page, "observe-list-phone")
    page.context.close()


def test_a_growth_plan_is_written_revised_compared_and_commented(browser, live_server):
    page = open_as(browser, live_server, "teacher004", DESKTOP)    # the demo left hers unwritten
    studio = studio_of(page)
    assert "尚未撰写" in page.inner_text("[data-testid=todo-year]")
    page.click("[data-testid=todo-year] a[href$='/plans/mine']")
    for name, value in [("situation", "教龄一年，**课堂节奏**需要加强。"), ("goal_year1", "站稳讲台"),
                        ("goal_year2", "形成特色"), ("goal_year3", "形成风格"),
                        ("measures", "- 每学期听课25节\n- 每月读一本书"), ("outcomes", "规范课例一份")]:
        page.fill(f"textarea[name={name}]", value)
    shot(page, "plan-form-desktop")
    page.click("[data-testid=plan-form] button[type=submit]")
    assert "第 1 版已保存" in page.inner_text(".flash")
    assert page.locator("[data-testid=plan-text] strong", has_text="课堂节奏").is_visible()
    page.click("text=修订")
    page.fill("textarea[name=goal_year1]", "站稳讲台，上好<b>规范课</b>")
    page.fill("input[name=note]", "第二年修订")
    page.click("[data-testid=plan-form] button[type=submit]")
    assert "第 2 版已保存" in page.inner_text(".flash")
    page.select_option("[data-testid=evidence-form] select[name=goal]", "1")
    page.click("[data-testid=evidence-form] button[type=submit]")
    assert "佐证材料已关联" in page.inner_text(".flash")
    shot(page, "plan-show-desktop")
    page.click("[data-testid=compare]")
    goal = page.locator("[data-testid=diff-goal_year1]")
    assert goal.locator("li.removed").inner_text() == "站稳讲台"
    assert goal.locator("li.added").inner_text() == "站稳讲台，上好<b>规范课</b>"  # shown, not run
    shot(page, "plan-diff-desktop")
    plan_url = page.url.split("/diff")[0]
    page.context.close()

    mentor = open_as(browser, live_server, "backbone01", PHONE)
    mentor.goto(f"{live_server}/studios/{studio}/plans")
    assert "teacher004" not in mentor.inner_text("main")            # names, not usernames
    no_sideways_scroll(mentor)
    shot(mentor, "plan-list-phone")
    mentor.goto(plan_url)
    mentor.fill("[data-testid=plan-comment-form] textarea", "目标清晰，第二年可结合课题。")
    mentor.click("[data-testid=plan-comment-form] button[type=submit]")
    assert "目标清晰，第二年可结合课题。" in mentor.inner_text("[data-testid=plan-comments]")
    no_sideways_scroll(mentor)
    shot(mentor, "plan-show-phone")
    mentor.goto(f"{live_server}/studios/{studio}/progress")
    shot(mentor, "progress-phone")
    mentor.context.close()
