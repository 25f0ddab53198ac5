"""Builders for tasks, cases and stored files used by several test modules."""
import hashlib
import io
import os
from datetime import date, timedelta

from flask import current_app

from models import (Assignment, CaseTransition, CaseVersion, LessonCase, StoredFile, Task)
from studio.extensions import db

# The smallest bytes each type check accepts, padded to look like a file.
WEBM = b"\x1a\x45\xdf\xa3" + b"\x9f\x42\x86\x81\x01" + b"\x00" * 2048
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2048
PDF = b"%PDF-1.4\n" + b"1 0 obj <<>> endobj\n" * 50 + b"%%EOF\n"


def docx_bytes():
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def stored_file(user, data=WEBM, mimetype="video/webm", name="课堂实录.webm"):
    sha = hashlib.sha256(data).hexdigest()
    stored = StoredFile(sha256=sha, size=len(data), mimetype=mimetype, original_name=name,
                        uploaded_by_id=user.id)
    path = os.path.join(current_app.config["UPLOAD_DIR"], stored.relative_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    db.session.add(stored)
    return stored


def make_task(studio, setter, assignees, deliverable="lesson_case", hours=4, due_in=14, title=None):
    task = Task(studio=studio, created_by_id=setter.id, title=title or "撰写一份规范课教学课例",
                description="请提交教学设计、课堂实录和教学反思。", focus="lesson_design",
                deliverable=deliverable, hours=hours, audience="members",
                opens_on=date.today() - timedelta(days=1), due_on=date.today() + timedelta(days=due_in))
    db.session.add(task)
    db.session.flush()
    for user in assignees:
        db.session.add(Assignment(task_id=task.id, user_id=user.id))
    db.session.flush()
    return task


def make_case(studio, author, state="draft", reviewer=None, kind="standard", complete=True,
              assignment=None, title="一元一次方程的应用"):
    case = LessonCase(studio=studio, author_id=author.id, kind=kind, title=title, subject="数学",
                      grade="七年级", topic="行程问题", state=state,
                      reviewer_id=getattr(reviewer, "id", None), assignment=assignment)
    db.session.add(case)
    db.session.flush()
    version = CaseVersion(case_id=case.id, number=1)
    if complete:
        version.design_text = "## 教学目标\n会列方程解决行程问题。"
        version.design_html = "<h2>教学目标</h2><p>会列方程解决行程问题。</p>"
        version.recording_file = stored_file(author)
        version.reflection = "学生对相遇问题理解较好。"
        version.reflection_html = "<p>学生对相遇问题理解较好。</p>"
    if state != "draft":
        from models.base import utcnow
        version.submitted_at = case.submitted_at = utcnow()
        db.session.add(CaseTransition(case_id=case.id, from_state="draft", to_state="submitted",
                                      actor_id=author.id))
    db.session.add(version)
    db.session.flush()
    return case


def make_observation(studio, author, observed_on=None, topic="一次函数的图像", **fields):
    """A lesson observation, written straight to the table (no hours credited)."""
    from models.observation import Observation
    observation = Observation(studio_id=studio.id, author_id=author.id,
                              observed_on=observed_on or date.today(),
                              teacher=fields.pop("teacher", "刘老师"),
                              school=fields.pop("school", "郑州市第八中学"), subject="数学",
                              grade="八年级", topic=topic,
                              teaching_delivery=fields.pop("teaching_delivery", "小组合作充分。"),
                              rating=fields.pop("rating", "good"), **fields)
    db.session.add(observation)
    db.session.flush()
    return observation


PLAN_TEXT = {"situation": "教龄一年，课堂节奏把握不足。", "goal_year1": "站稳讲台。",
             "goal_year2": "形成特色。", "goal_year3": "形成风格。",
             "measures": "每学期听课25节。", "outcomes": "一份规范课例。"}


def make_plan(studio, author, versions=1, revised_at=None):
    """A growth plan with ``versions`` saved versions (each changes the first goal)."""
    from models.plan import GrowthPlan, PlanVersion
    plan = GrowthPlan(studio_id=studio.id, author_id=author.id)
    db.session.add(plan)
    db.session.flush()
    for number in range(1, versions + 1):
        text = dict(PLAN_TEXT, goal_year1=PLAN_TEXT["goal_year1"] + "（修订）" * (number - 1))
        db.session.add(PlanVersion(plan_id=plan.id, number=number, **text,
                                   **{f"{k}_html": f"<p>{v}</p>" for k, v in text.items()}))
    if revised_at is not None:
        plan.revised_at = plan.created_at = revised_at
    db.session.flush()
    return plan


def make_project(cast, stage="midterm", state="open", title="初中数学单元整体教学的实践研究"):
    """A research project led by the cast's backbone teacher with the new teacher as member.
    At ``midterm`` its opening report was approved by the master; with ``state="submitted"``
    the current stage's report waits for the master."""
    from models.base import utcnow
    from models.project import STAGES, ProjectMember, ProjectReport, ResearchProject

    project = ResearchProject(studio=cast.studio, title=title, summary="研究单元整体教学设计。",
                              summary_html="<p>研究单元整体教学设计。</p>",
                              leader_id=cast.backbone.id, created_by_id=cast.master.id,
                              stage=stage, state=state)
    project.memberships = [ProjectMember(user_id=cast.new_teacher.id)]
    db.session.add(project)
    document = stored_file(cast.backbone, PDF, "application/pdf", "开题报告.pdf")
    for earlier in STAGES[:STAGES.index(stage)]:
        db.session.add(ProjectReport(project=project, stage=earlier, number=1, file=document,
                                     author_id=cast.backbone.id, summary="报告摘要",
                                     summary_html="<p>报告摘要</p>", decision="approved",
                                     decided_by_id=cast.master.id, decided_at=utcnow()))
    if state == "submitted":
        db.session.add(ProjectReport(project=project, stage=stage, number=1, file=document,
                                     author_id=cast.backbone.id, summary="报告摘要",
                                     summary_html="<p>报告摘要</p>"))
    db.session.flush()
    return project


def make_activity(studio, host, participants, mode="on_site", starts_in=-10, minutes=120,
                  hours=2, title="集体备课：勾股定理", kind="collective_planning"):
    """An activity with ``participants`` invited; ``starts_in`` minutes from now (negative:
    it has started), lasting ``minutes``."""
    from models.activity import Activity, ActivityParticipant
    from models.base import utcnow
    start = utcnow().replace(microsecond=0) + timedelta(minutes=starts_in)
    activity = Activity(studio=studio, host_id=host.id, kind=kind, title=title,
                        starts_at=start, ends_at=start + timedelta(minutes=minutes), mode=mode,
                        place="" if mode == "online" else "郑州市第一中学会议室", hours=hours)
    db.session.add(activity)
    db.session.flush()
    for user in participants:
        db.session.add(ActivityParticipant(activity_id=activity.id, user_id=user.id))
    db.session.flush()
    return activity


def make_programme(name="河南省中小学名师网络工作室建设项目（2026–2029）", studios=(), **fields):
    from models.region import Programme
    programme = Programme(name=name, **{**Programme.DEFAULTS, **fields})
    db.session.add(programme)
    db.session.flush()
    for studio in studios:
        studio.programme_id = programme.id
    db.session.flush()
    return programme


def make_application(studio, master, state="submitted", round_no=1, report="## 自评\n按计划完成。",
                     reason=""):
    """A certification round as the master hands it in (and, with ``state``, as decided)."""
    from models.certification import Certification
    application = Certification(studio_id=studio.id, round_no=round_no, state=state,
                                report=report, report_html="<p>按计划完成。</p>", readiness=[],
                                applied_by_id=master.id, reason=reason)
    db.session.add(application)
    db.session.flush()
    return application
def make_assessment_round(cast, year=None):
    """An open annual-assessment round of the cast's studio (rows for the backbone and the
    new teacher), opened by the master."""
    from blueprints.assessment import operations
    round_ = operations.open_round(cast.studio, cast.master,
                                   year or operations.default_year(cast.studio))
    db.session.flush()
    return round_
def make_showcase_entry(case, master, state="published"):
    """A showcase round of a recommended ``case``, asked by ``master``, in ``state``."""
    from models.base import utcnow
    from models.showcase import ShowcaseEntry
    case.state = "recommended"
    entry = ShowcaseEntry(case=case, version=case.latest, studio=case.studio, state=state,
                          requested_by_id=master.id)
    if state != "requested":
        entry.answered_at = utcnow()
    if state in ("published", "withdrawn", "unpublished"):
        entry.published_at, entry.published_by_id = utcnow(), master.id
    db.session.add(entry)
    db.session.flush()
    return entry
