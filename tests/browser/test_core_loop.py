"""The core loop of the studio, through a real browser, as in the issue:

a new teacher (teacher008, mentee of backbone01, no case yet) hands in a lesson case for the
task 提交一份规范课教学课例 with a classroom recording (a progress bar shows during the upload);
the mentor opens it, pins a time-stamped comment to the video, and requests changes; the
teacher sees the bell, edits and hands in again (version 2); the mentor approves; the task's
10 study hours appear in the teacher's ledger.

Only teacher008 and backbone01 are used, so the test does not depend on the order of the
other browser tests sharing the live server. Screenshots land in test-artifacts/core-loop-*.png.
"""
import re

import pytest

from tests.browser.conftest import REPO_ROOT, login, shot

pytestmark = pytest.mark.browser

TEACHER, MENTOR = "teacher008", "backbone01"
TASK_TITLE = "提交一份规范课教学课例"
TASK_HOURS = 10.0
CASE_TITLE = "分式方程的应用——工程问题"
DEMO_VIDEO = f"{REPO_ROOT}/studio/demo_assets/classroom-demo.webm"
UPLOAD_MB = 30
# Upload speed in the teacher's browser (Chrome DevTools network emulation), so the progress
# bar stays on screen for a moment even on localhost.
UPLOAD_BYTES_PER_SECOND = 15 * 1024 * 1024
# The catalogue's words for the states of a case (data-testid=case-state).
STATE_TEXT = {"submitted": "已提交", "in_review": "评课中", "changes_requested": "退回修改",
              "resubmitted": "已重新提交", "approved": "已通过"}


def snap(page, step):
    return shot(page, f"core-loop-{step}")


def studio_id_from(url):
    match = re.search(r"/studios/(\d+)/", url)
    assert match, f"not a studio page: {url}"
    return int(match.group(1))


def case_url_pattern(base_url):
    return re.compile(re.escape(base_url) + r"/studios/\d+/cases/\d+(\?.*)?(#.*)?$")


def assert_state(page, state):
    badge = page.locator("[data-testid=case-state]")
    assert f"state-{state}" in (badge.get_attribute("class") or ""), \
        f"expected state {state}, badge is {badge.get_attribute('class')!r} {badge.inner_text()!r}"
    assert badge.inner_text().strip() == STATE_TEXT[state]


def bell_count(page):
    count = page.locator("[data-testid=bell-count]")
    return int(count.inner_text()) if count.count() else 0


def hours_total(page):
    total = page.locator("[data-testid=hours-total]")
    total.wait_for()
    return float(total.inner_text())


def ledger_rows(page):
    ledger = page.locator("[data-testid=ledger] tbody tr")
    return [row.inner_text() for row in ledger.all()]


def padded_webm(directory, megabytes):
    """The bundled one-minute WebM followed by an EBML Void element up to ``megabytes``: still a
    valid WebM (players skip Void elements), detected by its first bytes, big enough that the
    upload takes a visible moment."""
    with open(DEMO_VIDEO, "rb") as handle:
        data = handle.read()
    pad = megabytes * 1024 * 1024 - len(data) - 9
    path = directory / "七年级数学-工程问题-课堂实录.webm"
    with open(path, "wb") as out:
        out.write(data)
        out.write(b"\xec\x01" + pad.to_bytes(7, "big"))
        out.write(bytes(pad))
    return path




# The progress bar is watched from inside the page and the result kept in sessionStorage, so
# it survives the navigation to the case page that follows the upload.
WATCH_PROGRESS = """() => {
  const box = document.querySelector('[data-testid=upload-progress]');
  const bar = box.querySelector('progress');
  sessionStorage.setItem('progressShown', '0');
  sessionStorage.setItem('progressMax', '0');
  const record = () => {
    if (!box.hidden && box.offsetParent !== null) { sessionStorage.setItem('progressShown', '1'); }
    const value = Number(bar.value);
    if (value > Number(sessionStorage.getItem('progressMax'))) {
      sessionStorage.setItem('progressMax', String(value));
    }
  };
  const observer = new MutationObserver(record);
  observer.observe(box, {attributes: true, subtree: true, attributeFilter: ['hidden', 'value']});
}"""

SEEK = """async (second) => {
  const video = document.querySelector('[data-testid=recording]');
  video.pause();
  if (Math.abs(video.currentTime - second) > 0.01) {
    const seeked = new Promise((resolve) => {
      video.addEventListener('seeked', resolve, {once: true});
    });
    video.currentTime = second;
    await seeked;
  }
  video.pause();
  return video.currentTime;
}"""


def wait_for_video_metadata(page):
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=recording]');"
        " return v && v.readyState >= 1; }", timeout=20_000)
    duration = page.evaluate("document.querySelector('[data-testid=recording]').duration")
    assert 59 < duration < 61, f"the recording should last one minute, not {duration} s"


