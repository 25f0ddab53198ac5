"""The parts of a training archive: each reads one kind of the studio's records in batches
and writes its page(s); each returns (the page's path in the archive, how many records).

Rows are streamed to the templates as generators (``_rows``), so a page of 10,000 posts is
never held in memory whole; a part's queries are finished before the next part starts (the
progress between parts commits the session).
"""
from flask_babel import gettext as _
from sqlalchemy import func, select

from blueprints.hours import export
from models import (Activity, ActivityPhoto, ActivityRecord, AssessmentRound, Attendance,
                    Briefing, GrowthPlan, LessonCase, Observation, Post, ResearchProject,
                    Thread)
from models.studio import Roster
from studio.extensions import db

BATCH = 50


def _rows(query):
    """The query's objects, read ``BATCH`` at a time."""
    return db.session.scalars(query.execution_options(yield_per=BATCH))


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def hours(writer, studio):
    roster = Roster(studio)
    header, rows = export.register_table(studio, roster.everyone, roster)
    writer.data("hours.xlsx", export._xlsx(_("Study hours register"), header, rows))
    writer.page("hours.html", "archive/zip/hours.html", header=header, rows=rows)
    return "hours.html", len(rows)


def assessments(writer, studio):
    rounds = db.session.scalars(select(AssessmentRound).where(
        AssessmentRound.studio_id == studio.id).order_by(AssessmentRound.year)).all()
    writer.page("assessments.html", "archive/zip/assessments.html", rounds=rounds)
    return "assessments.html", len(rounds)


def briefings(writer, studio):
    where = (Briefing.studio_id == studio.id, Briefing.state == "published")
    writer.page("briefings.html", "archive/zip/briefings.html",
                briefings=_rows(select(Briefing).where(*where).order_by(Briefing.number)))
    return "briefings.html", _count(Briefing, *where)


def _activity(writer, activity):
    record = db.session.scalars(select(ActivityRecord).where(
        ActivityRecord.activity_id == activity.id).order_by(ActivityRecord.number.desc())
        .limit(1)).first()
    photos = db.session.scalars(select(ActivityPhoto).where(
        ActivityPhoto.activity_id == activity.id).order_by(ActivityPhoto.id)).all()
    attendance = db.session.scalars(select(Attendance).where(
        Attendance.activity_id == activity.id, Attendance.removed_at.is_(None))
        .order_by(Attendance.checked_in_at, Attendance.id)).all()
    return dict(activity=activity, record=record, attendance=attendance,
                leave=[p for p in activity.participants if p.reply == "leave"],
                photos=[writer.file(p.stored, "photos") for p in photos])


def activities(writer, studio):
    query = select(Activity).where(Activity.studio_id == studio.id).order_by(Activity.starts_at)
    writer.page("activities.html", "archive/zip/activities.html",
                items=(_activity(writer, a) for a in _rows(query)))
    return "activities.html", _count(Activity, Activity.studio_id == studio.id)


def _version(writer, version):
    recording = version.recording_file
    return dict(version=version, design=writer.file(version.design_file, "cases"),
                recording=writer.file(recording, "recordings") if writer.recordings else None,
                recording_left=recording if (recording and not writer.recordings) else None,
                comments=[c for c in version.video_comments if c.parent_id is None])


def cases(writer, studio):
    where = (LessonCase.studio_id == studio.id, LessonCase.state != "draft")
    query = select(LessonCase).where(*where).order_by(LessonCase.id)
    items = ((case, [_version(writer, v) for v in case.versions if v.submitted_at])
             for case in _rows(query))
    writer.page("cases.html", "archive/zip/cases.html", items=items)
    return "cases.html", _count(LessonCase, *where)


def plans(writer, studio):
    query = select(GrowthPlan).where(GrowthPlan.studio_id == studio.id).order_by(GrowthPlan.id)
    writer.page("plans.html", "archive/zip/plans.html", plans=_rows(query))
    return "plans.html", _count(GrowthPlan, GrowthPlan.studio_id == studio.id)


def observations(writer, studio):
    where = (Observation.studio_id == studio.id,)
    query = select(Observation).where(*where).order_by(Observation.observed_on, Observation.id)
    writer.page("observations.html", "archive/zip/observations.html", observations=_rows(query))
    return "observations.html", _count(Observation, *where)


def projects(writer, studio):
    where = (ResearchProject.studio_id == studio.id,)
    query = select(ResearchProject).where(*where).order_by(ResearchProject.id)
    items = ((project, [(r, writer.file(r.file, "reports"))
                        for r in sorted(project.reports, key=lambda r: r.id)])
             for project in _rows(query))
    writer.page("projects.html", "archive/zip/projects.html", items=items)
    return "projects.html", _count(ResearchProject, *where)


def threads(writer, studio):
    ids = db.session.scalars(select(Thread.id).where(Thread.studio_id == studio.id)
                             .order_by(Thread.id)).all()
    for thread_id in ids:
        thread = db.session.get(Thread, thread_id)
        posts = _rows(select(Post).where(Post.thread_id == thread_id).order_by(Post.id))
        writer.page(f"threads/{thread_id}.html", "archive/zip/thread.html", thread=thread,
                    posts=posts)
    listing = _rows(select(Thread).where(Thread.studio_id == studio.id).order_by(Thread.id))
    writer.page("threads.html", "archive/zip/threads.html", threads=listing)
    return "threads.html", len(ids)


def all_sections():
    """(key, title, writer) in the order of the index page."""
    return [("hours", _("Study hours register"), hours),
            ("assessments", _("Annual assessment"), assessments),
            ("briefings", _("Work briefings"), briefings),
            ("activities", _("Activities and their records"), activities),
            ("cases", _("Lesson cases"), cases),
            ("plans", _("Growth plans"), plans),
            ("observations", _("Lesson observations"), observations),
            ("projects", _("Research projects"), projects),
            ("threads", _("Discussion threads"), threads)]
