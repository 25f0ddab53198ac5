"""Regions in a real browser: the county office (jinshui_office, 金水区教育局) logs in and sees
only the maths studio of its county; the platform office moves that studio to 二七区 and the
county office no longer sees it (nor may open it). The studio is moved back at the end, as the
server is shared by the browser tests. Screenshots land in test-artifacts/regions-*.png."""
import re

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

MATHS, CHINESE = "初中数学名师网络工作室", "小学语文名师网络工作室"
PHONE = {"width": 390, "height": 844}


def studio_list(page):
    return page.locator("[data-testid=studio-list]").inner_text()


def move_maths(page, base_url, county):
    page.goto(base_url + "/admin/")
    page.click(f"[data-testid=studio-list] tr:has-text('{MATHS}') a:has-text('编辑')")
    page.select_option("select[name=region_id]", label="\u3000\u3000" + county)
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    assert page.url.endswith("/admin/")
    return page


def test_the_county_office_sees_its_studio_until_it_moves_away(pages, live_server):
    office = login(pages(), live_server, "jinshui_office")
    assert office.url.endswith("/admin/")
    assert MATHS in studio_list(office) and CHINESE not in studio_list(office)
    assert "河南省郑州市金水区" in studio_list(office)
    shot(office, "regions-county-office")
    phone = login(pages(viewport=PHONE), live_server, "jinshui_office")
    shot(phone, "regions-county-office-phone")
    maths_url = office.locator(f"a:has-text('{MATHS}')").first.get_attribute("href")

    admin = login(pages(), live_server, "admin")
    admin.goto(live_server + "/admin/regions")
    assert "金水区" in admin.locator("[data-testid=region-tree]").inner_text()
    shot(admin, "regions-tree")
    move_maths(admin, live_server, "二七区")
    assert "河南省郑州市二七区" in studio_list(admin)

    office.reload()
    assert MATHS not in studio_list(office)
    response = office.goto(live_server + maths_url)
    assert response.status == 403
    # the city office (郑州市) still oversees it
    city = login(pages(), live_server, "zz_office")
    assert MATHS in studio_list(city)

    move_maths(admin, live_server, "金水区")
    office.goto(live_server + "/admin/")
    assert MATHS in studio_list(office)
    assert re.search(r"/studios/\d+/", maths_url)
