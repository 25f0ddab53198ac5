"""The training archive in a real browser: the demo master, on a laptop, opens 培训档案 from
the studio's navigation, builds the archive, watches its state change (the page polls the
job with static/js/archive.js) and downloads the ZIP; the archive opens and its index links
to every part. A phone-width look at the page too. Screenshots: /tmp/archive-*.png."""
import zipfile

import pytest

from tests.browser.conftest import login, studio_id_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_master_builds_and_downloads_the_archive(live_server, pages, tmp_path):
    page = login(pages(accept_downloads=True), live_server, "master")
    studio = studio_id_of(page)
    page.click("nav.studionav a:has-text('培训档案')")
    page.wait_for_url(f"**/studios/{studio}/archive")
    with page.expect_navigation():
        page.click("button:has-text('生成培训档案')")
    job = page.locator(".archive-job").first
    assert job.get_attribute("data-state") in ("queued", "running", "done")
    page.screenshot(path="/tmp/archive-started.png", full_page=True)
    link = job.locator(".job-download a")
    link.wait_for(state="visible", timeout=60_000)
    assert "已完成" in job.locator(".job-state").inner_text()
    page.screenshot(path="/tmp/archive-ready.png", full_page=True)
    with page.expect_download() as download:
        link.click()
    target = tmp_path / "archive.zip"
    download.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        index = archive.read("index.html").decode()
        for part in ("hours.html", "cases.html", "activities.html", "threads.html"):
            assert f'href="{part}"' in index
        assert "培训档案" in index

    phone = login(pages(viewport=PHONE), live_server, "master")
    phone.goto(f"{live_server}/studios/{studio}/archive")
    phone.screenshot(path="/tmp/archive-phone.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_zip_index_reads_well(live_server, pages, tmp_path):
    """The archive's own pages, opened from disk as a person would after unzipping."""
    page = login(pages(accept_downloads=True), live_server, "master")
    studio = studio_id_of(page)
    page.goto(f"{live_server}/studios/{studio}/archive")
    link = page.locator(".archive-job .job-download a").first
    if not link.is_visible():
        with page.expect_navigation():
            page.click("button:has-text('生成培训档案')")
        link = page.locator(".archive-job .job-download a").first
        link.wait_for(state="visible", timeout=60_000)
    with page.expect_download() as download:
        link.click()
    target = tmp_path / "archive.zip"
    download.value.save_as(target)
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(folder)
    reader = pages()
    reader.goto(f"file://{folder}/index.html")
    reader.screenshot(path="/tmp/archive-zip-index.png", full_page=True)
    reader.click("a[data-part=cases]")
    reader.screenshot(path="/tmp/archive-zip-cases.png")
    assert reader.locator("article").count() > 0