def test_lesson_case_from_upload_to_study_hours(pages, live_server, tmp_path):
    video_file = padded_webm(tmp_path, UPLOAD_MB)
    teacher, mentor = pages(), pages()

    # --- 0. teacher008: the hours before, then the task --------------------------------------
    login(teacher, live_server, TEACHER)
    studio_id = studio_id_from(teacher.url)
    studio = f"{live_server}/studios/{studio_id}"
    bell_before = bell_count(teacher)
    teacher.click("nav.studionav a[href$='/hours']")
    teacher.wait_for_url(f"{studio}/hours")
    hours_before = hours_total(teacher)
    rows_before = ledger_rows(teacher)
    assert not any(TASK_TITLE in row for row in rows_before), \
        "teacher008 already has hours for the lesson-case task"
    snap(teacher, "01-teacher-hours-before")

    teacher.click("nav.studionav a[href$='/tasks']")
    teacher.wait_for_url(f"{studio}/tasks")
    assert teacher.locator("h1").first.inner_text().strip() == "任务"
    task_link = teacher.locator("[data-testid=my-tasks] a", has_text=TASK_TITLE)
    assert task_link.count() == 1
    snap(teacher, "02-teacher-tasks")
    task_link.click()
    teacher.wait_for_url(re.compile(r".*/tasks/\d+$"))
    task_url = teacher.url
    mine = teacher.locator("[data-testid=my-assignment]")
    assert "10 学时" in teacher.locator("section.card .meta").first.inner_text()
    hand_in = mine.locator("a[href*='/cases/new']")
    assert "提交教学课例" in hand_in.inner_text()
    snap(teacher, "03-teacher-task")

    # --- 1. hand in the lesson case with its recording ---------------------------------------
    hand_in.click()
    teacher.wait_for_url(re.compile(r".*/cases/new\?assignment=\d+$"))
    assert teacher.input_value("input[name=title]") == TASK_TITLE, "the title starts as the task's"
    teacher.fill("input[name=title]", CASE_TITLE)
    teacher.fill("input[name=subject]", "数学")
    teacher.fill("input[name=grade]", "八年级")
    teacher.fill("input[name=topic]", "分式方程")
    teacher.fill("textarea[name=design_text]",
                 "## 教学目标\n会列分式方程解决工程问题。\n\n## 教学过程\n- 情境引入\n- 例题探究\n- 课堂小结")
    teacher.fill("textarea[name=reflection]", "学生能找出工作总量、工作效率与时间的关系。**不足**：检验根的环节匆忙。")
    teacher.set_input_files("input[name=recording]", str(video_file))
    progress = teacher.locator("[data-testid=upload-progress]")
    assert progress.is_hidden()
    snap(teacher, "04-teacher-case-form")

    teacher.evaluate(WATCH_PROGRESS)
    cdp = teacher.context.new_cdp_session(teacher)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": UPLOAD_BYTES_PER_SECOND})
    submit = teacher.locator("button[name=submit_now]")
    assert submit.inner_text().strip() == "保存并提交"
    submit.click()
    progress.wait_for(state="visible", timeout=5_000)
    assert submit.is_disabled(), "the buttons are locked while uploading"
    snap(teacher, "05-teacher-uploading")
    teacher.wait_for_url(case_url_pattern(live_server), timeout=60_000)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    cdp.detach()
    assert teacher.evaluate("sessionStorage.getItem('progressShown')") == "1"
    assert float(teacher.evaluate("sessionStorage.getItem('progressMax')")) > 0, \
        "the progress bar never moved"
    case_url = teacher.url.split("#")[0].split("?")[0]
    assert_state(teacher, "submitted")
    assert CASE_TITLE in teacher.locator("h1").first.inner_text()
    assert teacher.locator("[data-testid=recording]").count() == 1
    assert [a.strip() for a in teacher.locator(".versions a").all_inner_texts()] == ["v1"]
    snap(teacher, "06-teacher-case-submitted")

    # --- 2. backbone01 reviews: comment at 0:15, then request changes ------------------------
    login(mentor, live_server, MENTOR)
    mentor.goto(f"{studio}/cases")
    to_review = mentor.locator("[data-testid=to-review]")
    case_link = to_review.locator("a", has_text=CASE_TITLE)
    assert case_link.count() == 1, to_review.inner_text()
    snap(mentor, "07-mentor-cases-to-review")
    case_link.click()
    mentor.wait_for_url(case_url)
    assert_state(mentor, "in_review")

    wait_for_video_metadata(mentor)
    assert abs(mentor.evaluate(SEEK, 15) - 15) < 0.05
    second = mentor.locator("[data-testid=comment-second]")
    assert abs(float(second.input_value()) - 15) < 0.15, \
        f"pausing at 15 s should fill in the second, got {second.input_value()!r}"
    comment_form = mentor.locator("[data-testid=comment-form]")
    comment_form.locator("select[name=dimension]").select_option("lesson_design")
    comment_form.locator("select[name=kind]").select_option("suggestion")
    comment = "这里可以让学生先估算工作效率，再列方程。"
    comment_form.locator("textarea[name=body]").fill(comment)
    snap(mentor, "08-mentor-comment-form")
    with mentor.expect_navigation():
        comment_form.locator("button[type=submit]").click()
    pinned = mentor.locator("[data-testid=video-comments] li.vcomment", has_text=comment)
    assert pinned.count() == 1
    stamp = pinned.locator("button.timestamp")
    assert stamp.inner_text().strip() == "0:15"
    wait_for_video_metadata(mentor)
    assert abs(mentor.evaluate(SEEK, 40) - 40) < 0.05
    stamp.click()
    mentor.wait_for_function(
        "() => Math.abs(document.querySelector('[data-testid=recording]').currentTime - 15) < 2")
    mentor.evaluate("document.querySelector('[data-testid=recording]').pause()")
    landed = mentor.evaluate("document.querySelector('[data-testid=recording]').currentTime")
    assert 14.9 <= landed < 17, f"the timestamp should seek to 15 s, the video is at {landed}"
    snap(mentor, "09-mentor-comment-pinned")

    review = mentor.locator("[data-testid=review-form]")
    assert review.locator("select").count() == 4
    assert review.locator("select").first.input_value() == "", "no score is pre-selected"
    for dim, score in (("learner_analysis", "4"), ("lesson_design", "3"),
                       ("teaching_delivery", "4"), ("reflection", "3")):
        review.locator(f"select[name={dim}_score]").select_option(score)
    review.locator("textarea[name=lesson_design_comment]").fill("工程问题的等量关系可再讲透。")
    review.locator("#overall").fill("请补充**检验增根**的环节，再提交。")
    snap(mentor, "10-mentor-review-form")
    with mentor.expect_navigation():
        review.locator("[data-testid=request-changes]").click()
    assert_state(mentor, "changes_requested")
    snap(mentor, "11-mentor-changes-requested")

    # --- 3. teacher008: the bell, edit, hand in again --------------------------------------
    teacher.goto(f"{studio}/tasks")
    bell_now = bell_count(teacher)
    assert bell_now >= 1 and bell_now > bell_before, (bell_before, bell_now)
    snap(teacher, "12-teacher-bell")
    teacher.click("[data-testid=bell]")
    teacher.wait_for_url(f"{live_server}/notifications")
    notice = teacher.locator("[data-testid=notifications] li.unread",
                             has_text=CASE_TITLE).filter(has_text=STATE_TEXT["changes_requested"])
    assert notice.count() == 1, teacher.locator("[data-testid=notifications]").inner_text()
    snap(teacher, "13-teacher-notifications")
    with teacher.expect_navigation():
        notice.locator("button").click()
    assert teacher.url.split("#")[0] == case_url
    assert bell_count(teacher) == bell_now - 1, "opening a notification marks it read"
    assert_state(teacher, "changes_requested")
    assert "检验增根" in teacher.locator(".review").inner_text()
    assert teacher.locator("[data-testid=video-comments]", has_text=comment).count() == 1
    snap(teacher, "14-teacher-case-changes-requested")

    teacher.click(f"a[href='{case_url.removeprefix(live_server)}/edit']")
    teacher.wait_for_url(case_url + "/edit")
    assert teacher.input_value("input[name=title]") == CASE_TITLE
    new_reflection = "学生能找出工作总量、工作效率与时间的关系。已补充检验增根的环节：解出后代入最简公分母检验。"
    teacher.fill("textarea[name=reflection]", new_reflection)
    snap(teacher, "15-teacher-edit")
    with teacher.expect_navigation(url=case_url_pattern(live_server)):
        teacher.click("button[name=submit_now]")
    assert_state(teacher, "resubmitted")
    assert [a.strip() for a in teacher.locator(".versions a").all_inner_texts()] == ["v1", "v2"]
    assert "代入最简公分母检验" in teacher.locator(".prose").last.inner_text()
    snap(teacher, "16-teacher-resubmitted")

    # --- 4. backbone01 approves -------------------------------------------------------------
    mentor.goto(f"{studio}/cases")
    mentor.locator("[data-testid=to-review] a", has_text=CASE_TITLE).click()
    mentor.wait_for_url(case_url)
    assert_state(mentor, "in_review")
    review = mentor.locator("[data-testid=review-form]")
    for select in review.locator("select").all():
        select.select_option("5")
    review.locator("#overall").fill("修改到位，同意通过。")
    with mentor.expect_navigation():
        review.locator("[data-testid=approve]").click()
    assert_state(mentor, "approved")
    snap(mentor, "17-mentor-approved")

    # --- 5. teacher008: the task is completed, its 10 hours are in the ledger -------------
    teacher.goto(task_url)
    assert "已完成" in teacher.locator("[data-testid=my-assignment] h2").inner_text()
    teacher.click("nav.studionav a[href$='/hours']")
    teacher.wait_for_url(f"{studio}/hours")
    hours_after = hours_total(teacher)
    assert hours_after == pytest.approx(hours_before + TASK_HOURS), (hours_before, hours_after)
    rows_after = ledger_rows(teacher)
    assert len(rows_after) == len(rows_before) + 1
    credited = [row for row in rows_after if TASK_TITLE in row]
    assert len(credited) == 1 and "+10.0" in credited[0], rows_after
    snap(teacher, "18-teacher-hours-after")
