"""Growth plans: write and revise (each save a version), comment, link evidence, compare.

Sections are Markdown, rendered once at save time by ``studio.markup.render_markdown``; the
comparison of two versions works on the Markdown source with difflib and leaves escaping to
the template (autoescape), so nothing a member wrote becomes markup there."""
import difflib

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.notifications.operations import notify
from models.audit import record
from models.base import utcnow
from models.case import LessonCase
from models.hours import HourEntry
from models.observation import Observation
from models.plan import EVIDENCE_KINDS, GOALS, SECTIONS, GrowthPlan, PlanComment, PlanEvidence, PlanVersion
from studio.dates import school_year_bounds, studio_today, utc_bounds
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_id
from studio.markup import render_markdown

SECTION_MAX = 20000


def plan_of(studio, user):
    return db.session.execute(select(GrowthPlan).where(
        GrowthPlan.studio_id == studio.id, GrowthPlan.author_id == user.id)).scalar_one_or_none()


def save_plan(studio, author, sections, note=""):
    """Write the plan (the first version) or revise it (a new version; the earlier ones stay
    readable). Every part of the template must be filled in; a save that changes nothing is
    refused, so each version is a real revision."""
    if not studio.can_take_part(author):
        raise RuleError(_l("Only members of the studio write a growth plan."))
    sections = {name: (sections.get(name) or "").strip() for name in SECTIONS}
    for name in SECTIONS:
        if not sections[name]:
            raise RuleError(_l("Please fill in every part of the plan."), field=name)
        if len(sections[name]) > SECTION_MAX:
            raise RuleError(_l("A part of the plan has at most %(n)s characters.", n=SECTION_MAX),
                            field=name)
    plan = plan_of(studio, author)
    if plan is None:
        plan = GrowthPlan(studio=studio, author=author)
        db.session.add(plan)
        db.session.flush()
    latest = plan.latest
    if latest is not None and all(getattr(latest, n) == sections[n] for n in SECTIONS):
        raise RuleError(_l("Nothing has changed since the last version."), field="situation")
    version = PlanVersion(plan_id=plan.id, number=(latest.number + 1) if latest else 1,
                          note=(note or "").strip()[:500], **sections,
                          **{f"{n}_html": render_markdown(sections[n]) for n in SECTIONS})
    db.session.add(version)
    plan.revised_at = utcnow()
    db.session.flush()
    db.session.refresh(plan, ["versions"])
    readers = [u for u in (studio.mentor_of(author), studio.master) if u is not None]
    notify(readers, "plan_revised" if latest else "plan_written", plan, actor=author)
    record("plan_saved", actor=author, studio=studio, target=plan, detail=f"v{version.number}")
    return version


def comment_plan(plan, user, body):
    if not plan.can_comment(user):
        raise RuleError(_l("Only the mentor or the master comments on this plan."))
    body = (body or "").strip()
    if not body:
        raise RuleError(_l("The comment is empty."), field="body")
    comment = PlanComment(plan_id=plan.id, version_id=plan.latest.id, author_id=user.id,
                          body=body, body_html=render_markdown(body))
    db.session.add(comment)
    notify([plan.author], "plan_commented", plan, actor=user)
    return comment


def evidence_choices(plan):
    """The author's own work that can back a goal: their cases, observations and hour
    entries in this studio, as (value, label) pairs; three queries."""
    studio_id, author_id = plan.studio_id, plan.author_id
    cases = db.session.execute(select(LessonCase).where(
        LessonCase.studio_id == studio_id, LessonCase.author_id == author_id)
        .order_by(LessonCase.id.desc())).scalars().all()
    observations = db.session.execute(select(Observation).where(
        Observation.studio_id == studio_id, Observation.author_id == author_id)
        .order_by(Observation.observed_on.desc(), Observation.id.desc())).scalars().all()
    entries = db.session.execute(select(HourEntry).where(
        HourEntry.studio_id == studio_id, HourEntry.user_id == author_id)
        .order_by(HourEntry.id.desc())).scalars().all()
    return ([(f"case:{c.id}", c.title) for c in cases]
            + [(f"observation:{o.id}", f"{o.observed_on} {o.teacher}《{o.topic}》")
               for o in observations]
            + [(f"hours:{e.id}", f"{e.created_at:%Y-%m-%d} {e.amount:+.1f} {e.reason}".strip())
               for e in entries])


