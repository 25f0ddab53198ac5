"""Never lose work (issue 8). A hand-in the rules refuse keeps what was uploaded, as a draft
that says what is missing; a form refused by validation or by a rule comes back with what was
typed; a post whose session has ended leads to the login page and then back to the page the
form was on; the page after an accepted post tells the browser (static/js/keep.js) to forget
its copy of the text, the page after a refused one does not. The browser half is in
tests/browser/test_keep_browser.py."""
import io
import os
import re
from urllib.parse import quote

import pytest
from flask import current_app
from sqlalchemy import select

from models import (CaseTransition, LessonCase, Notification, Post, Review, StoredFile, Thread,
                    VideoComment)
from models.task import Assignment
from studio.extensions import db
from tests.conftest import PASSWORD, FreshRequestClient, join, make_app, make_user
from tests.coreloop import count, login, text
from tests.factories import WEBM, make_case, make_task

ZH_KEPT = "已保存为草稿，尚未提交。课例尚缺：教学设计。"
XHR = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}


def files_under_upload_dir():
    root = current_app.config["UPLOAD_DIR"]
    return [f for _, _, names in os.walk(root) for f in names]


def new_case(client, studio, headers=None, **fields):
    data = {"kind": "standard", "title": "一次函数的图像", "design_text": "", "reflection": "学生画图较慢。",
            "recording": (io.BytesIO(WEBM), "课堂实录.webm"), "submit_now": "1", **fields}
    return client.post(f"/studios/{studio.id}/cases/new", data=data, headers=headers or {},
                       content_type="multipart/form-data")


def only_case():
    db.session.expire_all()
    return db.session.execute(select(LessonCase)).scalar_one()


# --- 1. a recording is never thrown away --------------------------------------------------------

def test_a_hand_in_refused_for_a_missing_design_keeps_the_recording_as_a_draft(client, cast):
    login(client, cast.new_teacher, locale="zh_CN")
    response = new_case(client, cast.studio)
    case = only_case()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studios/{cast.studio.id}/cases/{case.id}")
    assert case.state == "draft" and count(CaseTransition) == 0 and count(Notification) == 0
    assert case.latest.recording_file.original_name == "课堂实录.webm"
    assert case.latest.reflection == "学生画图较慢。"
    assert count(StoredFile) == 1 and len(files_under_upload_dir()) == 1
    page = text(client.get(response.headers["Location"]))
    assert ZH_KEPT in page
    assert 'data-testid="submit-case"' in page, "the draft can be handed in once complete"


def test_the_upload_form_is_sent_to_the_kept_draft(client, cast):
    """The page's own script sends the form with XMLHttpRequest and follows the answer."""
    login(client, cast.new_teacher, locale="zh_CN")
    response = new_case(client, cast.studio, headers=XHR)
    case = only_case()
    assert response.status_code == 200
    assert response.get_json() == {"redirect": f"/studios/{cast.studio.id}/cases/{case.id}"}
    assert case.state == "draft" and case.latest.recording_file_id is not None
    assert ZH_KEPT in text(client.get(response.get_json()["redirect"]))


def test_a_hand_in_refused_for_want_of_a_mentor_keeps_everything(client, cast, _password_hash):
    loner = make_user("loner", "孙新师", _password_hash)
    join(cast.studio, loner, "new_teacher")
    db.session.commit()
    login(client, loner)
    response = new_case(client, cast.studio, design_text="## 教学目标")
    case = only_case()
    assert response.status_code == 302 and case.state == "draft"
    assert case.latest.recording_file_id is not None and case.latest.design_text == "## 教学目标"
    assert "Saved as a draft, not handed in yet. You have no mentor yet" in text(
        client.get(response.headers["Location"]))


