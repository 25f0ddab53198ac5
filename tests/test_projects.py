"""Research projects (课题研究): a project goes 开题 → 中期 → 结题, a report at each stage,
approved or returned by the master; every version kept; who sees, who edits, who decides;
bad input refused with a clear message and nothing saved."""
import io
import os

import pytest
from flask import current_app

from models import AuditLog, Notification, StoredFile, User
from models.project import ProjectReport, ResearchProject
from studio.extensions import db
from tests.conftest import join, make_user
from tests.coreloop import count, login, section, text
from tests.factories import PDF, WEBM, docx_bytes, make_project
from tests.test_i18n import compiled_catalog, english_words, fresh_g  # noqa: F401 (fixtures)

HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>" + b" " * 2048


def url(project, tail=""):
    return f"/studios/{project.studio_id}/projects/{project.id}{tail}"


def hand_in(client, project, content=PDF, name="开题报告.pdf", summary="研究背景、目标与方法。"):
    data = {"summary": summary}
    if content is not None:
        data["document"] = (io.BytesIO(content), name)
    return client.post(url(project, "/reports"), data=data, content_type="multipart/form-data")


def decide(client, project, decision, reason=""):
    return client.post(url(project, "/review"), data={"decision": decision, "reason": reason})


def files_under_upload_dir():
    root = current_app.config["UPLOAD_DIR"]
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, names in os.walk(root) for f in names if "tmp" not in d)


def reload(project):
    db.session.expire_all()
    return db.session.get(ResearchProject, project.id)


def kinds_for(user):
    return sorted(n.kind for n in db.session.execute(
        db.select(Notification).where(Notification.user_id == user.id)).scalars())


@pytest.fixture
def project(cast, client):
    """Set up through the form by the backbone teacher, who leads it; the new teacher is a
    member."""
    login(client, cast.backbone)
    response = client.post(f"/studios/{cast.studio.id}/projects/new", data={
        "title": "初中数学单元整体教学的实践研究", "summary": "研究**单元整体**教学设计。",
        "leader": str(cast.backbone.id), "members": [str(cast.new_teacher.id)]})
    assert response.status_code == 302, text(response)[:500]
    return db.session.execute(db.select(ResearchProject)).scalar_one()


# --- the life cycle --------------------------------------------------------------------------
def test_a_project_goes_through_its_three_stages_with_a_return_on_the_way(client, cast, project):
    assert (project.stage, project.state) == ("opening", "open")
    assert project.leader_id == cast.backbone.id
    assert project.member_ids == {cast.new_teacher.id}

    login(client, cast.backbone)
    assert hand_in(client, project).status_code == 302
    project = reload(project)
    assert (project.stage, project.state) == ("opening", "submitted")
    assert kinds_for(cast.master) == ["project_report_submitted"]
    note = db.session.execute(db.select(Notification)).scalar_one()
    assert (note.link, note.subject, note.actor_name) == (url(project), project.title, "李骨干")
    assert "提交名师审核" not in text(client.get(url(project)))       # no second hand-in now
    assert hand_in(client, project).status_code == 409

    login(client, cast.master)
    page = text(client.get(url(project)))
    assert 'data-testid="decision-form"' in page and "开题报告.pdf" in page
    assert decide(client, project, "return", "研究方法部分请补充问卷设计。").status_code == 302
    project = reload(project)
    assert (project.stage, project.state) == ("opening", "returned")
    assert kinds_for(cast.backbone) == kinds_for(cast.new_teacher) == ["project_report_returned"]

    login(client, cast.new_teacher)                     # a member revises and hands in again
    page = text(client.get(url(project)))
    assert "研究方法部分请补充问卷设计。" in page and "Hand in the Project opening report" in page
    assert hand_in(client, project, docx_bytes(), "开题报告（修改稿）.docx", "已补充问卷设计。").status_code == 302

    login(client, cast.master)
    assert decide(client, project, "approve", "同意开题。").status_code == 302
    project = reload(project)
    assert (project.stage, project.state) == ("midterm", "open")
    for stage_report in ("中期报告.pdf", "结题报告.pdf"):
        login(client, cast.backbone)
        assert hand_in(client, project, PDF, stage_report).status_code == 302
        login(client, cast.master)
        assert decide(client, project, "approve").status_code == 302
    project = reload(project)
    assert (project.stage, project.state) == ("closing", "finished")

    # every version is kept and readable, the returned one included
    reports = project.reports
    assert [(r.stage, r.number, r.decision) for r in reports] == [
        ("opening", 1, "returned"), ("opening", 2, "approved"), ("midterm", 1, "approved"),
        ("closing", 1, "approved")]
    login(client, cast.new_teacher)
    page = text(client.get(url(project)))
    assert page.count('data-testid="report"') == 4
    first = client.get(url(project, f"/reports/{reports[0].id}/file"))
    assert first.status_code == 200 and first.data == PDF
    assert [a.action for a in db.session.execute(
        db.select(AuditLog).where(AuditLog.target_type == "ResearchProject")
        .order_by(AuditLog.id)).scalars()] == [
        "project.created", "project.report_submitted", "project.report_returned",
        "project.report_submitted", "project.report_approved", "project.report_submitted",
        "project.report_approved", "project.report_submitted", "project.report_approved"]
    # a finished project is not edited any more, not even by the master (409 says why)
    login(client, cast.master, locale="zh_CN")
    refused = client.get(url(project, "/edit"))
    assert refused.status_code == 409 and "已结题" in text(refused)


