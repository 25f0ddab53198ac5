"""On-site check-in with the rotating code, through a real browser: the master opens the
projector page of today's demo activity (集体备课：勾股定理) on a 1366×900 screen; a new
teacher on a 390×844 phone types an old, wrong code (refused in Chinese, nothing changes),
then the code on the screen (checked in, hours credited). Screenshots land in
test-artifacts/check-in-*.png."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1366, "height": 900}
TITLE = "集体备课：勾股定理（第一课时）"
TEACHER = "teacher050"


def open_activity(page, base_url):
    studio = re.search(r"/studios/(\d+)", page.url).group(1)
    page.goto(f"{base_url}/studios/{studio}/activities")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r"/activities/\d+$"))


@pytest.fixture
def pages(browser):
    """pages(viewport, **options): a page in a fresh context (one person each), zh-CN."""
    contexts = []

    def _open(viewport, **options):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def test_on_site_check_in_with_the_rotating_code_on_a_phone(live_server, pages):
    host = login(pages(SCREEN), live_server, "master")
    open_activity(host, live_server)
    shot(host, "check-in-host-activity-1366")
    host.get_by_test_id("open-projector").click()
    code = host.get_by_test_id("projector-code")
    assert re.fullmatch(r"[0-9]{6}", code.inner_text().strip())
    assert host.locator("img[data-qr]").get_attribute("src").startswith("data:image/svg+xml")
    shot(host, "check-in-projector-1366")

    phone = login(pages(PHONE, is_mobile=True, has_touch=True), live_server, TEACHER)
    open_activity(phone, live_server)
    field = phone.get_by_test_id("check-in-code")
    current = code.inner_text().strip()
    wrong = f"{(int(current) + 1) % 1_000_000:06d}"
    field.fill(wrong)
    field.press("Enter")
    assert "签到码无效或已过期" in phone.locator(".error").first.inner_text()
    assert phone.get_by_test_id("my-attendance").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "check-in-phone-refused-390")

    phone.get_by_test_id("check-in-code").fill(code.inner_text().strip())
    phone.get_by_test_id("check-in-code").press("Enter")
    notice = phone.get_by_test_id("my-attendance")
    assert "签到（签到码）" in notice.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "check-in-phone-done-390")

    # the projector's count follows without a reload (it asks every 10 s at the latest)
    expect(host.locator("[data-present]")).to_contain_text("已签到 31 人", timeout=15_000)
