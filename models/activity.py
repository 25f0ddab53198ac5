"""Study activities (研训活动): who is invited, their replies (参加 / 请假) and attendance (签到).

An ``Activity`` is scheduled by the master (any audience) or a backbone teacher (their
mentees) for an audience chosen like a task's; each invited member is an
``ActivityParticipant`` (their reply and, for leave, the host's decision). An ``Attendance``
is one check-in: by the rotating code, the QR code or by the host's hand. At most one
attendance per member is current (the partial unique index), so a double check-in, two
phones or two processes cannot make two; removing one keeps the row (who, when, why).
"""
from datetime import timedelta

from sqlalchemy import exists, false, or_, select

from models.base import utcnow
from studio.extensions import db

KINDS = ("observation", "demonstration", "seminar", "collective_planning", "problem_study",
         "reading", "lecture")
MODES = ("on_site", "online")
REPLIES = ("none", "attend", "leave")
LEAVE_DECISIONS = ("pending", "approved", "refused")
CHECK_IN_METHODS = ("code", "qr", "manual", "presence")
MAX_ACTIVITY_HOURS = 999.9
CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
DEFAULT_PRESENCE_SHARE = 80


class Activity(db.Model):
    __tablename__ = "activities"
    __table_args__ = (
        db.CheckConstraint(f"hours BETWEEN 0 AND {MAX_ACTIVITY_HOURS}", name="hours_finite_range"),
        db.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        db.CheckConstraint("presence_share BETWEEN 1 AND 100", name="presence_share_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    host_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    kind = db.Column(db.String(32), nullable=False, default="seminar")
    title = db.Column(db.String(200), nullable=False)
    agenda = db.Column(db.Text, nullable=False, default="")
    agenda_html = db.Column(db.Text, nullable=False, default="")
    starts_at = db.Column(db.DateTime, nullable=False, index=True)   # naive UTC
    ends_at = db.Column(db.DateTime, nullable=False)
    mode = db.Column(db.String(16), nullable=False, default="on_site")
    place = db.Column(db.String(200), nullable=False, default="")
    hours = db.Column(db.Numeric(6, 1, asdecimal=False), nullable=False, default=0)
    audience = db.Column(db.String(16), nullable=False, default="members")
    audience_value = db.Column(db.String(64), nullable=False, default="")
    # online: the share of the duration (percent) a member must be in the live room
    presence_share = db.Column(db.Integer, nullable=False, default=DEFAULT_PRESENCE_SHARE,
                               server_default=str(DEFAULT_PRESENCE_SHARE))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    studio = db.relationship("Studio")
    host = db.relationship("User", lazy="joined")
    participants = db.relationship("ActivityParticipant", back_populates="activity",
                                   lazy="select", cascade="all, delete-orphan")

    @property
    def room(self):
        """The activity's own live room (online activities)."""
        return f"activity:{self.id}"

    # --- who ------------------------------------------------------------------------------
    def participant(self, user):
        return next((p for p in self.participants if p.user_id == user.id), None)

    def can_manage(self, user):
        """The host, the studio's master and the admin run the activity: leave decisions,
        the check-in code, attendance by hand."""
        return self.studio.can_view(user) and (
            user.id == self.host_id or self.studio.is_run_by(user))

    def is_followed_by(self, user):
        """A mentor follows the activities their current mentees are invited to."""
        mentees = self.studio.current_mentee_ids(user)
        return db.session.execute(select(exists().where(
            ActivityParticipant.activity_id == self.id,
            ActivityParticipant.user_id.in_(mentees)))).scalar()

    def can_view(self, user):
        """The host, the master and the admin; the invited members; their mentors."""
        if not self.studio.can_view(user):
            return False
        if self.can_manage(user) or self.participant(user) is not None:
            return True
        return self.is_followed_by(user)

    @classmethod
    def visible_to(cls, studio, user):
        """The query twin of ``can_view``: the activities of a studio the user may see."""
        stmt = select(cls).where(cls.studio_id == studio.id)
        if not studio.can_view(user):
            return stmt.where(false())
        if studio.is_run_by(user):
            return stmt
        invited = select(ActivityParticipant.activity_id).where(
            ActivityParticipant.user_id == user.id)
        followed = select(ActivityParticipant.activity_id).where(
            ActivityParticipant.user_id.in_(studio.current_mentee_ids(user)))
        return stmt.where(or_(cls.host_id == user.id, cls.id.in_(invited), cls.id.in_(followed)))

    # --- when -----------------------------------------------------------------------------
    def check_in_opens(self):
        return self.starts_at - CHECK_IN_OPENS_BEFORE

    def check_in_open(self, now=None):
        """Check-in runs from 30 minutes before the start until the end."""
        now = now or utcnow()
        return self.check_in_opens() <= now <= self.ends_at

    def is_over(self, now=None):
        return (now or utcnow()) > self.ends_at

    # --- predicates with their state inside ------------------------------------------------
    def can_reply(self, user, now=None):
        """An invited member answers 参加 / 请假 until the activity ends."""
        return self.participant(user) is not None and not self.is_over(now)

    def can_show_code(self, user, now=None):
        """The projector page: the host (or master) of an on-site activity, while check-in
        is open."""
        return self.mode == "on_site" and self.can_manage(user) and self.check_in_open(now)

    def can_count_presence(self, user):
        """The host (or master) of an online activity counts attendance by presence at any
        moment (before the start nobody has any time); the command does it after the end."""
        return self.mode == "online" and self.can_manage(user)

    def can_write_record(self, user, now=None):
        """The record (活动纪要): the host (or master) writes and edits it once the activity
        has started."""
        return self.can_manage(user) and (now or utcnow()) >= self.starts_at

    def can_check_in(self, user, now=None):
        """An invited member, on site, inside the window, not yet checked in."""
        return self.check_in_refusal(user, now) is None

    def check_in_refusal(self, user, now=None):
        """Why ``user`` cannot check in now (a translated message), or None."""
        from flask_babel import lazy_gettext as _l
        if self.participant(user) is None:
            return _l("You are not on the list of this activity, so you cannot check in.")
        if self.mode != "on_site":
            return _l("This activity is online: attendance comes from its live room.")
        now = now or utcnow()
        if now < self.check_in_opens():
            return _l("Check-in opens 30 minutes before the activity starts.")
        if now > self.ends_at:
            return _l("The activity is over; check-in is closed. Ask the host if you were there.")
        if Attendance.current(self, user) is not None:
            return _l("You have already checked in to this activity.")
        return None

    def refusal(self, check, user):
        """For ``load_object``: why the right person is refused at this moment."""
        if check == "can_check_in" and self.can_view(user):
            return self.check_in_refusal(user)
        if check == "can_write_record" and self.can_manage(user):
            from flask_babel import lazy_gettext as _l
            return _l("The record is written once the activity has started.")
        return None


class ActivityParticipant(db.Model):
    """An invited member: their reply (参加 / 请假, with a reason) and the host's decision on
    leave. Approved leave is excused in the attendance figures."""
    __tablename__ = "activity_participants"
    __table_args__ = (db.UniqueConstraint("activity_id", "user_id",
                                          name="uq_activity_participant"),)

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.Integer, db.ForeignKey("activities.id"), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    reply = db.Column(db.String(16), nullable=False, default="none")
    reason = db.Column(db.String(500), nullable=False, default="")
    replied_at = db.Column(db.DateTime, nullable=True)
    leave_decision = db.Column(db.String(16), nullable=True)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    decided_at = db.Column(db.DateTime, nullable=True)

    activity = db.relationship("Activity", back_populates="participants")
    user = db.relationship("User", foreign_keys=[user_id], lazy="joined")

    @property
    def excused(self):
        return self.reply == "leave" and self.leave_decision == "approved"

    def can_decide_leave(self, user):
        return (self.reply == "leave" and self.leave_decision == "pending"
                and self.activity.can_manage(user))

    def refusal(self, check, user):
        """For ``load_object``: the host is too late (decided already, the answer changed)."""
        from flask_babel import lazy_gettext as _l
        if check == "can_decide_leave" and self.activity.can_manage(user):
            return _l("There is no leave request waiting for a decision.")
        return None


class Attendance(db.Model):
    """One check-in of a member to an activity. Removing it keeps the row with who removed
    it and why; hours it credited are reversed in the ledger."""
    __tablename__ = "attendances"
    __table_args__ = (
        db.Index("uq_attendance_current", "activity_id", "user_id", unique=True,
                 sqlite_where=db.text("removed_at IS NULL"),
                 postgresql_where=db.text("removed_at IS NULL")),
    )

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.Integer, db.ForeignKey("activities.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    method = db.Column(db.String(16), nullable=False)
    reason = db.Column(db.String(500), nullable=False, default="")
    checked_in_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    checked_out_at = db.Column(db.DateTime, nullable=True)
    removed_at = db.Column(db.DateTime, nullable=True)
    removed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    remove_reason = db.Column(db.String(500), nullable=False, default="")

    activity = db.relationship("Activity")
    user = db.relationship("User", foreign_keys=[user_id], lazy="joined")
    recorded_by = db.relationship("User", foreign_keys=[recorded_by_id])

    @classmethod
    def current(cls, activity, user):
        return db.session.execute(select(cls).where(
            cls.activity_id == activity.id, cls.user_id == user.id,
            cls.removed_at.is_(None))).scalar_one_or_none()

    def can_change(self, user):
        """Check out or remove: the activity's managers, while the attendance stands."""
        return self.removed_at is None and self.activity.can_manage(user)


class PresenceInterval(db.Model):
    """One stay of one socket (``sid``) of a member in an online activity's live room: from
    its join to its leave or disconnect (``left_at`` NULL while it stays). Several tabs make
    overlapping intervals; the time present is their union inside the activity's start..end
    (``blueprints.activities.presence``)."""
    __tablename__ = "presence_intervals"
    __table_args__ = (db.Index("ix_presence_activity_user", "activity_id", "user_id"),)

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.Integer, db.ForeignKey("activities.id"), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    sid = db.Column(db.String(64), nullable=False, index=True)
    joined_at = db.Column(db.DateTime, nullable=False)
    left_at = db.Column(db.DateTime, nullable=True)


class ActivityRecord(db.Model):
    """A version of the activity's record (活动纪要), in Markdown: each save adds one, with
    its author; the page shows the latest, earlier ones stay (who wrote what, when)."""
    __tablename__ = "activity_records"
    __table_args__ = (db.UniqueConstraint("activity_id", "number", name="uq_activity_record_number"),)

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.Integer, db.ForeignKey("activities.id"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    body = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text, nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    author = db.relationship("User", lazy="joined")

    @classmethod
    def latest(cls, activity):
        return db.session.execute(select(cls).where(cls.activity_id == activity.id)
                                  .order_by(cls.number.desc()).limit(1)).scalar_one_or_none()


class ActivityPhoto(db.Model):
    """A photo of the record (JPEG, PNG or WebP), stored like a case's files; served to those
    who may see the activity."""
    __tablename__ = "activity_photos"

    id = db.Column(db.Integer, primary_key=True)
    activity_id = db.Column(db.Integer, db.ForeignKey("activities.id"), nullable=False, index=True)
    stored_file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=False)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    stored = db.relationship("StoredFile", lazy="joined")