def test_returning_needs_reasons_and_changes_nothing_without_them(client, cast, project):
    login(client, cast.backbone)
    hand_in(client, project)
    login(client, cast.master, locale="zh_CN")
    response = decide(client, project, "return", "   ")
    assert response.status_code == 400
    assert "请填写退回报告的理由。" in text(response)
    project = reload(project)
    assert project.state == "submitted" and project.reports[0].decision is None


def test_a_second_tab_approving_again_gets_409_saying_why(client, cast, project):
    login(client, cast.backbone)
    hand_in(client, project)
    login(client, cast.master, locale="zh_CN")
    assert decide(client, project, "approve").status_code == 302
    again = decide(client, project, "approve")
    assert again.status_code == 409 and "撰写报告中" in text(again)
    assert reload(project).stage == "midterm"


# --- who --------------------------------------------------------------------------------------
@pytest.mark.parametrize("viewer", ["admin", "master", "backbone", "new_teacher", "outsider"])
def test_the_list_equals_the_page_rule_for_every_viewer(client, cast, viewer):
    made = [make_project(cast, title="甲课题"),
            make_project(cast, stage="opening", state="submitted", title="乙课题")]
    db.session.commit()
    user = getattr(cast, viewer)
    listed = db.session.execute(ResearchProject.visible_to(cast.studio, user)).scalars().all()
    assert {p.title for p in listed} == {p.title for p in made if p.can_view(user)}
    login(client, user)
    index = client.get(f"/studios/{cast.studio.id}/projects")
    if viewer == "outsider":
        assert listed == [] and index.status_code == 403
        return
    assert index.status_code == 200
    listing = section(text(index), "project-list", "</ul>")
    assert "甲课题" in listing and "乙课题" in listing


def test_the_admin_reads_but_does_not_edit_hand_in_or_decide(client, cast):
    waiting = make_project(cast, stage="opening", state="submitted")
    db.session.commit()
    login(client, cast.admin)
    page = text(client.get(url(waiting)))
    assert "报告摘要" in page
    for marker in ("decision-form", "report-form", "/edit\""):
        assert marker not in page
    assert decide(client, waiting, "approve").status_code == 403
    assert reload(waiting).state == "submitted"


def test_a_member_of_the_studio_outside_the_project_reads_but_cannot_hand_in(client, cast):
    project = make_project(cast)
    other = make_user("nt2", "周新师", cast.master.password_hash)
    join(cast.studio, other, "new_teacher")
    db.session.commit()
    login(client, other)
    assert client.get(url(project)).status_code == 200
    assert 'data-testid="report-form"' not in text(client.get(url(project)))
    assert hand_in(client, project).status_code == 403
    assert count(ProjectReport) == 1


def test_an_outsider_cannot_fetch_a_report_nor_one_through_another_project(client, cast):
    project = make_project(cast)
    other = make_project(cast, title="另一个课题")
    db.session.commit()
    login(client, cast.outsider)
    assert client.get(url(project, f"/reports/{project.reports[0].id}/file")).status_code == 403
    login(client, cast.new_teacher)
    assert client.get(url(other, f"/reports/{project.reports[0].id}/file")).status_code == 404


