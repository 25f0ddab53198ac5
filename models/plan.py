"""Three-year growth plans (三年成长规划): one per member and studio, written from a
template, revised each year. Every save is a ``PlanVersion``; earlier versions stay
readable. The mentor (the master for a backbone teacher) comments; the member links
evidence (their cases, observations, hour entries) to each yearly goal."""
from sqlalchemy import false, or_, select

from models.base import utcnow
from studio.extensions import db

SECTIONS = ("situation", "goal_year1", "goal_year2", "goal_year3", "measures", "outcomes")
GOALS = (1, 2, 3)
EVIDENCE_KINDS = ("case", "observation", "hours")


class GrowthPlan(db.Model):
    __tablename__ = "growth_plans"
    __table_args__ = (db.UniqueConstraint("studio_id", "author_id", name="uq_growth_plan_author"),)

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    revised_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    studio = db.relationship("Studio")
    author = db.relationship("User", lazy="joined")
    versions = db.relationship("PlanVersion", back_populates="plan", order_by="PlanVersion.number",
                               lazy="select")
    comments = db.relationship("PlanComment", order_by="PlanComment.id", lazy="select")
    evidence = db.relationship("PlanEvidence", order_by="PlanEvidence.id", lazy="select")

    @property
    def latest(self):
        return self.versions[-1] if self.versions else None

    @property
    def title(self):
        """How notifications and pages name the plan: 某某的三年成长规划."""
        from flask_babel import gettext as _
        return _("Three-year growth plan of %(name)s", name=self.author.name)

    # --- authorization ----------------------------------------------------------------------
    def can_view(self, user):
        """The author, their mentor, the master and the project office."""
        return self.studio.can_follow(user, self.author)

    @staticmethod
    def visible_to(studio, user):
        """The plans of ``studio`` that ``user`` may see: the SQL twin of ``can_view``."""
        stmt = select(GrowthPlan).where(GrowthPlan.studio_id == studio.id)
        if not studio.can_view(user):
            return stmt.where(false())
        if user.oversees(studio) or user.role_in(studio) == "master":
            return stmt
        return stmt.where(or_(GrowthPlan.author_id == user.id,
                              GrowthPlan.author_id.in_(studio.current_mentee_ids(user))))

    def can_edit(self, user):
        """The author revises their own plan and links its evidence."""
        return (getattr(user, "id", None) == self.author_id
                and self.studio.can_take_part(user))

    def can_comment(self, user):
        """The author's mentor, or the master (a backbone teacher's mentor); not the office,
        which reads."""
        if not self.can_view(user) or user.id == self.author_id:
            return False
        return user.role_in(self.studio) == "master" or self.studio.mentor_of(self.author) == user


class PlanVersion(db.Model):
    """One saved text of a plan: every section as Markdown and as sanitized HTML."""
    __tablename__ = "plan_versions"
    __table_args__ = (db.UniqueConstraint("plan_id", "number", name="uq_plan_version_number"),)

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("growth_plans.id"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    note = db.Column(db.String(500), nullable=False, default="")
    situation = db.Column(db.Text, nullable=False, default="")
    situation_html = db.Column(db.Text, nullable=False, default="")
    goal_year1 = db.Column(db.Text, nullable=False, default="")
    goal_year1_html = db.Column(db.Text, nullable=False, default="")
    goal_year2 = db.Column(db.Text, nullable=False, default="")
    goal_year2_html = db.Column(db.Text, nullable=False, default="")
    goal_year3 = db.Column(db.Text, nullable=False, default="")
    goal_year3_html = db.Column(db.Text, nullable=False, default="")
    measures = db.Column(db.Text, nullable=False, default="")
    measures_html = db.Column(db.Text, nullable=False, default="")
    outcomes = db.Column(db.Text, nullable=False, default="")
    outcomes_html = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    plan = db.relationship("GrowthPlan", back_populates="versions")

    def sections(self):
        return [(name, getattr(self, name), getattr(self, f"{name}_html")) for name in SECTIONS]


class PlanComment(db.Model):
    """A mentor's comment on a plan, about the version that was current then."""
    __tablename__ = "plan_comments"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("growth_plans.id"), nullable=False, index=True)
    version_id = db.Column(db.Integer, db.ForeignKey("plan_versions.id"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    body = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    author = db.relationship("User", lazy="joined")
    version = db.relationship("PlanVersion", lazy="joined")


class PlanEvidence(db.Model):
    """A piece of the author's own work linked to one of the three yearly goals."""
    __tablename__ = "plan_evidence"
    __table_args__ = (db.UniqueConstraint("plan_id", "goal", "kind", "target_id",
                                          name="uq_plan_evidence_item"),
                      db.CheckConstraint("goal BETWEEN 1 AND 3", name="goal_one_to_three"))

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("growth_plans.id"), nullable=False, index=True)
    goal = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(16), nullable=False)
    target_id = db.Column(db.Integer, nullable=False)
    label = db.Column(db.String(255), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
