"""Work briefings in a real browser. The master (laptop) drafts a briefing from the studio's
data, picks a discussion post, edits the text, uploads a picture (put in at the cursor) and
publishes it as 第4期 (the demo has 第1–3期); a new teacher on a phone finds it on the studio
home and reads it with its pictures. Screenshots: test-artifacts/briefing-*.png and
/tmp/brief-*.png."""
import re

import pytest
from playwright.sync_api import expect

from studio.demo import png_bytes
from tests.browser.conftest import login, shot, studio_id_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def snap(page, name):
    shot(page, f"briefing-{name}")
    page.screenshot(path=f"/tmp/brief-{name}.png", full_page=True)


def images_loaded(page):
    return page.evaluate("Array.from(document.querySelectorAll('.bulletin-body img'))"
                         ".map(i => i.complete && i.naturalWidth > 0)")


def test_master_drafts_from_data_and_a_new_teacher_reads_it_on_a_phone(live_server, pages,
                                                                       tmp_path):
    master = login(pages(LAPTOP), live_server, "master")
    studio = studio_id_of(master)
    master.goto(f"{live_server}/studios/{studio}/briefings")
    assert "第3期" in master.inner_text("[data-testid=briefing-list]")
    master.click("[data-testid=from-data]")
    with master.expect_navigation():
        master.click("[data-testid=show-posts]")
    picker = master.locator("[data-testid=from-data-form] input[name=posts]")
    assert picker.count() >= 1
    picker.first.check()
    snap(master, "picker-laptop")
    with master.expect_navigation():
        master.click("[data-testid=write-draft]")
    assert re.search(r"/briefings/\d+/edit$", master.url)
    body = master.locator("textarea[name=body]")
    text = body.input_value()
    assert "一、活动开展" in text and "五、精彩研讨" in text
    master.fill("input[name=title]", "十二月研训简报")
    body.fill("本期导读：集体备课与分层作业。\n\n" + text)
    body.evaluate("el => el.setSelectionRange(15, 15)")   # after the first paragraph
    picture = tmp_path / "课堂.png"
    picture.write_bytes(png_bytes(320, 200))
    master.set_input_files("[data-image-upload] input[type=file]", str(picture))
    master.fill("[data-image-upload] input[name=caption]", "学生小组展示")
    master.click("[data-testid=upload-image]")
    expect(body).to_have_value(re.compile(r"!\[学生小组展示\]\("))
    assert body.input_value().startswith("本期导读：集体备课与分层作业。\n\n![学生小组展示](")
    snap(master, "editor-laptop")
    with master.expect_navigation():
        master.click("[data-testid=save]")
    with master.expect_navigation():
        master.click("[data-testid=publish]")
    assert master.inner_text("[data-testid=issue]").strip() == "第4期"
    assert all(images_loaded(master))
    snap(master, "published-laptop")

    reader = login(pages(PHONE), live_server, "teacher001")
    card = reader.locator("[data-testid=home-briefing]")
    assert "第4期" in card.inner_text() and "十二月研训简报" in card.inner_text()
    with reader.expect_navigation():
        card.locator("a", has_text="十二月研训简报").click()
    assert "初中数学名师网络工作室" in reader.inner_text("[data-testid=briefing]")
    loaded = images_loaded(reader)
    assert len(loaded) >= 2 and all(loaded)      # the upload and the activity photos
    assert reader.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    snap(reader, "read-phone")