def test_the_report_is_served_with_range(client, cast):
    project = make_project(cast)
    db.session.commit()
    login(client, cast.new_teacher)
    response = client.get(url(project, f"/reports/{project.reports[0].id}/file"),
                          headers={"Range": "bytes=0-4"})
    assert response.status_code == 206 and response.data == b"%PDF-"


# --- leader and members -----------------------------------------------------------------------
def test_a_backbone_teacher_leads_what_they_start_only_the_master_picks_another(client, cast):
    new_url = f"/studios/{cast.studio.id}/projects/new"
    form = {"title": "课题", "summary": "简介", "members": []}
    login(client, cast.backbone, locale="zh_CN")
    refused = client.post(new_url, data={**form, "leader": str(cast.master.id)})
    assert refused.status_code == 400 and "只有名师可以指定其他主持人。" in text(refused)
    login(client, cast.master, locale="zh_CN")
    refused = client.post(new_url, data={**form, "leader": str(cast.new_teacher.id)})
    assert refused.status_code == 400 and "主持人必须是本工作室的骨干教师或名师。" in text(refused)
    assert count(ResearchProject) == 0
    assert client.post(new_url, data={**form, "leader": str(cast.backbone.id)}).status_code == 302
    made = db.session.execute(db.select(ResearchProject)).scalar_one()
    assert made.leader_id == cast.backbone.id and made.created_by_id == cast.master.id


@pytest.mark.parametrize("bad", ["outsider", "999999", "²", "-1"])
def test_members_from_elsewhere_are_refused_and_nothing_saved(client, cast, bad):
    member = str(cast.outsider.id) if bad == "outsider" else bad
    login(client, cast.master, locale="zh_CN")
    response = client.post(f"/studios/{cast.studio.id}/projects/new", data={
        "title": "课题", "summary": "简介", "leader": str(cast.backbone.id),
        "members": [str(cast.new_teacher.id), member]})
    assert response.status_code == 400
    assert "课题组成员必须是本工作室的成员。" in text(response)
    assert count(ResearchProject) == 0


def test_the_leader_edits_members_and_the_form_shows_them_checked(client, cast, project):
    login(client, cast.backbone)
    page = text(client.get(url(project, "/edit")))
    assert f'value="{cast.new_teacher.id}" checked' in page
    assert client.post(url(project, "/edit"), data={
        "title": "新标题", "summary": "新简介", "leader": str(cast.backbone.id),
        "members": [str(cast.master.id)]}).status_code == 302
    project = reload(project)
    assert project.title == "新标题" and project.member_ids == {cast.master.id}
    login(client, cast.new_teacher)                       # no longer a member
    assert client.get(url(project, "/edit")).status_code == 403


# --- bad input --------------------------------------------------------------------------------
def test_a_nul_in_the_title_is_refused_in_chinese_and_nothing_saved(client, cast):
    login(client, cast.master, locale="zh_CN")
    response = client.post(f"/studios/{cast.studio.id}/projects/new", data={
        "title": "课题\x00研究", "summary": "简介", "leader": str(cast.backbone.id)})
    assert response.status_code == 400
    assert "输入中含有无法保存的字符（如空字符 NUL）。" in text(response)
    assert count(ResearchProject) == 0 and count(AuditLog) == 0


def test_a_report_over_the_size_limit_gets_413_and_leaves_nothing(client, cast, project):
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    login(client, cast.backbone, locale="zh_CN")
    response = hand_in(client, project, PDF + b"\x00" * (limit + 1 - len(PDF)))
    assert response.status_code == 413
    assert "文件超过了 4 MB 的大小限制。" in text(response)
    assert (count(ProjectReport), count(StoredFile), files_under_upload_dir()) == (0, 0, [])
    assert reload(project).state == "open"


@pytest.mark.parametrize("content,name", [(HTML, "报告.pdf"), (WEBM, "报告.docx"),
                                          (b"PK\x03\x04broken", "报告.docx")])
def test_a_report_that_is_not_a_document_is_refused_and_leaves_nothing(client, cast, project,
                                                                       content, name):
    login(client, cast.backbone, locale="zh_CN")
    response = hand_in(client, project, content, name)
    assert response.status_code == 400
    assert f"“{name}”不是 PDF、Word（docx）或 PowerPoint（pptx）文档。" in text(response)
    assert (count(ProjectReport), count(StoredFile), files_under_upload_dir()) == (0, 0, [])
    assert reload(project).state == "open"


