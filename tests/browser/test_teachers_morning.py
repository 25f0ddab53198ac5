"""A teacher's morning, on a phone (390×844): teacher004, whose lesson case the demo returned
with a review and two video comments, logs in, finds the case in 我的待办 on the studio home,
opens it and reads the earlier feedback without scrolling past one screen, revises it with a
new recording and hands it in again (已重新提交). Then the mentor (backbone01) opens it and sees
the feedback they gave and what changed: the reflection's diff and the replaced recording.

Only teacher004's case is touched, so the test does not depend on the order of the other
browser tests sharing the live server. Screenshots land in test-artifacts/morning-*.png.
"""
import re

import pytest

from tests.browser.conftest import login, shot
from studio.dates import filesize
from tests.browser.test_core_loop import DEMO_VIDEO, assert_state, case_url_pattern

pytestmark = pytest.mark.browser

TEACHER, MENTOR = "teacher004", "backbone01"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
REVIEW_TEXT = "请补充追及问题的分层练习"           # the demo's request for changes
COMMENT_TEXT = "这里可以先让学生画线段图"          # its comment at 0:31
NEW_REFLECTION = "补充了追及问题的分层练习：A组画线段图，B组独立列方程。"




def small_webm(directory):
    """The bundled one-minute WebM with a little padding (an EBML Void element): a different
    file from the demo's recording, still a valid video."""
    with open(DEMO_VIDEO, "rb") as handle:
        data = handle.read()
    pad = 4096
    path = directory / "第二版-课堂实录.webm"
    path.write_bytes(data + b"\xec\x01" + pad.to_bytes(7, "big") + bytes(pad))
    return path, len(data) + 9 + pad


def top_in_page(page, selector):
    """The distance of an element's top from the top of the page, in CSS pixels."""
    return page.evaluate(
        "(s) => document.querySelector(s).getBoundingClientRect().top + window.scrollY", selector)


def both_sizes(page, name):
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        shot(page, f"morning-{name}-{label}")
    page.set_viewport_size(PHONE)


def test_a_teachers_morning_on_a_phone(pages, live_server, tmp_path):
    video, video_size = small_webm(tmp_path)
    teacher = pages(PHONE)

    # --- 1. the studio home: 我的待办 names the returned case ---------------------------------
    login(teacher, live_server, TEACHER)
    assert re.search(r"/studios/\d+/?$", teacher.url), teacher.url
    todo = teacher.locator("[data-testid=todo]")
    assert todo.locator("h2").inner_text().strip() == "我的待办"
    revise = todo.locator("[data-testid=todo-revise]")
    assert revise.count() == 1, todo.inner_text()
    assert "待修改" in revise.inner_text()
    assert teacher.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
        "the studio home scrolls sideways on a phone"
    shot(teacher, "morning-01-home-phone")

    # --- 2. the returned case: the feedback within the first two screens -------------------
    revise.locator("a").click()
    teacher.wait_for_url(case_url_pattern(live_server))
    case_url = teacher.url.split("#")[0].split("?")[0]
    assert_state(teacher, "changes_requested")
    feedback = teacher.locator("[data-testid=feedback]")
    assert "评审意见" in feedback.locator("h2").inner_text()
    assert REVIEW_TEXT in feedback.inner_text()
    top = top_in_page(teacher, "[data-testid=feedback]")
    assert top < PHONE["height"], f"the feedback starts {top}px down the page"
    assert top_in_page(teacher, "[data-testid=feedback] .review .prose") < 2 * PHONE["height"]
    stamps = feedback.locator("[data-testid=feedback-comments] .timestamp")
    assert [s.strip() for s in stamps.all_inner_texts()] == ["0:12", "0:31"]
    assert COMMENT_TEXT in feedback.inner_text()
    assert teacher.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], \
        "the case page scrolls sideways on a phone"
    both_sizes(teacher, "02-returned")

    # a time stamp of the feedback seeks the recording on the page
    teacher.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=recording]');"
        " return v && v.readyState >= 1; }", timeout=20_000)
    stamps.nth(1).click()
    teacher.wait_for_function(
        "() => Math.abs(document.querySelector('[data-testid=recording]').currentTime - 31.5) < 2")
    teacher.evaluate("document.querySelector('[data-testid=recording]').pause()")

    # --- 3. revise with a new recording, hand in again -------------------------------------
    teacher.click(f"a[href='{case_url.removeprefix(live_server)}/edit']")
    teacher.wait_for_url(case_url + "/edit")
    teacher.fill("textarea[name=reflection]", NEW_REFLECTION)
    teacher.set_input_files("input[name=recording]", str(video))
    with teacher.expect_navigation(url=case_url_pattern(live_server), timeout=60_000):
        teacher.click("button[name=submit_now]")
    assert_state(teacher, "resubmitted")
    assert [a.strip() for a in teacher.locator(".versions a").all_inner_texts()] == ["v1", "v2"]
    feedback = teacher.locator("[data-testid=feedback]")
    assert feedback.locator("h2").inner_text().strip() == "上一版的评审意见（v1）"
    assert REVIEW_TEXT in feedback.inner_text()
    # the recording was replaced: the old comments say which version they are about
    first_stamp = feedback.locator("[data-testid=feedback-comments] li").first
    assert "v1 的实录" in first_stamp.inner_text()
    assert "version=1" in first_stamp.locator("a.timestamp").get_attribute("href")
    both_sizes(teacher, "03-resubmitted")

    # --- 4. the mentor sees the feedback they gave and what changed ---------------------------
    mentor = pages(DESKTOP)
    login(mentor, live_server, MENTOR)
    mentor.goto(case_url)
    assert_state(mentor, "in_review")
    assert REVIEW_TEXT in mentor.locator("[data-testid=feedback]").inner_text()
    diff = mentor.locator("[data-testid=version-diff]")
    assert "从 v1 到 v2 的改动" in diff.locator("h2").inner_text()
    files = diff.locator("[data-testid=file-changes] li", has_text="课堂实录")
    assert "已替换" in files.inner_text()
    old, new = files.locator("del").inner_text(), files.locator("ins").inner_text()
    assert "七年级数学-行程问题-课堂实录.webm" in old and filesize(video_size - 4105) in old
    assert "第二版-课堂实录.webm" in new and filesize(video_size) in new
    added = diff.locator("[data-testid=diff-reflection] ins").all_inner_texts()
    assert any("分层练习" in text for text in added), added
    removed = diff.locator("[data-testid=diff-reflection] del")
    assert removed.count() >= 1
    decoration = removed.first.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "line-through" in decoration, "a deletion is struck through, not only coloured"
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        mentor.set_viewport_size(viewport)
        shot(mentor, f"morning-04-mentor-diff-{name}")
    assert mentor.locator("[data-testid=review-form]").count() == 1
