"""The showcase of excellent lesson cases (优秀课例展示): recommended cases made public with
their author's consent.

One row per publication round of a case: the master asks (``requested``), the author consents
or declines, the master or the overseeing office publishes, and the author (withdrawing consent)
or the master/office (with a reason) takes it down. A finished round is never changed again; a
new request opens a new row, so the history of every publication stays. At most one round per
case is live (requested, consented or published): a partial unique index holds that.

A separate table rather than columns on ``LessonCase``: a case can be shown, taken down and
shown again, and each time who asked, who consented, who published and why it came down are
kept; the case's own life cycle (DOMAIN.md) stays as it is.
"""
from sqlalchemy import and_, false, or_, select, text

from models.base import utcnow
from models.studio import Membership, Studio
from studio.extensions import db

STATES = ("requested", "declined", "consented", "published", "withdrawn", "unpublished")
LIVE = ("requested", "consented", "published")
_LIVE_SQL = "state IN ('requested', 'consented', 'published')"


class ShowcaseEntry(db.Model):
    __tablename__ = "showcase_entries"
    __table_args__ = (
        db.Index("uq_showcase_live_case", "case_id", unique=True,
                 sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
        db.CheckConstraint("state IN ('requested', 'declined', 'consented', 'published', "
                           "'withdrawn', 'unpublished')", name="showcase_state_known"),
    )

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("lesson_cases.id"), nullable=False, index=True)
    # the version shown: the one handed in when the master asked (a recommended case is final)
    version_id = db.Column(db.Integer, db.ForeignKey("case_versions.id"), nullable=False)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    state = db.Column(db.String(16), nullable=False, default="requested", index=True)
    requested_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    requested_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    answered_at = db.Column(db.DateTime, nullable=True)        # consented or declined
    published_at = db.Column(db.DateTime, nullable=True)
    published_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    unpublished_at = db.Column(db.DateTime, nullable=True)     # withdrawn or taken down
    unpublished_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    reason = db.Column(db.Text, nullable=False, default="")    # why it was taken down

    case = db.relationship("LessonCase", lazy="joined", innerjoin=True)
    version = db.relationship("CaseVersion", lazy="joined", innerjoin=True)
    studio = db.relationship("Studio", lazy="joined", innerjoin=True)
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    published_by = db.relationship("User", foreign_keys=[published_by_id])
    unpublished_by = db.relationship("User", foreign_keys=[unpublished_by_id])

    @property
    def title(self):
        return self.case.title

    @property
    def is_public(self):
        return self.state == "published"

    @property
    def files(self):
        """The files of the shown version anyone may fetch while the entry is public."""
        return {f for f in (self.version.design_file_id, self.version.recording_file_id) if f}

    # --- authorization --------------------------------------------------------------------
    def _runs(self, user):
        """The studio's master, or the office that oversees the studio."""
        if not getattr(user, "is_authenticated", False):
            return False
        return ShowcaseEntry.is_master_of(self.studio, user) or user.oversees(self.studio)

    def _is_author(self, user):
        return getattr(user, "id", None) == self.case.author_id

    def is_person_for(self, check, user):
        """The one who takes the step ``check`` names, whatever the state: refused at the
        wrong moment, they get a 409 that says so, anybody else a 403."""
        return (self._is_author(user) if check in ("can_answer", "can_withdraw")
                else self._runs(user))

    def can_view(self, user):
        """Public once published; before (and after) only the people it concerns."""
        return self.is_public or self.can_preview(user)

    def can_preview(self, user):
        return self._is_author(user) or self._runs(user)

    def can_answer(self, user):
        return self.state == "requested" and self._is_author(user)

    def can_withdraw(self, user):
        return self.state in ("consented", "published") and self._is_author(user)

    def can_publish(self, user):
        return self.state == "consented" and self._runs(user)

    def can_unpublish(self, user):
        return self.state == "published" and self._runs(user)

    @staticmethod
    def can_request(case, user):
        """The master asks to publish a recommended case that has no live round."""
        return (case.state == "recommended" and ShowcaseEntry.is_master_of(case.studio, user)
                and ShowcaseEntry.live_for(case) is None)

    @staticmethod
    def is_master_of(studio, user):
        return getattr(user, "is_authenticated", False) and user.role_in(studio) == "master"

    @staticmethod
    def live_for(case):
        return db.session.execute(select(ShowcaseEntry).where(
            ShowcaseEntry.case_id == case.id, ShowcaseEntry.state.in_(LIVE))).scalar()

    # --- query twins ----------------------------------------------------------------------
    @staticmethod
    def public():
        """The entries anyone may read: the SQL twin of ``is_public``."""
        return select(ShowcaseEntry).where(ShowcaseEntry.state == "published")

    @staticmethod
    def waiting_for(user):
        """The rounds waiting for ``user``: a request to answer (the author), a consent to
        publish (the master, the overseeing office). The twin of can_answer / can_publish."""
        from models.case import LessonCase
        if not getattr(user, "is_authenticated", False):
            return select(ShowcaseEntry).where(false())
        mastered = select(Membership.studio_id).where(
            Membership.user_id == user.id, Membership.role == "master",
            Membership.active.is_(True))
        answer = and_(ShowcaseEntry.state == "requested",
                      ShowcaseEntry.case_id.in_(select(LessonCase.id).where(
                          LessonCase.author_id == user.id)))
        publish = and_(ShowcaseEntry.state == "consented",
                       or_(ShowcaseEntry.studio_id.in_(mastered),
                           ShowcaseEntry.studio_id.in_(select(Studio.id).where(
                               Studio.overseen_by(user)))))
        return select(ShowcaseEntry).where(or_(answer, publish)).order_by(ShowcaseEntry.id)
