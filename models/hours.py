"""The study-hour ledger (学时登记): every credited hour has a source and an audit trail.

Rows are written only by ``blueprints.hours.operations.credit_hours``. A credit that comes
from a row elsewhere (a completed assignment, an attendance, an observation, a course) names
it with ``source`` + ``source_id``; the unique constraint on (source, source_id, user_id)
makes a double click, a retried request or a race between two processes unable to credit
twice. Manual adjustments have no source row (NULLs never collide) and carry a reason; a
reversal names the entry it takes back and carries the reason too.
"""
from models.base import utcnow
from studio.extensions import db

SOURCES = ("task", "manual", "activity", "observation", "course", "reversal")
# A reversal takes back one earlier credit (an attendance removed, ...): its source row is
# that entry, so each credit is reversed at most once; its amount is the credit's, negated.
MAX_AMOUNT = 999.9   # one entry, either way; NUMERIC(6, 1) holds more, the CHECK holds this


class HourEntry(db.Model):
    __tablename__ = "hour_entries"
    __table_args__ = (
        db.UniqueConstraint("source", "source_id", "user_id", name="uq_hour_entries_source_row"),
        # NaN fails a range test on PostgreSQL (it sorts above every number); SQLite stores
        # NaN as NULL, which NOT NULL refuses.
        db.CheckConstraint(f"amount BETWEEN -{MAX_AMOUNT} AND {MAX_AMOUNT} AND amount <> 0",
                           name="amount_finite_nonzero"),
    )

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    amount = db.Column(db.Numeric(6, 1, asdecimal=False), nullable=False)
    source = db.Column(db.String(16), nullable=False)
    source_id = db.Column(db.Integer, nullable=True)
    reason = db.Column(db.String(500), nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User", foreign_keys=[user_id])
    created_by = db.relationship("User", foreign_keys=[created_by_id])
