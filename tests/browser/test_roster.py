"""The demo studio seen through a real browser: the master's roster of 10 mentor groups with
8 new teachers each, the language switch, a new teacher on a phone, the admin's studio list.

Screenshots land in test-artifacts/ for a human to look at.
"""
import re

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

STUDIO = "初中数学名师网络工作室"
OTHER_STUDIO = "小学语文名师网络工作室"
CJK = re.compile(r"[\u4e00-\u9fff]")


def studio_id_from(url):
    match = re.search(r"/studios/(\d+)/", url)
    assert match, f"not a studio page: {url}"
    return int(match.group(1))


def studionav_text(page):
    return page.locator("nav.studionav").inner_text()


def assert_chinese_ui(page):
    assert page.get_attribute("html", "lang") == "zh-CN"
    nav = studionav_text(page)
    assert CJK.search(nav), f"studio navigation is not in Chinese: {nav!r}"
    assert "Roster" not in nav and "Studio home" not in nav, nav


def test_master_sees_roster_by_mentor_group_in_both_languages(page, live_server):
    login(page, live_server, "master")
    # A member of one studio lands on its home page.
    studio_id = studio_id_from(page.url)
    assert page.locator("section.studio-head h1").inner_text().strip() == STUDIO
    assert page.get_attribute("html", "lang") == "zh-CN"
    shot(page, "master-home-zh")

    page.click("nav.studionav a[href$='/roster']")
    page.wait_for_url(f"**/studios/{studio_id}/roster")

    # Structure first: it does not depend on the translation catalogue. 91 people, 50 a
    # page in group order: page 1 ends inside the sixth group, which page 2 continues.
    groups = page.locator("[data-testid=mentor-group]")
    assert groups.count() == 6
    mentees = {}
    for number in (1, 2):
        if number == 2:
            page.click("[data-testid=pager] a[rel=next]")
            page.wait_for_url("**/roster?page=2")
        for i in range(groups.count()):
            heading = groups.nth(i).locator("h2").inner_text()
            # the group page 1 ended inside is headed again on page 2, marked 续
            assert ("（续）" in heading) is (number == 2 and i == 0), heading
            heading = heading.replace(" （续）", "").replace("（续）", "")
            mentees.setdefault(heading, []).extend(
                groups.nth(i).locator(".people > li:not(.mentor) strong").all_inner_texts())
    assert [len(names) for names in mentees.values()] == [8] * 10
    mentee_names = [name for names in mentees.values() for name in names]
    assert len(set(mentee_names)) == 80, "every new teacher appears once, by name"
    assert all(CJK.search(name) for name in mentee_names)
    page.click("[data-testid=pager] a[rel=prev]")
    page.wait_for_url("**/roster?page=1")
    shot(page, "roster-zh")

    # Then the language: Chinese is the default for everyone.
    assert_chinese_ui(page)

    page.click("[data-testid=lang-en]")
    page.wait_for_selector("[data-testid=lang-zh_CN]")
    assert page.url.endswith(f"/studios/{studio_id}/roster?page=1"), page.url
    assert page.get_attribute("html", "lang") == "en"
    nav = studionav_text(page)
    assert "Roster" in nav and "Studio home" in nav
    assert not CJK.search(nav), f"Chinese left in the English navigation: {nav!r}"
    assert page.locator("h1").first.inner_text().startswith("Roster")
    assert page.locator("[data-testid=mentor-group]").count() == 6
    shot(page, "roster-en")

    page.click("[data-testid=lang-zh_CN]")
    page.wait_for_selector("[data-testid=lang-en]")
    assert page.locator("[data-testid=mentor-group]").count() == 6
    assert_chinese_ui(page)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_new_teacher_sees_mentor_on_phone(phone, live_server):
    login(phone, live_server, "teacher001")
    studio_id_from(phone.url)
    assert phone.locator("section.studio-head h1").inner_text().strip() == STUDIO
    mentor = phone.locator("[data-testid=my-mentor]")
    assert mentor.is_visible()
    shot(phone, "teacher-home-phone")
    name = mentor.locator(".person strong").inner_text().strip()
    assert CJK.search(name), f"mentor name missing: {name!r}"
    # Nothing is wider than the phone's screen.
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    assert "我的导师" in mentor.locator("h2").inner_text()


def test_admin_sees_every_demo_studio(page, live_server):
    """The platform office sees the two studios and the five smaller ones of the dashboard's
    demo (studio/demo_dashboard.py); a county office sees the one in its county."""
    from studio.demo_dashboard import STUDIOS as SMALLER
    login(page, live_server, "admin")
    assert page.url.rstrip("/").endswith("/admin"), page.url
    table = page.locator("[data-testid=studio-list]")
    assert table.is_visible()
    names = table.locator("tbody tr td:first-child a").all_inner_texts()
    assert sorted(n.strip() for n in names) == sorted([STUDIO, OTHER_STUDIO]
                                                      + [spec[0] for spec in SMALLER])
    shot(page, "admin-studios")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert CJK.search(table.locator("thead").inner_text()), "table headings are not in Chinese"
