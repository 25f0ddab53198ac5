"""Lesson observations (听课记录): a lesson a member sat in on, noted by the four rubric
dimensions, with an overall evaluation; optionally about a lesson case of the studio.

Who sees one: its author, the author's current mentor, the master, and the project office
(read-only): ``Studio.can_follow``. ``visible_to`` is the list twin of ``can_view``
(tests/test_observations.py keeps the two equal)."""
from sqlalchemy import false, or_, select

from models.base import utcnow
from studio.extensions import db

RATINGS = ("excellent", "good", "fair", "weak")
NOTE_FIELDS = ("learner_analysis", "lesson_design", "teaching_delivery", "reflection")


class Observation(db.Model):
    __tablename__ = "observations"
    # A removed observation's id is never given again (SQLite reuses the highest id without
    # AUTOINCREMENT): its hours credit and reversal name it as their source row.
    __table_args__ = {"sqlite_autoincrement": True}

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("lesson_cases.id"), nullable=True)
    observed_on = db.Column(db.Date, nullable=False, index=True)
    school = db.Column(db.String(128), nullable=False, default="")
    teacher = db.Column(db.String(64), nullable=False)
    subject = db.Column(db.String(64), nullable=False, default="")
    grade = db.Column(db.String(32), nullable=False, default="")
    topic = db.Column(db.String(200), nullable=False)
    learner_analysis = db.Column(db.Text, nullable=False, default="")
    lesson_design = db.Column(db.Text, nullable=False, default="")
    teaching_delivery = db.Column(db.Text, nullable=False, default="")
    reflection = db.Column(db.Text, nullable=False, default="")
    rating = db.Column(db.String(16), nullable=False, default="good")
    overall = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    studio = db.relationship("Studio")
    author = db.relationship("User", lazy="joined")
    case = db.relationship("LessonCase")

    def notes(self):
        return [(field, getattr(self, field)) for field in NOTE_FIELDS]

    # --- authorization ----------------------------------------------------------------------
    def can_view(self, user):
        """The author, their current mentor, the master and the project office."""
        return self.studio.can_follow(user, self.author)

    @staticmethod
    def visible_to(studio, user):
        """The observations of ``studio`` that ``user`` may see, as one query: the SQL twin
        of ``can_view``."""
        stmt = select(Observation).where(Observation.studio_id == studio.id)
        if not studio.can_view(user):
            return stmt.where(false())
        if user.oversees(studio) or user.role_in(studio) == "master":
            return stmt
        return stmt.where(or_(Observation.author_id == user.id,
                              Observation.author_id.in_(studio.current_mentee_ids(user))))

    def can_edit(self, user):
        """Only the author changes or removes their record (the office reads)."""
        return (getattr(user, "id", None) == self.author_id
                and self.studio.can_take_part(user))

    def can_delete(self, user):
        return self.can_edit(user)

    @staticmethod
    def can_create(studio, user):
        """Any member records the lessons they observe."""
        return studio.can_take_part(user)