def test_edit_and_hand_in_keeps_the_new_recording_when_the_design_is_missing(client, cast):
    case = make_case(cast.studio, cast.new_teacher, complete=False)
    case.latest.reflection = "反思"
    db.session.commit()
    login(client, cast.new_teacher, locale="zh_CN")
    response = client.post(f"/studios/{cast.studio.id}/cases/{case.id}/edit", data={
        "kind": "standard", "title": case.title, "design_text": "", "reflection": "修改后的反思",
        "recording": (io.BytesIO(WEBM), "重录.webm"), "submit_now": "1"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    case = only_case()
    assert case.state == "draft" and case.latest.recording_file.original_name == "重录.webm"
    assert case.latest.reflection == "修改后的反思"
    assert ZH_KEPT in text(client.get(response.headers["Location"]))


def test_a_file_of_the_wrong_type_is_still_refused_with_nothing_kept(client, cast):
    login(client, cast.new_teacher)
    response = new_case(client, cast.studio, recording=(io.BytesIO(b"<html>" + b" " * 2048),
                                                        "课堂实录.mp4"))
    assert response.status_code == 400
    assert "is not a video" in text(response)
    assert count(LessonCase) == 0 and count(StoredFile) == 0 and files_under_upload_dir() == []


def test_the_form_tells_the_browser_what_each_kind_needs(client, cast):
    """The pre-check in static/js/upload.js reads the rule from models/case.py, not a copy."""
    login(client, cast.backbone)
    page = text(client.get(f"/studios/{cast.studio.id}/cases/new"))
    assert 'data-parts-excellent="design recording reflection"' in page
    assert 'data-parts-report="design reflection"' in page
    assert "data-parts-standard" not in page  # not a backbone's kind
    assert "The case is missing: {parts}. Nothing has been sent yet" in page


# --- 2. a refused form keeps what was typed -----------------------------------------------------

@pytest.fixture
def thread(cast):
    thread = Thread(studio_id=cast.studio.id, author_id=cast.master.id, title="作业设计研讨")
    db.session.add(thread)
    db.session.flush()
    db.session.add(Post(thread_id=thread.id, author_id=cast.master.id, body="开题", body_html="开题"))
    db.session.commit()
    return thread


def thread_url(cast, thread, tail=""):
    return f"/studios/{cast.studio.id}/threads/{thread.id}{tail}"


def test_a_reply_too_long_comes_back_with_its_text(client, cast, thread):
    login(client, cast.new_teacher)
    body = "我的反思：" + "长" * 50000
    response = client.post(thread_url(cast, thread, "/reply"), data={"body": body})
    assert response.status_code == 400
    assert f">{body}</textarea>" in text(response)
    assert "50000" in text(response)
    assert count(Post) == 1


def test_a_reply_quoting_another_threads_post_comes_back_with_text_and_quote(client, cast, thread):
    other = Thread(studio_id=cast.studio.id, author_id=cast.master.id, title="另一帖")
    db.session.add(other)
    db.session.flush()
    foreign = Post(thread_id=other.id, author_id=cast.master.id, body="别处", body_html="别处")
    db.session.add(foreign)
    db.session.commit()
    login(client, cast.new_teacher)
    response = client.post(thread_url(cast, thread, "/reply"),
                           data={"body": "同意分层的做法", "quoted_post_id": str(foreign.id)})
    assert response.status_code == 400
    page = text(response)
    assert ">同意分层的做法</textarea>" in page
    assert "You can only quote a post of this thread." in page
    assert count(Post) == 2


def review_data(**over):
    return {"learner_analysis_score": "4", "learner_analysis_comment": "学情数据充分",
            "lesson_design_score": "5", "lesson_design_comment": "目标清楚",
            "teaching_delivery_score": "3", "teaching_delivery_comment": "提问偏封闭",
            "reflection_score": "4", "reflection_comment": "", "overall": "", "verdict": "approve",
            **over}


def test_a_refused_review_comes_back_with_comments_and_scores(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="in_review", reviewer=cast.backbone)
    db.session.commit()
    login(client, cast.backbone)
    response = client.post(f"/studios/{cast.studio.id}/cases/{case.id}/review",
                           data=review_data(verdict="request_changes", overall="   "))
    assert response.status_code == 400
    page = text(response)
    for comment in ("学情数据充分", "目标清楚", "提问偏封闭"):
        assert f">{comment}</textarea>" in page
    assert re.search(r'name="teaching_delivery_score".*?<option value="3" selected>', page, re.S)
    assert "Please say what should change." in page
    assert count(Review) == 0


def test_a_refused_video_comment_and_reply_come_back_with_their_text(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="in_review", reviewer=cast.backbone)
    db.session.commit()
    login(client, cast.backbone)
    base = f"/studios/{cast.studio.id}/cases/{case.id}/comments"
    response = client.post(base, data={"second": "-3", "dimension": "teaching_delivery",
                                       "kind": "suggestion", "body": "这里的追问很好"})
    assert response.status_code == 400
    assert ">这里的追问很好</textarea>" in text(response)
    assert "The time in the video is not valid." in text(response)

    assert client.post(base, data={"second": "75", "dimension": "teaching_delivery",
                                   "kind": "suggestion", "body": "第一条"}).status_code == 302
    first = db.session.execute(select(VideoComment)).scalar_one()
    response = client.post(base, data={"parent_id": str(first.id), "body": "回" * 2001})
    assert response.status_code == 400
    assert f'value="{"回" * 2001}"' in text(response)
    assert count(VideoComment) == 1


def test_a_refused_hand_in_of_a_task_comes_back_with_its_text(client, cast):
    task = make_task(cast.studio, cast.backbone, [cast.new_teacher], deliverable="reflection")
    db.session.commit()
    login(client, cast.new_teacher)
    note = "课后反思：" + "思" * 50000
    response = client.post(f"/studios/{cast.studio.id}/tasks/{task.id}/submit",
                           data={"note": note})
    assert response.status_code == 400
    assert f">{note}</textarea>" in text(response)
    db.session.expire_all()
    assert db.session.execute(select(Assignment)).scalar_one().state == "assigned"


def test_a_case_form_refused_by_a_rule_keeps_the_text(client, cast):
    login(client, cast.new_teacher)
    response = client.post(f"/studios/{cast.studio.id}/cases/new", data={
        "kind": "excellent", "title": "越级课例", "design_text": "我的设计", "reflection": "我的反思"})
    assert response.status_code == 400
    page = text(response)
    assert "\n我的设计</textarea>" in page and "\n我的反思</textarea>" in page
    assert count(LessonCase) == 0


@pytest.mark.parametrize("form", ["threads/new", "threads/edit", "cases/form", "tasks/new",
                                  "tasks/show", "cases/show", "threads/show"])
def test_the_forms_with_typed_text_are_kept_by_the_browser(form):
    """Each form named in issue 8 carries data-keep, which static/js/keep.js looks for."""
    path = os.path.join(current_app_root(), "templates", form + ".html")
    with open(path, encoding="utf-8") as handle:
        assert "data-keep=" in handle.read()


def current_app_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- after the session ended ---------------------------------------------------------------------

@pytest.fixture
def csrf_app(app, cast, tmp_path):
    protected = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "csrf",
                         WTF_CSRF_ENABLED=True)
    protected.test_client_class = FreshRequestClient
    with protected.app_context():
        yield protected
        db.session.remove()


def token_of(response):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(response)).group(1)


