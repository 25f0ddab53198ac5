"""Issue 8, "small defects seen" (items 9–16): the studio's own calendar and clock, a rubric
with nothing pre-selected, rendered quotes, chat times and mute on history, the discussion of
a case or task, file sizes, the admin table on a phone, replacing a master, the README."""
import os
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

import studio.dates
from blueprints.chat import operations as chat_ops
from blueprints.threads import operations as thread_ops
from models import Membership
from models.case import Review
from models.chat import ChatMessage
from models.task import Assignment
from studio.config import BASE_DIR
from studio.dates import filesize, hhmm, studio_today
from studio.extensions import db
from tests.coreloop import count, login, section, text
from tests.factories import make_case, make_task

# 2026-03-01 23:30 UTC is 2026-03-02 07:30 in Shanghai: the server's date is still yesterday.
INSTANT = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)


def read(*path):
    with open(os.path.join(BASE_DIR, *path), encoding="utf-8") as handle:
        return handle.read()


@pytest.fixture
def early_morning_in_china(monkeypatch):
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return INSTANT.astimezone(tz) if tz else INSTANT.replace(tzinfo=None)
    monkeypatch.setattr(studio.dates, "datetime", Frozen)


# --- 9. "today" is the studio's date ---------------------------------------------------------

def test_today_is_the_date_in_the_studio_time_zone(app, cast, early_morning_in_china):
    assert studio_today(cast.studio) == date(2026, 3, 2)
    app.config["STUDIO_TIMEZONE"] = "UTC"
    assert studio_today(cast.studio) == date(2026, 3, 1)


def test_the_task_form_opens_today_in_china(client, cast, early_morning_in_china):
    page = text(login(client, cast.master).get(f"/studios/{cast.studio.id}/tasks/new"))
    assert re.search(r'name="opens_on"[^>]*value="2026-03-02"', page)


def test_overdue_counts_from_the_studio_date(cast, early_morning_in_china):
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection")
    task.due_on = date(2026, 3, 1)  # yesterday in China, today on the server
    db.session.commit()
    assignment = db.session.execute(select(Assignment)).scalar_one()
    assert assignment.display_state() == "overdue"


# --- 10. the rubric has nothing pre-selected and a score is required ---------------------------

RUBRIC = {"learner_analysis_score": "4", "learner_analysis_comment": "学情数据充分",
          "lesson_design_score": "5", "lesson_design_comment": "",
          "teaching_delivery_score": "3", "teaching_delivery_comment": "提问偏封闭",
          "reflection_score": "4", "reflection_comment": "", "overall": "总体很好"}


def in_review(cast):
    case = make_case(cast.studio, cast.new_teacher, state="in_review", reviewer=cast.backbone)
    db.session.commit()
    return case


def test_no_score_is_preselected(client, cast):
    case = in_review(cast)
    page = text(login(client, cast.backbone).get(f"/studios/{cast.studio.id}/cases/{case.id}"))
    form = section(page, "review-form")
    assert len(re.findall(r"<option[^>]*selected", form)) == 4  # the four empty choices
    assert all('value="" selected' in o for o in re.findall(r"<option[^>]*selected", form))


def test_a_missing_score_is_refused_and_the_form_keeps_what_was_typed(client, cast):
    case = in_review(cast)
    login(client, cast.backbone, locale="zh_CN")
    response = client.post(f"/studios/{cast.studio.id}/cases/{case.id}/review",
                           data={**RUBRIC, "teaching_delivery_score": "", "verdict": "approve"})
    assert response.status_code == 400
    form = section(text(response), "review-form")
    assert "请给出 1–5 分的评分。" in form
    assert "学情数据充分" in form and "提问偏封闭" in form and "总体很好" in form
    assert re.search(r'name="lesson_design_score".*?<option value="5" selected', form, re.S)
    db.session.expire_all()
    assert case.state == "in_review" and count(Review, Review.case_id == case.id) == 0
    assert form.count('class="error"') == 1  # one clear message, no English parser error


