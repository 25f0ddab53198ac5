"""Operations of collective lesson planning (集体备课): the shared plan of an activity, its
sections' assignees and versions, and the plan taken as the design of a lesson case.

The version check is the guarantee that nothing is silently overwritten: ``save_section``
moves ``PlanSection.number`` from the number the editor started from to the next one in one
UPDATE ... WHERE number = started_from; when another save came first, no row matches and the
save is refused with the other person's text (``SectionConflict``). The route commits once.
"""
import difflib

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from blueprints.cases.operations import create_case, update_parts
from blueprints.notifications.operations import notify
from models.audit import record
from models.base import utcnow
from models.case import DOCUMENT_KINDS, LessonCase
from models.lesson_plan import (EDITING_NOTICE, SECTION_MAX, SECTIONS, PlanSection,
                                SectionVersion, SharedLessonPlan)
from studio.errors import RuleError
from studio.extensions import db
from studio.markup import render_markdown


class SectionConflict(RuleError):
    """A save started from an older version: ``theirs`` is the newer version."""

    def __init__(self, theirs):
        super().__init__(_l("%(name)s saved this section while you were editing it. Your text "
                            "is kept: compare it with theirs, merge, then save again.",
                            name=theirs.author.name))
        self.theirs = theirs


def plan_of(activity):
    """The plan with its sections and their versions (three queries, however many are
    written)."""
    return db.session.execute(select(SharedLessonPlan).where(
        SharedLessonPlan.activity_id == activity.id).options(
        selectinload(SharedLessonPlan.sections).selectinload(PlanSection.versions))
    ).scalar_one_or_none()


def ensure_plan(activity):
    """The activity's plan with its six sections, made the first time it is asked for (two
    first visits at once: the unique activity id keeps one, the other reads it).
    ``made_now`` is set on a plan made by this call."""
    plan = plan_of(activity)
    if plan is not None:
        return plan
    try:
        with db.session.begin_nested():
            plan = SharedLessonPlan(activity_id=activity.id)
            db.session.add(plan)
            db.session.flush()
            for position, name in enumerate(SECTIONS):
                db.session.add(PlanSection(plan_id=plan.id, name=name, position=position))
            db.session.flush()
    except IntegrityError:
        return plan_of(activity)
    plan = plan_of(activity)
    plan.made_now = True        # the caller commits it (a page that only reads does not)
    return plan


def assign_section(plan, section, user, assignee):
    """The host gives a section to an invited member (``assignee`` None: back to the host)."""
    if not plan.can_assign(user):
        raise RuleError(_l("Only the host or the master assigns the sections."))
    activity = plan.activity
    if assignee is not None and assignee.id != activity.host_id \
            and activity.participant(assignee) is None:
        raise RuleError(_l("Only a member invited to the activity can write a section."),
                        field="assignee_id")
    section.assignee_id = assignee.id if assignee is not None else None
    if assignee is not None and assignee.id != user.id:
        notify([assignee], "plan_section_assigned", activity, actor=user, anchor="plan")
    record("plan_section_assigned", actor=user, studio=activity.studio, target=activity,
           detail=f"{section.name}:{getattr(assignee, 'id', '')}")


def start_editing(section, user):
    """The courtesy notice: ``user`` has this section open for the next two minutes."""
    section.editing_by_id, section.editing_until = user.id, utcnow() + EDITING_NOTICE


def save_section(section, user, body, started_from):
    """A new version of ``section`` by ``user``, if nobody saved since ``started_from``."""
    if not section.can_edit(user):
        raise RuleError(_l("Only the member this section is assigned to, the host or the "
                           "master edits it."))
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > SECTION_MAX:
        raise RuleError(_l("A section has at most %(n)s characters.", n=SECTION_MAX),
                        field="body")
    if not body:
        raise RuleError(_l("The section is empty."), field="body")
    if started_from is None:
        raise RuleError(_l("The form has expired. Please reload the page."), field="body")
    latest = section.latest
    if latest is not None and latest.number == started_from and latest.body == body:
        raise RuleError(_l("Nothing has changed since the last version."), field="body")
    moved = db.session.execute(
        update(PlanSection).where(PlanSection.id == section.id,
                                  PlanSection.number == started_from)
        .values(number=started_from + 1, editing_by_id=None, editing_until=None)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.refresh(section)
        db.session.refresh(section, ["versions"])
        raise SectionConflict(section.latest)
    version = SectionVersion(section_id=section.id, number=started_from + 1, author_id=user.id,
                             body=body, body_html=render_markdown(body))
    db.session.add(version)
    db.session.flush()
    db.session.refresh(section)
    db.session.refresh(section, ["versions"])
    return version


def compare(old, new):
    """[(kind, line)] with kind "same", "added" or "removed", from difflib over the lines
    of two versions' Markdown (the template escapes each line)."""
    lines = []
    for line in difflib.ndiff(old.body.splitlines(), new.body.splitlines()):
        tag, text = line[:2], line[2:]
        kind = {"  ": "same", "+ ": "added", "- ": "removed"}.get(tag)
        if kind:
            lines.append((kind, text))
    return lines


def lesson_kind(studio, user):
    return next((k for k in LessonCase.kinds_for(studio, user) if k not in DOCUMENT_KINDS), None)


def use_as_case(plan, user):
    """The plan as the design of ``user``'s lesson case: their newest draft lesson case
    gets it as its design text, or a new draft is made; through the case operations, so
    their rules hold. Returns (case, created)."""
    if not plan.can_use_as_case(user):
        raise RuleError(_l("Only an invited member whose required work is a lesson case can "
                           "use the plan."))
    text = plan.text()
    if not text:
        raise RuleError(_l("The plan has no text yet."))
    activity = plan.activity
    kind = lesson_kind(activity.studio, user)
    draft = db.session.execute(select(LessonCase).where(
        LessonCase.studio_id == activity.studio_id, LessonCase.author_id == user.id,
        LessonCase.state == "draft", LessonCase.kind.not_in(DOCUMENT_KINDS))
        .order_by(LessonCase.id.desc()).limit(1)).scalar_one_or_none()
    created = draft is None
    case = draft or create_case(activity.studio, user, {"kind": kind,
                                                        "title": activity.title[:200]})
    update_parts(case, user, {}, design_text=text)
    record("plan_used_as_case", actor=user, studio=activity.studio, target=case,
           detail=f"activity:{activity.id}")
    return case, created