def test_a_reply_after_the_session_ended_logs_in_and_returns_to_the_thread(csrf_app, cast,
                                                                          thread):
    client = csrf_app.test_client()  # the session cookie is gone: no session, no CSRF token
    page = thread_url(cast, thread)
    response = client.post(page + "/reply", data={"body": "写了很久的回复", "csrf_token": "old",
                                                  "kept": "1"},
                           headers={"Referer": "http://localhost" + page})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={quote(page, safe='')}"
    login_page = client.get(response.headers["Location"])
    assert "登录已过期，刚才的内容没有发送。" in text(login_page)
    assert "您填写的内容已保存在本浏览器中" in text(login_page)
    assert count(Post) == 1

    response = client.post(response.headers["Location"], data={
        "username": "new_teacher", "password": PASSWORD, "next": page,
        "csrf_token": token_of(login_page)})
    assert response.status_code == 302 and response.headers["Location"] == page
    thread_page = text(client.get(page))
    assert 'data-keep-accepted="/login"' in thread_page  # the login, not the reply
    response = client.post(page + "/reply", data={"body": "写了很久的回复",
                                                  "csrf_token": token_of(client.get(page))})
    assert response.status_code == 302 and count(Post) == 2


def test_a_post_after_a_logout_elsewhere_returns_to_the_form_page(client, cast, thread):
    """The cookie is still there but its session was ended (logout on another device)."""
    login(client, cast.new_teacher)
    cast.new_teacher.session_token = "rotated"
    db.session.commit()
    page = thread_url(cast, thread) + "?quote=1"
    response = client.post(thread_url(cast, thread, "/reply"), data={"body": "回复"},
                           headers={"Referer": "http://localhost" + page})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={quote(page, safe='')}"
    assert "Your session has ended, so nothing was sent." in text(
        client.get(response.headers["Location"]))
    response = client.post(thread_url(cast, thread, "/reply"), data={"body": "回复"},
                           headers={"Referer": "http://elsewhere.example/studios/"})
    assert response.headers["Location"] == "/login", "another site's page is not followed"


