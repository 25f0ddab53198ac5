"""Certification (挂牌认定) in a real browser, on the demo's 语文 studio whose first
application was returned: its master (yw_master, on a phone) reads the checklist and applies
again; the office (admin, on a laptop) opens the application from its queue, sees the report,
the snapshot and the live checklist with evidence links, and returns it with reasons; the
master fixes the report and applies a third time; the office certifies (confirming the unmet
items with a reason); the certificate page reads the certified name, number and date, on
screen and as printed. Screenshots: /tmp/PART-cert-*.png and test-artifacts/cert-*.png."""
import re
import shutil

import pytest

from tests.browser.conftest import login, shot, studio_id_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
STUDIO = "小学语文名师网络工作室"


def snap(page, name):
    shutil.copyfile(shot(page, f"cert-{name}"), f"/tmp/PART-cert-{name}.png")


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def apply(page, report):
    page.fill("[data-testid=apply-form] textarea[name=report]", report)
    with page.expect_navigation():
        page.click("[data-testid=apply]")
    assert "申请已提交项目办" in page.inner_text(".flash")


def open_from_queue(office, base_url):
    office.goto(base_url + "/admin/")
    office.click("[data-testid=certification-queue]")
    office.click(f"[data-testid=queue] a:has-text('{STUDIO}')")
    office.wait_for_url(re.compile(r"/certification/\d+$"))


def test_apply_return_fix_certify_and_print(live_server, pages):
    master = login(pages(PHONE), live_server, "yw_master")
    studio_id = studio_id_of(master)
    master.click("[data-testid=nav-certification]")
    assert master.locator("[data-testid=checklist] tbody tr").count() == 8
    assert "工作室成员尚未配齐" in master.inner_text("[data-testid=returned-note]")
    no_horizontal_scroll(master)
    snap(master, "checklist-phone")
    apply(master, "## 建设概况\n工作室已补充成员，开展了四次研训活动。")
    assert "正在等待项目办审核" in master.inner_text("[data-testid=waiting-note]")

    office = login(pages(LAPTOP), live_server, "admin")
    open_from_queue(office, live_server)
    assert "开展了四次研训活动" in office.inner_text("[data-testid=report]")
    assert office.locator("[data-testid=snapshot] tbody tr").count() == 8
    evidence = office.locator("[data-testid=checklist] a:has-text('查看佐证')").first
    assert re.search(rf"/studios/{studio_id}/", evidence.get_attribute("href"))
    snap(office, "application-desktop")
    office.click("[data-testid=return]")                      # no reasons: refused, kept
    assert "请填写退回理由" in office.inner_text("[data-testid=decision-form]")
    office.fill("textarea[name=reason]", "请补充研训活动的签到记录。")
    with office.expect_navigation():
        office.click("[data-testid=return]")
    assert office.inner_text("[data-testid=round-state]") == "已退回"

    master.reload()
    assert "请补充研训活动的签到记录" in master.inner_text("[data-testid=returned-note]")
    assert "开展了四次研训活动" in master.input_value("textarea[name=report]")
    apply(master, master.input_value("textarea[name=report]") + "\n\n已补充签到记录。")
    assert master.locator("[data-testid=round]").count() == 3

    open_from_queue(office, live_server)
    office.fill("textarea[name=reason]", "签到记录已补齐，其余指标以线下材料佐证，同意认定。")
    office.check("input[name=confirm_unmet]")
    with office.expect_navigation():
        office.click("[data-testid=certify]")
    assert office.inner_text("[data-testid=round-state]") == "已挂牌认定"
    name = office.inner_text("[data-testid=certified-name] strong")
    assert name.startswith("河南省") and name.endswith("名师工作室")

    master.reload()
    master.click("[data-testid=certificate-link] >> nth=0")
    master.wait_for_url(re.compile(r"/certificate$"))
    text = master.inner_text("[data-testid=certificate]")
    assert name in text and "证书编号：豫名师" in text and "特发此证" in text
    no_horizontal_scroll(master)
    snap(master, "certificate-phone")
    office.goto(f"{live_server}/studios/{studio_id}/certificate")
    snap(office, "certificate-desktop")
    office.emulate_media(media="print")
    assert not office.locator(".topbar").is_visible()
    snap(office, "certificate-print")
