"""Lesson cases (教学课例): design, classroom recording and reflection, versioned, reviewed."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select

from models.base import utcnow
from studio.extensions import db

KINDS = ("standard", "excellent", "practice", "report")
STATES = ("draft", "submitted", "in_review", "changes_requested", "resubmitted", "approved",
          "recommended")
DIMENSIONS = ("learner_analysis", "lesson_design", "teaching_delivery", "reflection")
VIDEO_COMMENT_KINDS = ("strength", "suggestion", "question")

# The life cycle (DOMAIN.md): state -> {action: next state}.
TRANSITIONS = {
    "draft": {"submit": "submitted"},
    "submitted": {"open_review": "in_review"},
    "resubmitted": {"open_review": "in_review"},
    "in_review": {"approve": "approved", "request_changes": "changes_requested"},
    "changes_requested": {"resubmit": "resubmitted"},
    "approved": {"recommend": "recommended"},
    "recommended": {},
}
UNDER_REVIEW = ("submitted", "in_review", "changes_requested", "resubmitted")
# The states in which the reviewer can decide (or open the case to decide): read from the table.
REVIEW_ACTIONS = ("open_review", "approve", "request_changes")
REVIEWABLE = tuple(s for s, moves in TRANSITIONS.items() if set(moves) & set(REVIEW_ACTIONS))
# The author hands in a draft, or hands in again after changes were requested.
SUBMIT_ACTIONS = ("submit", "resubmit")
SUBMITTABLE = tuple(s for s, moves in TRANSITIONS.items() if set(moves) & set(SUBMIT_ACTIONS))
FINISHED = ("approved", "recommended")  # done work: seen by the whole studio
# A revision is under way: returned to the author, handed in again, or under review again.
REVISING = ("changes_requested", "resubmitted", "in_review")

# Required work (成果要求, DOMAIN.md) per role; the kinds a member may hand in are exactly
# their required work, so the two tables are one.
REQUIRED = {"new_teacher": ("standard",), "backbone": ("excellent", "report"),
            "master": ("practice",)}
KIND_FOR_ROLE = REQUIRED
# A self professional-development report and a studio practice case are documents, not
# classroom lessons: a document and a text, no recording.
DOCUMENT_KINDS = ("report", "practice")
LESSON_PARTS = ("design", "recording", "reflection")
DOCUMENT_PARTS = ("design", "reflection")


def parts_of(kind):
    return DOCUMENT_PARTS if kind in DOCUMENT_KINDS else LESSON_PARTS


class StoredFile(db.Model):
    """An uploaded file, stored under UPLOAD_DIR by its SHA-256 (outside static/)."""
    __tablename__ = "stored_files"

    id = db.Column(db.Integer, primary_key=True)
    sha256 = db.Column(db.String(64), nullable=False, index=True)
    size = db.Column(db.BigInteger, nullable=False)
    mimetype = db.Column(db.String(100), nullable=False)
    original_name = db.Column(db.String(255), nullable=False, default="")
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    @property
    def relative_path(self):
        return f"{self.sha256[:2]}/{self.sha256[2:4]}/{self.sha256}"


class LessonCase(db.Model):
    __tablename__ = "lesson_cases"

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    reviewer_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True, index=True)
    assignment_id = db.Column(db.Integer, db.ForeignKey("assignments.id"), nullable=True)
    kind = db.Column(db.String(16), nullable=False, default="standard")
    title = db.Column(db.String(200), nullable=False)
    subject = db.Column(db.String(64), nullable=False, default="")
    grade = db.Column(db.String(32), nullable=False, default="")
    topic = db.Column(db.String(200), nullable=False, default="")
    state = db.Column(db.String(24), nullable=False, default="draft", index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    submitted_at = db.Column(db.DateTime, nullable=True)

    studio = db.relationship("Studio")
    author = db.relationship("User", foreign_keys=[author_id], lazy="joined")
    reviewer = db.relationship("User", foreign_keys=[reviewer_id], lazy="joined")
    assignment = db.relationship("Assignment")
    versions = db.relationship("CaseVersion", back_populates="case", order_by="CaseVersion.number",
                               lazy="select")
    transitions = db.relationship("CaseTransition", order_by="CaseTransition.id", lazy="select")

    @property
    def latest(self):
        return self.versions[-1] if self.versions else None

    @property
    def latest_submitted(self):
        return next((v for v in reversed(self.versions) if v.submitted_at is not None), None)

    @property
    def parts(self):
        """The parts this kind of case is made of: a lesson has a recording, a document not."""
        return parts_of(self.kind)

    @property
    def has_recording(self):
        return "recording" in self.parts

    @property
    def submit_action(self):
        """"submit" from a draft, "resubmit" after changes were requested, else None."""
        return next((a for a in SUBMIT_ACTIONS if self.allowed(a)), None)

    def versions_for(self, user):
        """The author sees every version, the working copy not yet handed in included;
        everyone else only the versions that were handed in."""
        if getattr(user, "id", None) == self.author_id:
            return list(self.versions)
        return [v for v in self.versions if v.submitted_at is not None]

    def answered_version(self, versions):
        """The handed-in version whose review the newest of ``versions`` (those a viewer sees,
        from ``versions_for``) answers, while a revision is under way: the returned one while
        the case is returned, the one before the newest once it is handed in again. None for a
        draft, a first hand-in and finished work."""
        if self.state not in REVISING:
            return None
        handed_in = [v for v in versions if v.submitted_at is not None]
        if self.state == "changes_requested":
            return handed_in[-1] if handed_in else None
        return handed_in[-2] if len(handed_in) > 1 else None

    # --- authorization (DOMAIN.md "Visibility") ------------------------------------------
    def _role(self, user):
        return user.role_in(self.studio) if getattr(user, "is_authenticated", False) else None

    def can_view(self, user):
        if not self.studio.can_view(user):
            return False
        if user.id == self.author_id:
            return True
        if self.state == "draft":
            return False
        if self.state in FINISHED:
            return True
        return user.id == self.reviewer_id or self.studio.is_run_by(user)

    @staticmethod
    def visible_to(studio, user):
        """The cases of a studio ``user`` may see, as one query: the SQL twin of ``can_view``
        (tests/test_cases.py keeps the two equal for every state × viewer)."""
        stmt = select(LessonCase).where(LessonCase.studio_id == studio.id)
        if not studio.can_view(user):
            return stmt.where(false())
        mine = LessonCase.author_id == user.id
        if studio.is_run_by(user):
            return stmt.where(or_(mine, LessonCase.state != "draft"))
        return stmt.where(or_(mine, LessonCase.state.in_(FINISHED),
                              (LessonCase.reviewer_id == user.id) & (LessonCase.state != "draft")))

    def can_edit(self, user):
        """The author changes the case while it can be handed in (a draft, or after changes
        were requested)."""
        return getattr(user, "id", None) == self.author_id and self.submit_action is not None

    def can_submit(self, user):
        return self.can_edit(user)

    def is_reviewer(self, user):
        """The person who decides, whatever the state: the mentor, or the master for a
        backbone; a master's own case (no reviewer) goes to the project office, any admin
        but its author."""
        if not getattr(user, "is_authenticated", False):
            return False
        if self.reviewer_id is None:
            return user.oversees(self.studio) and user.id != self.author_id
        return user.id == self.reviewer_id

    def can_review(self, user):
        """The reviewer, while a decision is possible (handed in, handed in again, in review)."""
        return self.state in REVIEWABLE and self.is_reviewer(user)

    @staticmethod
    def review_queue(user, studio=None):
        """The cases waiting for ``user``'s decision, in one studio or (studio None) in all:
        the SQL twin of ``can_review``."""
        stmt = select(LessonCase).where(LessonCase.state.in_(REVIEWABLE))
        if studio is not None:
            stmt = stmt.where(LessonCase.studio_id == studio.id)
        if not getattr(user, "is_authenticated", False):
            return stmt.where(false())
        if user.is_admin:
            from models.studio import Studio
            in_scope = LessonCase.studio_id.in_(select(Studio.id).where(Studio.overseen_by(user)))
            stmt = stmt.where(or_(LessonCase.reviewer_id == user.id,
                                  LessonCase.reviewer_id.is_(None)
                                  & (LessonCase.author_id != user.id) & in_scope))
        else:
            stmt = stmt.where(LessonCase.reviewer_id == user.id)
        return stmt.order_by(LessonCase.submitted_at, LessonCase.id)

    def can_recommend(self, user):
        """The master recommends an approved case as excellent."""
        return self.allowed("recommend") and self._role(user) == "master"

    def can_comment(self, user):
        """On the recording: the reviewer and the author during review; once approved, any
        member."""
        if not self.can_view(user) or not self.has_recording:
            return False
        if self.state in FINISHED:
            return self._role(user) is not None or user.oversees(self.studio)
        return self.is_reviewer(user) or user.id == self.author_id

    @staticmethod
    def kinds_for(studio, user):
        """The kinds of case ``user`` may hand in in ``studio``: their required work."""
        if not getattr(user, "is_authenticated", False):
            return ()
        return KIND_FOR_ROLE.get(user.role_in(studio), ())

    @staticmethod
    def can_create(studio, user):
        return bool(LessonCase.kinds_for(studio, user))

    def allowed(self, action):
        return action in TRANSITIONS.get(self.state, {})

    def refusal(self, check, user):
        """Why the right person is refused a step at this moment (a double click, a second
        tab: the case has moved on), for a 409 that says so. None when the person is not the
        one for the step: that is a plain 403."""
        from studio.labels import STATE_LABELS
        person = {"can_review": self.is_reviewer,
                  "can_submit": lambda u: u.id == self.author_id,
                  "can_edit": lambda u: u.id == self.author_id,
                  "can_recommend": lambda u: self._role(u) == "master"}.get(check)
        if person is None or not self.can_view(user) or not person(user):
            return None
        return _l("This lesson case is now “%(state)s”, so this step is no longer possible. "
                  "Reload the page to see where it stands.", state=STATE_LABELS[self.state])


class CaseVersion(db.Model):
    """One submission round. A resubmission is a new version; the old ones stay readable."""
    __tablename__ = "case_versions"
    __table_args__ = (db.UniqueConstraint("case_id", "number", name="uq_case_version_number"),)

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("lesson_cases.id"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    design_file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=True)
    design_text = db.Column(db.Text, nullable=False, default="")
    design_html = db.Column(db.Text, nullable=False, default="")
    recording_file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=True)
    reflection = db.Column(db.Text, nullable=False, default="")
    reflection_html = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    submitted_at = db.Column(db.DateTime, nullable=True)

    case = db.relationship("LessonCase", back_populates="versions")
    design_file = db.relationship("StoredFile", foreign_keys=[design_file_id], lazy="joined")
    recording_file = db.relationship("StoredFile", foreign_keys=[recording_file_id], lazy="joined")
    reviews = db.relationship("Review", order_by="Review.id", lazy="select")
    video_comments = db.relationship("VideoComment", order_by="VideoComment.second",
                                     lazy="select",
                                     primaryjoin="and_(CaseVersion.id == VideoComment.version_id, "
                                                 "VideoComment.parent_id.is_(None))")

    def missing_parts(self):
        """The parts the case's kind needs that this version lacks (a report or a practice
        case needs no recording)."""
        present = {"design": self.design_file_id is not None or bool(self.design_text.strip()),
                   "recording": self.recording_file_id is not None,
                   "reflection": bool(self.reflection.strip())}
        return [part for part in self.case.parts if not present[part]]


class CaseTransition(db.Model):
    """Every change of a case's state: who, when, why."""
    __tablename__ = "case_transitions"

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("lesson_cases.id"), nullable=False, index=True)
    from_state = db.Column(db.String(24), nullable=False)
    to_state = db.Column(db.String(24), nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    reason = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    actor = db.relationship("User", lazy="joined")


class Review(db.Model):
    """A rubric review of one version: four dimensions scored 1–5 with comments, an overall
    comment and a verdict."""
    __tablename__ = "reviews"

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("lesson_cases.id"), nullable=False, index=True)
    version_id = db.Column(db.Integer, db.ForeignKey("case_versions.id"), nullable=False)
    reviewer_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    verdict = db.Column(db.String(24), nullable=False)
    overall = db.Column(db.Text, nullable=False, default="")
    overall_html = db.Column(db.Text, nullable=False, default="")
    learner_analysis_score = db.Column(db.Integer, nullable=False)
    learner_analysis_comment = db.Column(db.Text, nullable=False, default="")
    lesson_design_score = db.Column(db.Integer, nullable=False)
    lesson_design_comment = db.Column(db.Text, nullable=False, default="")
    teaching_delivery_score = db.Column(db.Integer, nullable=False)
    teaching_delivery_comment = db.Column(db.Text, nullable=False, default="")
    reflection_score = db.Column(db.Integer, nullable=False)
    reflection_comment = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    reviewer = db.relationship("User", lazy="joined")

    def rubric(self):
        return [(d, getattr(self, f"{d}_score"), getattr(self, f"{d}_comment")) for d in DIMENSIONS]

    @property
    def total(self):
        return sum(getattr(self, f"{d}_score") for d in DIMENSIONS)


class VideoComment(db.Model):
    """A comment pinned to a second of the classroom recording (视频批注), or a reply to one."""
    __tablename__ = "video_comments"
    __table_args__ = (
        # refuses NaN, infinities and negative seconds on PostgreSQL and SQLite alike
        db.CheckConstraint("second BETWEEN 0 AND 21600", name="second_finite_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("lesson_cases.id"), nullable=False, index=True)
    version_id = db.Column(db.Integer, db.ForeignKey("case_versions.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    parent_id = db.Column(db.Integer, db.ForeignKey("video_comments.id"), nullable=True)
    second = db.Column(db.Float, nullable=False, default=0)
    dimension = db.Column(db.String(24), nullable=False, default="teaching_delivery")
    kind = db.Column(db.String(16), nullable=False, default="suggestion")
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    author = db.relationship("User", lazy="joined")
    replies = db.relationship("VideoComment", order_by="VideoComment.id", lazy="select")
