"""Annual assessment (年度考核): a round per studio and cycle year, one row per member."""
from sqlalchemy import false, or_, select

from models.base import utcnow
from studio.extensions import db

ROUND_STATES = ("open", "published")
GRADES = ("excellent", "qualified", "basically_qualified", "unqualified")  # 优秀 合格 基本合格 不合格


class AssessmentRound(db.Model):
    __tablename__ = "assessment_rounds"
    __table_args__ = (db.UniqueConstraint("studio_id", "year", name="uq_assessment_round_year"),)

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    year = db.Column(db.Integer, nullable=False)          # the cycle year (2026 = 2026–2027)
    state = db.Column(db.String(16), nullable=False, default="open")
    opened_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    opened_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    published_at = db.Column(db.DateTime, nullable=True)

    studio = db.relationship("Studio")
    opened_by = db.relationship("User")
    assessments = db.relationship("AnnualAssessment", back_populates="round",
                                  order_by="AnnualAssessment.id")

    @property
    def is_completed(self):
        return self.state == "published"

    @property
    def title(self):
        return f"{self.year}–{self.year + 1}"

    def can_view(self, user):
        return self.can_list(self.studio, user)

    @staticmethod
    def can_list(studio, user):
        """Rounds are seen by the studio's members (each only the rows they may) and the
        overseeing office."""
        office, role = standing(studio, user)
        return office or role is not None

    def can_decide(self, user):
        """The master decides every grade while the round is open (the office only reads)."""
        return not self.is_completed and standing(self.studio, user)[1] == "master"

    def can_publish(self, user):
        return self.can_decide(user)

    def can_export(self, user):
        """The 年度考核表: the master and the overseeing office."""
        office, role = standing(self.studio, user)
        return office or role == "master"

    @staticmethod
    def can_open(studio, user):
        return standing(studio, user)[1] == "master"


def standing(studio, user):
    """(is the overseeing office, role in the studio or None) of ``user``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, None
    return user.oversees(studio), user.role_in(studio)


class AnnualAssessment(db.Model):
    """One member's assessment in a round: the figures (frozen when the round is published),
    their self-evaluation, the mentor's proposed grade and the master's decision."""
    __tablename__ = "annual_assessments"
    __table_args__ = (db.UniqueConstraint("round_id", "user_id", name="uq_assessment_round_user"),)

    id = db.Column(db.Integer, primary_key=True)
    round_id = db.Column(db.Integer, db.ForeignKey("assessment_rounds.id"), nullable=False,
                         index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    role = db.Column(db.String(16), nullable=False)
    figures = db.Column(db.JSON, nullable=True)           # snapshot at publishing
    self_evaluation = db.Column(db.Text, nullable=False, default="")
    self_evaluated_at = db.Column(db.DateTime, nullable=True)
    proposed_grade = db.Column(db.String(24), nullable=True)
    proposal_reason = db.Column(db.Text, nullable=False, default="")
    proposed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    proposed_at = db.Column(db.DateTime, nullable=True)
    grade = db.Column(db.String(24), nullable=True)
    grade_reason = db.Column(db.Text, nullable=False, default="")
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    decided_at = db.Column(db.DateTime, nullable=True)

    round = db.relationship("AssessmentRound", back_populates="assessments")
    user = db.relationship("User", foreign_keys=[user_id], lazy="joined")
    proposed_by = db.relationship("User", foreign_keys=[proposed_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])

    @property
    def studio(self):
        return self.round.studio

    @property
    def studio_id(self):
        return self.round.studio_id

    @property
    def title(self):
        return f"{self.round.year}–{self.round.year + 1} {self.user.name}"

    def _is_mentor(self, user):
        return (self.role == "new_teacher" and getattr(user, "is_authenticated", False)
                and self.studio.is_current_mentor(user, self.user_id))

    def can_view(self, user):
        """The member, their current mentor, the master and the overseeing office."""
        office, role = standing(self.studio, user)
        return (office or role == "master" or (role is not None and user.id == self.user_id)
                or self._is_mentor(user))

    def can_self_evaluate(self, user):
        """The member writes their own, until the master has decided."""
        return (not self.round.is_completed and self.grade is None
                and getattr(user, "id", None) == self.user_id
                and standing(self.studio, user)[1] is not None)

    def can_propose(self, user):
        """The current mentor proposes a grade for a mentee while the round is open."""
        return not self.round.is_completed and self._is_mentor(user)

    def can_decide(self, user):
        return self.round.can_decide(user)

    def can_see_grade(self, user):
        """The master always; the member and the office once the round is published."""
        office, role = standing(self.studio, user)
        if role == "master":
            return True
        return self.round.is_completed and (office or user.id == self.user_id)

    def can_see_proposal(self, user):
        return self._is_mentor(user) or self.can_see_grade(user)

    def can_dismiss(self, user):
        """淘汰: the master, for a member graded 不合格 in a published round, still a member."""
        return (self.round.is_completed and self.grade == "unqualified"
                and standing(self.studio, user)[1] == "master"
                and self.user.role_in(self.studio) in ("backbone", "new_teacher"))

    @staticmethod
    def visible_to(round_, user):
        """The query twin of ``can_view``: the rows of ``round_`` the user sees."""
        studio = round_.studio
        stmt = select(AnnualAssessment).where(AnnualAssessment.round_id == round_.id)
        office, role = standing(studio, user)
        if office or role == "master":
            return stmt
        if role is None:
            return stmt.where(false())
        return stmt.where(or_(AnnualAssessment.user_id == user.id,
                              (AnnualAssessment.role == "new_teacher")
                              & AnnualAssessment.user_id.in_(studio.current_mentee_ids(user))))