def test_a_report_needs_a_document_and_a_summary(client, cast, project):
    login(client, cast.backbone, locale="zh_CN")
    missing_file = hand_in(client, project, None)
    assert missing_file.status_code == 400 and "请选择要上传的报告文档。" in text(missing_file)
    missing_summary = hand_in(client, project, summary="")
    assert missing_summary.status_code == 400 and "请填写报告摘要。" in text(missing_summary)
    assert (count(ProjectReport), count(StoredFile), files_under_upload_dir()) == (0, 0, [])


def test_the_upload_script_gets_json_back(client, cast, project):
    login(client, cast.backbone)
    headers = {"X-Requested-With": "XMLHttpRequest"}
    form = "multipart/form-data"
    bad = client.post(url(project, "/reports"), headers=headers, content_type=form,
                      data={"summary": "摘要", "document": (io.BytesIO(HTML), "a.pdf")})
    assert bad.status_code == 400 and "not a PDF" in bad.get_json()["errors"][0]
    good = client.post(url(project, "/reports"), headers=headers, content_type=form,
                       data={"summary": "摘要", "document": (io.BytesIO(PDF), "a.pdf")})
    assert good.get_json() == {"redirect": url(project)}


# --- where projects show ----------------------------------------------------------------------
def test_the_studio_home_and_the_nav_show_the_projects_with_their_stage(client, cast):
    make_project(cast)
    db.session.commit()
    login(client, cast.new_teacher, locale="zh_CN")
    page = text(client.get(f"/studios/{cast.studio.id}/"))
    card = section(page, "home-projects")
    assert "初中数学单元整体教学的实践研究" in card and "中期" in card and "撰写报告中" in card
    assert f'href="/studios/{cast.studio.id}/projects">课题研究</a>' in page


def test_the_demo_has_a_project_at_midterm_with_its_opening_report_approved(client):
    from studio.demo import seed_demo
    assert "research projects" in seed_demo()
    project = db.session.execute(db.select(ResearchProject)).scalar_one()
    assert (project.stage, project.state, project.leader.username) == ("midterm", "open",
                                                                       "backbone01")
    assert [(r.stage, r.decision) for r in project.reports] == [("opening", "approved")]
    member = db.session.execute(db.select(User).where(User.username == "teacher001")).scalar_one()
    login(client, member)
    document = client.get(url(project, f"/reports/{project.reports[0].id}/file"))
    assert document.status_code == 200 and document.data.startswith(b"%PDF-")
    assert document.mimetype == "application/pdf"
    assert "research projects" not in seed_demo()


@pytest.mark.parametrize("who,tail", [("master", ""), ("master", "/new"), ("master", "/{p}"),
                                      ("backbone", "/{p}"), ("backbone", "/{p}/edit"),
                                      ("master", "/{w}"), ("new_teacher", "/{r}")])
def test_project_pages_show_no_english_in_chinese(client, cast, compiled_catalog, fresh_g, who,
                                                  tail):
    """Every word on the pages is translated; file formats and file names aside."""
    project = make_project(cast)                          # the backbone hands in here
    waiting = make_project(cast, stage="opening", state="submitted", title="乙")  # master decides
    returned = make_project(cast, stage="closing", state="returned", title="丙")
    returned.reports.append(ProjectReport(stage="closing", number=1, file=project.reports[0].file,
                                          author_id=cast.backbone.id, decision="returned",
                                          reason="请补充数据。", reason_html="<p>请补充数据。</p>"))
    db.session.commit()
    login(client, getattr(cast, who), locale="zh_CN")
    path = f"/studios/{cast.studio.id}/projects" + tail.format(p=project.id, w=waiting.id,
                                                               r=returned.id)
    response = client.get(path)
    assert response.status_code == 200
    usernames = {u.username for u in db.session.execute(db.select(User)).scalars()}
    allowed = usernames | {"English", "MB", "B", "KB", "pdf", "docx", "pptx", "Markdown"}
    assert not english_words(response.get_data(as_text=True), allowed)
    assert "returned-reasons" in response.get_data(as_text=True) or tail != "/{r}"
    login(client, getattr(cast, who), locale="en")             # the check does see words
    assert english_words(client.get(path).get_data(as_text=True), allowed)
