"""Research projects (课题研究): a leader and members of the studio take a project through its
stages 开题 → 中期 → 结题; at each stage they hand in a report document that the master
approves (the project moves on) or returns with reasons (they revise and hand in again).

The life cycle lives here, in ``TRANSITIONS`` and the ``can_*`` predicates (their state
checks inside); ``blueprints/projects/operations.py`` reads them and never tests a state."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select

from models.base import utcnow
from studio.extensions import db

STAGES = ("opening", "midterm", "closing")          # 开题, 中期, 结题
STATES = ("open", "submitted", "returned", "finished")
# state -> {action: next state}. Approving a report at the last stage finishes the project;
# at an earlier one the project moves to the next stage and is open again.
TRANSITIONS = {
    "open": {"submit": "submitted"},
    "returned": {"submit": "submitted"},
    "submitted": {"approve": "open", "return": "returned"},
    "finished": {},
}
DECISIONS = ("approve", "return")
# Who may lead a project: a backbone teacher or the master of the studio.
LEADER_ROLES = ("master", "backbone")


class ResearchProject(db.Model):
    __tablename__ = "research_projects"

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    title = db.Column(db.String(200), nullable=False)
    summary = db.Column(db.Text, nullable=False, default="")
    summary_html = db.Column(db.Text, nullable=False, default="")
    leader_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    stage = db.Column(db.String(16), nullable=False, default="opening")
    state = db.Column(db.String(16), nullable=False, default="open", index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    studio = db.relationship("Studio")
    leader = db.relationship("User", foreign_keys=[leader_id], lazy="joined")
    memberships = db.relationship("ProjectMember", back_populates="project", lazy="select",
                                  cascade="all, delete-orphan")
    reports = db.relationship("ProjectReport", back_populates="project", lazy="select",
                              order_by="ProjectReport.id")

    @property
    def members(self):
        return [m.user for m in self.memberships]

    @property
    def member_ids(self):
        return {m.user_id for m in self.memberships}

    def stage_index(self):
        return STAGES.index(self.stage)

    def reports_of(self, stage):
        return [r for r in self.reports if r.stage == stage]

    @property
    def waiting_report(self):
        """The report handed in and not yet decided, if any."""
        return next((r for r in reversed(self.reports) if r.decision is None), None)

    # --- authorization -------------------------------------------------------------------
    def _role(self, user):
        return user.role_in(self.studio) if getattr(user, "is_authenticated", False) else None

    def can_view(self, user):
        """Every member of the studio, and the project office (read only)."""
        return self.studio.can_view(user)

    @staticmethod
    def visible_to(studio, user):
        """The projects of a studio ``user`` may see, as one query: the twin of ``can_view``
        (tests/test_projects.py keeps the two equal)."""
        stmt = select(ResearchProject).where(ResearchProject.studio_id == studio.id)
        return stmt if studio.can_view(user) else stmt.where(false())

    def is_leader_or_master(self, user):
        role = self._role(user)
        return role is not None and (user.id == self.leader_id or role == "master")

    def is_team(self, user):
        """The leader and the project's members, while they are in the studio."""
        return self._role(user) is not None and (
            user.id == self.leader_id or user.id in self.member_ids)

    def can_edit(self, user):
        """Title, summary, leader and members: the leader and the master, until it is
        finished."""
        return self.state != "finished" and self.is_leader_or_master(user)

    def can_submit(self, user):
        """The leader or a member hands in the current stage's report while none waits."""
        return self.allowed("submit") and self.is_team(user)

    def is_reviewer(self, user):
        return self._role(user) == "master"

    def can_review(self, user):
        """The master decides on a report handed in."""
        return self.allowed("approve") and self.is_reviewer(user)

    @staticmethod
    def can_create(studio, user):
        """The master, or a backbone teacher (who then leads it)."""
        return getattr(user, "is_authenticated", False) and user.role_in(studio) in LEADER_ROLES

    def allowed(self, action):
        return action in TRANSITIONS.get(self.state, {})

    def after(self, action):
        """(stage, state) once ``action`` is taken: the one place a stage moves on."""
        state = TRANSITIONS[self.state][action]
        if action != "approve":
            return self.stage, state
        if self.stage == STAGES[-1]:
            return self.stage, "finished"
        return STAGES[self.stage_index() + 1], state

    def refusal(self, check, user):
        """Why the right person is refused at this moment (a second tab, a double click):
        a 409 that says so. None for the wrong person (403)."""
        from studio.labels import PROJECT_STATE_LABELS
        person = {"can_review": self.is_reviewer, "can_submit": self.is_team,
                  "can_edit": self.is_leader_or_master}.get(check)
        if person is None or not self.can_view(user) or not person(user):
            return None
        return _l("This research project is now “%(state)s”, so this step is no longer "
                  "possible. Reload the page to see where it stands.",
                  state=PROJECT_STATE_LABELS[self.state])


class ProjectMember(db.Model):
    __tablename__ = "project_members"
    __table_args__ = (db.UniqueConstraint("project_id", "user_id", name="uq_project_member"),)

    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("research_projects.id"), nullable=False,
                           index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)

    project = db.relationship("ResearchProject", back_populates="memberships")
    user = db.relationship("User", lazy="joined")


class ProjectReport(db.Model):
    """One report handed in at a stage. A report returned stays; the revision is a new row
    (``number`` counts within the stage), so every version is kept and readable."""
    __tablename__ = "project_reports"
    __table_args__ = (
        db.UniqueConstraint("project_id", "stage", "number", name="uq_project_report_number"),
    )

    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("research_projects.id"), nullable=False,
                           index=True)
    stage = db.Column(db.String(16), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=False)
    summary = db.Column(db.Text, nullable=False, default="")
    summary_html = db.Column(db.Text, nullable=False, default="")
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    submitted_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decision = db.Column(db.String(16), nullable=True)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    decided_at = db.Column(db.DateTime, nullable=True)
    reason = db.Column(db.Text, nullable=False, default="")
    reason_html = db.Column(db.Text, nullable=False, default="")

    project = db.relationship("ResearchProject", back_populates="reports")
    file = db.relationship("StoredFile", lazy="joined")
    author = db.relationship("User", foreign_keys=[author_id], lazy="joined")
    decided_by = db.relationship("User", foreign_keys=[decided_by_id], lazy="joined")