# --- 11. quotes are rendered, sanitized Markdown ----------------------------------------------

def test_a_quote_shows_the_rendered_post(client, cast):
    thread = thread_ops.start_thread(cast.studio, cast.master, "分层作业",
                                     "要 **分层** 布置 <script>alert(1)</script>")
    db.session.flush()
    first = thread.posts[0] if hasattr(thread, "posts") else db.session.execute(
        select(thread_ops.Post).where(thread_ops.Post.thread_id == thread.id)).scalar_one()
    thread_ops.add_post(thread, cast.backbone, "同意", quoted=first)
    db.session.commit()
    page = text(login(client, cast.new_teacher).get(
        f"/studios/{cast.studio.id}/threads/{thread.id}"))
    quote = page[page.index('<blockquote class="quote">'):page.index("</blockquote>")]
    assert "<strong>分层</strong>" in quote and "**" not in quote
    assert "<script>" not in page.split("</main>")[0].split("<main")[-1]


# --- 12. chat times and mute on history -------------------------------------------------------

def test_history_shows_times_and_moderators_can_mute_its_authors(client, cast):
    room = chat_ops.room_name(cast.studio)
    message, _ = chat_ops.post_message(cast.studio, room, cast.new_teacher, "c1", "大家好")
    message.created_at = datetime(2026, 3, 1, 23, 5)  # UTC: 07:05 in Shanghai
    db.session.commit()
    page = text(login(client, cast.master).get(f"/studios/{cast.studio.id}/live"))
    item = page[page.index(f'data-seq="{message.seq}"'):]
    item = item[:item.index("</li>")]
    assert f'data-author="{cast.new_teacher.id}"' in item
    assert ">07:05</time>" in item
    event = db.session.get(ChatMessage, message.id).as_event()
    assert event["time"] == "07:05"
    script = read("static", "js", "chat.js")
    assert "li.dataset.author" in script and "m.time" in script


def test_hhmm_uses_the_studio_clock(app):
    assert hhmm(datetime(2026, 3, 1, 16, 0)) == "00:00"
    assert hhmm(None) == ""


# --- 13. the discussion of a case or a task ---------------------------------------------------

def test_a_case_page_offers_to_start_its_discussion_then_links_it(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="submitted", reviewer=cast.backbone)
    db.session.commit()
    url = f"/studios/{cast.studio.id}/cases/{case.id}"
    block = section(text(login(client, cast.backbone).get(url)), "discussion")
    assert f"subject_type=case&amp;subject_id={case.id}" in block or \
        f"subject_type=case&subject_id={case.id}" in block
    thread = thread_ops.start_thread(cast.studio, cast.backbone, "课例研讨", "先看导入环节",
                                     subject_type="case", subject_id=case.id)
    db.session.commit()
    for viewer in (cast.backbone, cast.new_teacher, cast.admin):
        block = section(text(login(client, viewer).get(url)), "discussion")
        assert f"/threads/{thread.id}" in block and "课例研讨" in block
        assert str(thread.post_count) in block


def test_the_office_gets_no_start_link(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="submitted", reviewer=cast.backbone)
    db.session.commit()
    page = text(login(client, cast.admin).get(f"/studios/{cast.studio.id}/cases/{case.id}"))
    assert 'data-testid="discussion"' not in page


def test_a_task_page_shows_its_discussion(client, cast):
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection")
    thread = thread_ops.start_thread(cast.studio, cast.master, "任务答疑", "有问题在这里问",
                                     subject_type="task", subject_id=task.id)
    db.session.commit()
    block = section(text(login(client, cast.new_teacher).get(
        f"/studios/{cast.studio.id}/tasks/{task.id}")), "discussion")
    assert f"/threads/{thread.id}" in block and "任务答疑" in block


# --- 14. file sizes and the admin table on a phone ---------------------------------------------