def test_the_upload_form_after_the_session_ended_is_told_where_to_log_in(client, cast):
    login(client, cast.new_teacher)
    cast.new_teacher.session_token = "rotated"
    db.session.commit()
    page = f"/studios/{cast.studio.id}/cases/new"
    response = new_case(client, cast.studio, headers={**XHR, "Referer": "http://localhost" + page})
    assert response.status_code == 401
    assert response.get_json()["login"] == f"/login?next={quote(page, safe='')}"
    assert count(LessonCase) == 0


def test_an_expired_form_goes_back_to_its_page_with_a_clear_message(csrf_app, cast, thread):
    client = login(csrf_app.test_client(), cast.new_teacher, locale="zh_CN")
    page = thread_url(cast, thread)
    response = client.post(page + "/reply", data={"body": "回复", "csrf_token": "stale",
                                                  "kept": "1"},
                           headers={"Referer": "http://localhost" + page})
    assert response.status_code == 302 and response.headers["Location"] == page
    assert "页面已过期，刚才的内容没有发送。您填写的内容已恢复到表单中" in text(client.get(page))
    assert count(Post) == 1


# --- the marker that lets the browser forget its copy -------------------------------------------

def accepted_marker(client, path):
    return re.search(r'data-keep-accepted="([^"]*)"', text(client.get(path))).group(1)


def test_only_an_accepted_post_tells_the_browser_to_forget_the_text(client, cast, thread):
    login(client, cast.new_teacher)
    page = thread_url(cast, thread)
    assert client.post(page + "/reply", data={"body": ""}).status_code == 400
    assert accepted_marker(client, page) == ""
    assert client.post(page + "/reply", data={"body": "好的"}).status_code == 302
    assert accepted_marker(client, page) == page + "/reply"
    assert accepted_marker(client, page) == "", "said once"


def test_a_post_sent_to_change_the_password_first_is_not_accepted(client, cast, thread):
    cast.new_teacher.must_change_password = True
    db.session.commit()
    login(client, cast.new_teacher)
    response = client.post(thread_url(cast, thread, "/reply"), data={"body": "回复"})
    assert response.headers["Location"].endswith("/account/password")
    assert accepted_marker(client, "/account/password") == ""
    assert count(Post) == 1
