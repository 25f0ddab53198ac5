"""Certification (挂牌认定): a studio's applications, every round kept."""
from models.base import utcnow
from studio.extensions import db

CERTIFICATION_STATES = ("submitted", "returned", "certified")


class Certification(db.Model):
    """One application round: the master applies with a self-evaluation report
    (项目实施绩效自评报告); the office returns it with reasons or certifies the studio, which
    then carries the certified name, number and date."""
    __tablename__ = "certifications"
    __table_args__ = (
        db.UniqueConstraint("studio_id", "round_no", name="uq_certification_round"),
        db.UniqueConstraint("certificate_number", name="uq_certification_number"),
    )

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    round_no = db.Column(db.Integer, nullable=False)      # 1, 2, ... per studio
    state = db.Column(db.String(16), nullable=False, default="submitted")
    report = db.Column(db.Text, nullable=False, default="")
    report_html = db.Column(db.Text, nullable=False, default="")
    readiness = db.Column(db.JSON, nullable=True)         # the checklist as it stood when applied
    applied_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    applied_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    decided_at = db.Column(db.DateTime, nullable=True)
    reason = db.Column(db.Text, nullable=False, default="")
    certified_name = db.Column(db.String(128), nullable=True)
    certificate_number = db.Column(db.String(64), nullable=True)
    certified_on = db.Column(db.Date, nullable=True)

    studio = db.relationship("Studio")
    applied_by = db.relationship("User", foreign_keys=[applied_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])

    @property
    def title(self):
        """What a notification about this round reads."""
        return f"{self.studio.name} · 挂牌认定申请（第{self.round_no}轮）"

    @property
    def is_pending(self):
        return self.state == "submitted"

    # --- authorization ---------------------------------------------------------------------
    def can_view(self, user):
        """A round (report, snapshot, decision): the studio's master and the offices that
        oversee the studio."""
        return Certification.may_follow(self.studio, user)

    def can_decide(self, user):
        """Return or certify: an office that oversees the studio, while the round waits."""
        return self.is_pending and getattr(user, "is_authenticated", False) \
            and user.oversees(self.studio)

    @staticmethod
    def may_follow(studio, user):
        """The studio's master and its overseeing offices follow its applications."""
        if not getattr(user, "is_authenticated", False):
            return False
        return user.oversees(studio) or user.role_in(studio) == "master"

    @staticmethod
    def pending(user):
        """The rounds waiting for ``user``'s decision: the query twin of ``can_decide``."""
        from sqlalchemy import select

        from models.studio import Studio
        return (select(Certification).join(Studio, Studio.id == Certification.studio_id)
                .where(Certification.state == "submitted", Studio.overseen_by(user))
                .order_by(Certification.applied_at, Certification.id))
