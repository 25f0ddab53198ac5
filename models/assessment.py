"""Annual assessment (年度考核): a round per studio and cycle year, one row per member."""
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