def _evidence_target(plan, kind, target_id):
    model = {"case": LessonCase, "observation": Observation, "hours": HourEntry}[kind]
    row = db.session.get(model, target_id)
    owner = getattr(row, "user_id" if kind == "hours" else "author_id", None)
    if row is None or row.studio_id != plan.studio_id or owner != plan.author_id:
        return None
    return row


def add_evidence(plan, user, goal, item):
    """Link one of the author's own cases, observations or hour entries to a goal (1-3)."""
    if not plan.can_edit(user):
        raise RuleError(_l("Only the author links evidence to the plan."))
    goal = parse_id(goal)
    kind, _sep, raw_id = (item or "").partition(":")
    target_id = parse_id(raw_id)
    if goal not in GOALS:
        raise RuleError(_l("Please choose one of the three goals."), field="goal")
    if kind not in EVIDENCE_KINDS or target_id is None:
        raise RuleError(_l("Please choose a piece of evidence."), field="item")
    target = _evidence_target(plan, kind, target_id)
    if target is None:
        raise RuleError(_l("Only your own work in this studio can be linked."), field="item")
    label = dict(evidence_choices(plan)).get(f"{kind}:{target_id}", "")[:255]
    exists = db.session.execute(select(PlanEvidence.id).where(
        PlanEvidence.plan_id == plan.id, PlanEvidence.goal == goal, PlanEvidence.kind == kind,
        PlanEvidence.target_id == target_id)).first()
    if exists:
        raise RuleError(_l("This evidence is already linked to that goal."), field="item")
    evidence = PlanEvidence(plan_id=plan.id, goal=goal, kind=kind, target_id=target_id,
                            label=label)
    db.session.add(evidence)
    return evidence


def remove_evidence(plan, user, evidence):
    if not plan.can_edit(user) or evidence.plan_id != plan.id:
        raise RuleError(_l("Only the author links evidence to the plan."))
    db.session.delete(evidence)


def compare(old, new):
    """Per section: (name, changed, [(kind, line)]) with kind "same", "added" or "removed",
    from difflib over the Markdown source lines."""
    out = []
    for name in SECTIONS:
        before, after = getattr(old, name).splitlines(), getattr(new, name).splitlines()
        lines = []
        for line in difflib.ndiff(before, after):
            tag, text = line[:2], line[2:]
            if tag == "  ":
                lines.append(("same", text))
            elif tag == "+ ":
                lines.append(("added", text))
            elif tag == "- ":
                lines.append(("removed", text))
        out.append((name, before != after, lines))
    return out


def this_school_year(studio):
    """The naive-UTC bounds of the studio's current school year (August to July)."""
    return utc_bounds(*school_year_bounds(studio_today(studio)), studio)


def plan_status(studio, user_ids=None):
    """{author_id: (plan, number of versions, revised this school year)}, in two queries."""
    start, end = this_school_year(studio)
    stmt = select(GrowthPlan).where(GrowthPlan.studio_id == studio.id)
    if user_ids is not None:
        stmt = stmt.where(GrowthPlan.author_id.in_(user_ids))
    plans = db.session.execute(stmt).scalars().all()
    numbers = dict(db.session.execute(
        select(PlanVersion.plan_id, func.max(PlanVersion.number))
        .where(PlanVersion.plan_id.in_([p.id for p in plans])).group_by(PlanVersion.plan_id)).all()
    ) if plans else {}
    return {p.author_id: (p, numbers.get(p.id, 0), start <= p.revised_at < end) for p in plans}
