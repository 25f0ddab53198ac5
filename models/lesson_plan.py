"""Collective lesson planning (集体备课): the shared lesson plan of an activity of kind
``collective_planning``.

A ``SharedLessonPlan`` belongs to one activity and has one ``PlanSection`` per part of a
lesson plan (教学目标, 学情分析, 教学重难点, 教学过程, 板书设计, 作业设计). The host assigns a
section to an invited member (or leaves it to themselves). Every save of a section is a
``SectionVersion`` with its author; ``PlanSection.number`` is the number of the newest one,
and a save names the number it started from: a save against a newer number is refused
(a compare-and-swap on ``number``, backed by the unique version number), so nothing is
silently overwritten. ``editing_by``/``editing_until`` is only a courtesy notice
("X is editing this section"), never the guarantee.
"""
from datetime import timedelta

from models.base import utcnow
from studio.extensions import db

SECTIONS = ("objectives", "learners", "key_points", "process", "board", "homework")
SECTION_MAX = 50000
EDITING_NOTICE = timedelta(minutes=2)


class SharedLessonPlan(db.Model):
    __tablename__ = "shared_lesson_plans"

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.Integer, db.ForeignKey("activities.id"), nullable=False,
                            unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    activity = db.relationship("Activity")
    sections = db.relationship("PlanSection", back_populates="plan", lazy="select",
                               order_by="PlanSection.position")

    def section(self, name):
        return next((s for s in self.sections if s.name == name), None)

    # --- who ------------------------------------------------------------------------------
    def can_view(self, user):
        """Whoever may see the activity reads its plan."""
        return self.activity.can_view(user)

    def can_assign(self, user):
        """The host and the studio's master hand out the sections (members of the studio:
        the office reads)."""
        activity = self.activity
        return activity.studio.can_take_part(user) and (
            user.id == activity.host_id or activity.studio.is_run_by(user))

    def can_use_as_case(self, user):
        """An invited member (or the host) whose required work is a lesson case takes the
        plan as the design of their own case."""
        from models.case import DOCUMENT_KINDS, LessonCase
        activity = self.activity
        if not activity.can_view(user):
            return False
        if user.id != activity.host_id and activity.participant(user) is None:
            return False
        return any(k not in DOCUMENT_KINDS for k in LessonCase.kinds_for(activity.studio, user))

    def text(self):
        """The combined plan as Markdown: each written section under its heading."""
        from studio.labels import LESSON_PLAN_SECTION_LABELS
        parts = [f"## {LESSON_PLAN_SECTION_LABELS[s.name]}\n\n{s.latest.body}"
                 for s in self.sections if s.latest is not None and s.latest.body.strip()]
        return "\n\n".join(parts)


class PlanSection(db.Model):
    __tablename__ = "plan_sections"
    __table_args__ = (db.UniqueConstraint("plan_id", "name", name="uq_plan_section_name"),)

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("shared_lesson_plans.id"), nullable=False)
    name = db.Column(db.String(32), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
    assignee_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    number = db.Column(db.Integer, nullable=False, default=0)   # the newest version's number
    editing_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    editing_until = db.Column(db.DateTime, nullable=True)

    plan = db.relationship("SharedLessonPlan", back_populates="sections")
    assignee = db.relationship("User", foreign_keys=[assignee_id], lazy="joined")
    editing_by = db.relationship("User", foreign_keys=[editing_by_id])
    versions = db.relationship("SectionVersion", back_populates="section", lazy="select",
                               order_by="SectionVersion.number")

    @property
    def latest(self):
        return self.versions[-1] if self.versions else None

    def version(self, number):
        return next((v for v in self.versions if v.number == number), None)

    def can_view(self, user):
        return self.plan.can_view(user)

    def can_edit(self, user):
        """The section's assignee, the host and the studio's master (members of the studio;
        the office reads)."""
        activity = self.plan.activity
        if not activity.studio.can_take_part(user):
            return False
        return user.id in (self.assignee_id, activity.host_id) or activity.studio.is_run_by(user)

    def editing_notice(self, user, now=None):
        """Someone else who opened this section for editing in the last two minutes."""
        now = now or utcnow()
        if (self.editing_by_id and self.editing_by_id != user.id
                and self.editing_until and self.editing_until > now):
            return self.editing_by
        return None


class SectionVersion(db.Model):
    """One saved text of a section, with its author; earlier versions stay readable."""
    __tablename__ = "plan_section_versions"
    __table_args__ = (db.UniqueConstraint("section_id", "number",
                                          name="uq_plan_section_version_number"),)

    id = db.Column(db.Integer, primary_key=True)
    section_id = db.Column(db.Integer, db.ForeignKey("plan_sections.id"), nullable=False,
                           index=True)
    number = db.Column(db.Integer, nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    section = db.relationship("PlanSection", back_populates="versions")
    author = db.relationship("User", lazy="joined")
