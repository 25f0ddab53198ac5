"""Research projects in a real browser: the demo project (led by backbone01, at 中期 with its
开题 report approved). The leader, on a phone (390×844), finds it on the studio home, hands in
the 中期 report with the progress-bar upload; the master, on a laptop (1366×900), returns it
with reasons; the leader reads them and hands in version 2; the master approves and the
project moves to 结题. The master also sets up a project, finding members with the search
box of the checklist. Screenshots land in test-artifacts/projects-*.png.
"""
import re

import pytest

from tests.browser.conftest import login, shot
from tests.factories import PDF

pytestmark = pytest.mark.browser

PROJECT = "“双减”背景下初中数学分层作业设计的实践研究"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def context_for(browser):
    made = []

    def make(viewport):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        context.set_default_timeout(10_000)
        made.append(context)
        return context.new_page()
    yield make
    for context in made:
        context.close()


def open_project(page):
    page.click("[data-testid=home-projects] a:has-text('分层作业设计')")
    page.wait_for_url(re.compile(r"/projects/\d+$"))


def current_stage(page):
    return page.locator("[data-testid=project-stages] [aria-current=step]").inner_text().strip()


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def hand_in(page, tmp_path, name, summary):
    path = tmp_path / name
    path.write_bytes(PDF)
    page.set_input_files("[data-testid=report-form] input[type=file]", str(path))
    page.fill("[data-testid=report-form] textarea[name=summary]", summary)
    with page.expect_navigation():
        page.click("[data-testid=hand-in-report]")


def test_a_stage_report_is_handed_in_returned_revised_and_approved(live_server, context_for,
                                                                  tmp_path):
    leader = login(context_for(PHONE), live_server, "backbone01")
    card = leader.locator("[data-testid=home-projects]")
    assert "课题研究" in card.inner_text() and "中期" in card.inner_text()
    shot(leader, "projects-home-phone")
    open_project(leader)
    project_url = leader.url
    assert current_stage(leader) == "中期"
    assert leader.locator("[data-testid=project-state]").inner_text().strip() == "撰写报告中"
    no_horizontal_scroll(leader)
    shot(leader, "projects-leader-phone")
    hand_in(leader, tmp_path, "中期报告.pdf", "完成了七年级“有理数”单元的分层作业样例。")
    assert leader.locator("[data-testid=project-state]").inner_text().strip() == "待审核"
    assert leader.locator("[data-testid=waiting-note]").is_visible()

    master = login(context_for(LAPTOP), live_server, "master")
    master.goto(project_url)
    assert master.locator("[data-testid=decision-form]").is_visible()
    shot(master, "projects-master-laptop")
    with master.expect_navigation():                 # no reasons: refused, nothing changes
        master.click("[data-testid=return-report]")
    assert "请填写退回报告的理由。" in master.locator("[data-testid=decision-form]").inner_text()
    master.fill("textarea[name=reason]", "请补充学生反馈数据。")
    with master.expect_navigation():
        master.click("[data-testid=return-report]")
    assert master.locator("[data-testid=project-state]").inner_text().strip() == "退回修改"

    leader.goto(project_url)
    assert "请补充学生反馈数据。" in leader.locator("[data-testid=returned-reasons]").inner_text()
    assert "请补充学生反馈数据。" in leader.locator("[data-testid=project-reports]").inner_text()
    shot(leader, "projects-leader-returned-phone")
    hand_in(leader, tmp_path, "中期报告-修改稿.pdf", "补充了两个班的学生反馈数据。")
    reports = leader.locator("[data-testid=project-reports]").inner_text()
    assert "第 2 版" in reports and "第 1 版" in reports

    master.goto(project_url)
    with master.expect_navigation():
        master.click("[data-testid=approve-report]")
    assert current_stage(master) == "结题"
    shot(master, "projects-master-approved-laptop")
    master.click("nav.studionav a:has-text('课题研究')")
    listing = master.locator("[data-testid=project-list]").inner_text()
    assert PROJECT in listing and "撰写报告中" in listing
    shot(master, "projects-list-laptop")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_master_sets_up_a_project_finding_members_by_search(live_server, context_for,
                                                               viewport):
    page = login(context_for(viewport), live_server, "master")
    studio = re.search(r"/studios/(\d+)/", page.url).group(1)
    page.goto(f"{live_server}/studios/{studio}/projects/new")
    page.fill("input[name=title]", f"课例研究：{viewport['width']}")
    page.fill("textarea[name=summary]", "研究课堂提问的有效性。")
    page.select_option("select[name=leader]", label=page.locator(
        "select[name=leader] option").nth(1).inner_text())
    search = page.locator("[data-checklist-filter]")
    search.fill("teacher01")
    visible = page.locator("[data-checklist] li:visible")
    assert 1 <= visible.count() <= 10          # teacher010 … teacher019 only
    visible.first.locator("input").check()
    search.fill("")
    no_horizontal_scroll(page)
    shot(page, f"projects-new-{'phone' if viewport is PHONE else 'laptop'}")
    with page.expect_navigation():
        page.click("[data-testid=project-form] button[type=submit]")
    assert re.search(r"/projects/\d+$", page.url), page.url
    assert current_stage(page) == "开题"
    assert "成员：" in page.content()