@pytest.mark.parametrize("size, shown", [(0, "0 B"), (900, "900 B"), (2150, "2.1 KB"),
                                         (40 * 1024, "40 KB"), (3 * 1024 ** 2, "3.0 MB"),
                                         (int(1.5 * 1024 ** 3), "1.50 GB")])
def test_file_sizes_read_sensibly(size, shown):
    assert filesize(size) == shown


def test_a_small_design_file_is_not_zero_mb(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="submitted", reviewer=cast.backbone)
    db.session.commit()
    page = text(login(client, cast.backbone).get(f"/studios/{cast.studio.id}/cases/{case.id}"))
    assert "0.0 MB" not in page and "2.0 KB" in page  # the 2,057-byte test recording


def test_the_admin_studio_table_scrolls_sideways(client, cast):
    page = text(login(client, cast.admin).get("/admin/"))
    wrapper = page[page.index('class="table-scroll"'):]
    assert wrapper.index('data-testid="studio-list"') < wrapper.index("</div>")


# --- 15. replacing the master ------------------------------------------------------------------

def appoint(client, cast, **data):
    return client.post(f"/admin/studios/{cast.studio.id}/master",
                       data={"username": "backbone2", **data})


@pytest.fixture
def successor(cast, _password_hash):
    from tests.conftest import make_user
    user = make_user("backbone2", "刘骨干", _password_hash)
    db.session.commit()
    return user


def membership(cast, user):
    db.session.expire_all()
    return db.session.execute(select(Membership).where(
        Membership.studio_id == cast.studio.id, Membership.user_id == user.id)).scalar_one()


def test_the_page_says_the_master_leaves_and_asks_to_confirm(client, cast, successor):
    login(client, cast.admin, locale="zh_CN")
    page = text(client.get(f"/admin/studios/{cast.studio.id}/master"))
    assert "王名师 将退出工作室" in section(page, "replace-warning", end="</div>\n    ")
    response = appoint(client, cast)
    assert response.status_code == 400
    assert "请确认 王名师 不再担任主持人。" in text(response)
    assert cast.studio.master == cast.master


def test_the_old_master_leaves_by_default(client, cast, successor):
    assert appoint(login(client, cast.admin), cast, confirm="y").status_code == 302
    old = membership(cast, cast.master)
    assert old.active is False and cast.studio.master == successor


def test_the_old_master_may_stay_as_a_backbone_teacher(client, cast, successor):
    response = appoint(login(client, cast.admin), cast, confirm="y", keep_old_master="y")
    assert response.status_code == 302
    old = membership(cast, cast.master)
    assert old.active is True and old.role == "backbone"
    assert cast.studio.master == successor
    assert cast.studio.role_counts() == {"master": 1, "backbone": 2, "new_teacher": 1}


def test_keeping_the_old_master_is_refused_when_backbone_places_are_full(client, cast, successor):
    cast.studio.max_backbone = 1  # the one place is taken by 李骨干
    db.session.commit()
    login(client, cast.admin, locale="zh_CN")
    response = appoint(client, cast, confirm="y", keep_old_master="y")
    assert response.status_code == 400
    assert "王名师 不能留任骨干教师：本工作室已有 1 名骨干教师，已达上限。" in text(response)
    assert cast.studio.master == cast.master
    assert membership(cast, cast.master).role == "master"


# --- 16. the README -------------------------------------------------------------------------

def test_readme_says_where_make_run_serves_and_what_is_not_built():
    readme = read("README.md")
    assert "HOST" in readme and "PORT" in readme
    missing = readme[readme.index("## Not built yet"):]
    missing = missing[:missing.index("\n## ", 5)]
    for words in ("Object storage",):
        assert words in missing
    for built in ("Reminders", "Activities", "check-in", "annual assessment", "Certification",
                  "briefings", "regions", "Course study"):    # built: no longer listed
        assert built not in missing
    wsgi = read("wsgi.py")
    assert 'os.environ.get("HOST"' in wsgi and 'os.environ.get("PORT"' in wsgi
