"""Studios (名师网络工作室), their members and mentor groups (师带徒)."""
from sqlalchemy import func, select

from models.base import utcnow
from models.user import User
from studio.extensions import db

ROLES = ("master", "backbone", "new_teacher")
STATUSES = ("preparing", "active", "certified", "closed")
SCHOOL_STAGES = ("primary", "junior", "senior", "vocational", "preschool")


class Studio(db.Model):
    __tablename__ = "studios"
    __table_args__ = (
        # NaN fails a range test on PostgreSQL; SQLite stores it as NULL, which NOT NULL refuses
        db.CheckConstraint("observation_hours BETWEEN 0 AND 99.9", name="observation_hours_range"),
        db.CheckConstraint("observation_target_new_teacher BETWEEN 0 AND 500 AND "
                           "observation_target_backbone BETWEEN 0 AND 500",
                           name="observation_targets_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(128), nullable=False, unique=True)
    subject = db.Column(db.String(64), nullable=False)
    school_stage = db.Column(db.String(16), nullable=False)
    # The region the studio belongs to (its office oversees it) and the programme whose rules
    # assess and certify it (None: Programme.defaults()).
    region_id = db.Column(db.Integer, db.ForeignKey("regions.id"), nullable=True, index=True)
    programme_id = db.Column(db.Integer, db.ForeignKey("programmes.id"), nullable=True,
                             index=True)
    cycle_start = db.Column(db.Date, nullable=True)
    cycle_end = db.Column(db.Date, nullable=True)
    status = db.Column(db.String(16), nullable=False, default="preparing")
    max_backbone = db.Column(db.Integer, nullable=False, default=10)
    min_new_teachers = db.Column(db.Integer, nullable=False, default=50)
    max_new_teachers = db.Column(db.Integer, nullable=False, default=100)
    hours_target_new_teacher = db.Column(db.Integer, nullable=False, default=50)
    hours_target_backbone = db.Column(db.Integer, nullable=False, default=60)
    # Lesson observations (听课) a member should log each term, per role; hours per record
    observation_target_new_teacher = db.Column(db.Integer, nullable=False, default=25,
                                               server_default="25")
    observation_target_backbone = db.Column(db.Integer, nullable=False, default=25,
                                            server_default="25")
    observation_hours = db.Column(db.Numeric(4, 1, asdecimal=False), nullable=False, default=0,
                                  server_default="0")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    region_node = db.relationship("Region", lazy="select")
    programme = db.relationship("Programme", lazy="select")

    def __repr__(self):
        return f"<Studio {self.name}>"

    @property
    def region_name(self):
        """The region as people read it (河南省郑州市金水区)."""
        return self.region_node.full_name if self.region_node is not None else ""

    @property
    def rules(self):
        """The programme's rules for this studio (thresholds, cap, certified name)."""
        return self.programme or _programme_defaults()

    @staticmethod
    def overseen_by(user):
        """The where-clause twin of ``user.oversees(studio)``: the studios in the office's
        scope (every studio for the platform office, none for anybody who is not an office)."""
        from sqlalchemy import false, true
        from models.region import Region
        if not getattr(user, "is_admin", False):
            return false()
        if user.region_id is None:
            return true()
        return Studio.region_id.in_(user.region.subtree_ids())

    # --- authorization: the one place each rule lives -------------------------------------
    def _role(self, user):
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user.role_in(self)

    def can_view(self, user):
        """Members see their studio; an office sees the studios in its scope."""
        return bool(getattr(user, "is_authenticated", False)) and (
            user.oversees(self) or self._role(user) is not None
        )

    def is_run_by(self, user):
        """The master runs the studio; the office overseeing it (admin) may step in."""
        return self.can_view(user) and (user.oversees(self) or self._role(user) == "master")

    def can_manage_members(self, user):
        """The master runs membership and mentor groups; the admin may step in."""
        return self.is_run_by(user)

    def can_edit(self, user):
        """Studio settings (name, cycle, limits, status) and appointing the master."""
        return bool(getattr(user, "is_authenticated", False)) and user.oversees(self)

    def can_import(self, user):
        return self.can_edit(user)

    def can_see_contacts(self, user, member=None):
        """Phone and e-mail: managers, and a mentor for their own mentees."""
        if self.can_manage_members(user):
            return True
        return member is not None and self.mentor_of(member) == user

    def can_take_part(self, user):
        """Who posts in the studio's threads and live rooms: its members. The project office
        (admin) reads every studio's threads and rooms but does not take part in them."""
        return self._role(user) is not None

    def can_set_tasks(self, user):
        return self._role(user) in ("master", "backbone")

    def can_moderate(self, user):
        """Master and backbone teachers moderate threads and the live room."""
        return self._role(user) in ("master", "backbone")

    def can_adjust_hours(self, user):
        return self._role(user) == "master"

    def offices(self):
        """The active office accounts whose scope holds this studio: who is told of its
        masters' cases, its certification applications and reviews waiting too long."""
        return [office for office in User.active_offices() if office.oversees(self)]

    def can_export_archive(self, user):
        """The training archive (培训档案): the master and the overseeing office."""
        return self._role(user) == "master" or (
            bool(getattr(user, "is_authenticated", False)) and user.oversees(self))

    def can_follow(self, user, member):
        """A member's tasks, hours and required work: themselves, the master, the admin and
        their mentor."""
        if not self.can_view(user):
            return False
        return (user.id == member.id or user.oversees(self) or self._role(user) == "master"
                or self.mentor_of(member) == user)

    def followed_members(self, user):
        """The list twin of ``can_follow`` for other people's work: a select of the ids of the
        members ``user`` follows besides themselves (every active member for the master and
        the overseeing office, a mentor's current mentees); None for whoever follows nobody
        else. tests/test_course_progress.py keeps it equal to ``can_follow``."""
        if self.is_run_by(user):
            return select(Membership.user_id).where(Membership.studio_id == self.id,
                                                    Membership.active.is_(True),
                                                    Membership.user_id != user.id)
        if self.can_take_part(user) and self.group_of_mentor(user) is not None:
            return self.current_mentee_ids(user)
        return None

    def can_follow_certification(self, user):
        """The certification page (checklist, applications): the master and the offices."""
        from models.certification import Certification
        return Certification.may_follow(self, user)

    # --- figures ---------------------------------------------------------------------------
    def role_counts(self):
        rows = db.session.execute(
            select(Membership.role, func.count())
            .where(Membership.studio_id == self.id, Membership.active.is_(True))
            .group_by(Membership.role)
        ).all()
        counts = {role: 0 for role in ROLES}
        counts.update({role: n for role, n in rows})
        return counts

    def can_read_register(self, user):
        """The studio's study-hour register (page and export): the master and the admin (every
        member), a backbone teacher (their current mentees)."""
        return self.is_run_by(user) or self._role(user) == "backbone"

    def register_members(self, user, roster):
        """Whose study hours ``user`` reads in the register: the master and the admin every
        backbone and new teacher, a mentor their current mentees, anybody else nobody (they
        read their own record)."""
        if not self.can_read_register(user):
            return []
        if self.is_run_by(user):
            return roster.backbones + roster.new_teachers
        if self._role(user) == "backbone":
            return next((m for mentor, m in roster.groups if mentor.id == user.id), [])
        return []

    def hours_target(self, role):
        """The study hours a member of ``role`` must reach in this studio (None: no target,
        e.g. the master). Routes and templates alike ask the studio."""
        return {"new_teacher": self.hours_target_new_teacher,
                "backbone": self.hours_target_backbone}.get(role)

    def observation_target(self, role):
        """The lesson observations a member of ``role`` should log each term (None: no
        target, the master)."""
        return {"new_teacher": self.observation_target_new_teacher,
                "backbone": self.observation_target_backbone}.get(role)

    def can_set_observation_rules(self, user):
        """The targets and the hours per observation: the master (the office may step in)."""
        return self.is_run_by(user)

    def limit_for(self, role):
        return {"master": 1, "backbone": self.max_backbone, "new_teacher": self.max_new_teachers}[role]

    @property
    def master(self):
        return db.session.execute(
            select(User).join(Membership, Membership.user_id == User.id).where(
                Membership.studio_id == self.id, Membership.role == "master",
                Membership.active.is_(True),
            )
        ).scalar_one_or_none()

    def current_group_member(self, user):
        return db.session.execute(
            select(MentorGroupMember).join(MentorGroup).where(
                MentorGroup.studio_id == self.id,
                MentorGroupMember.mentee_id == user.id,
                MentorGroupMember.ended_at.is_(None),
            )
        ).scalar_one_or_none()

    def mentor_of(self, user):
        link = self.current_group_member(user)
        return link.group.mentor if link else None

    def group_of_mentor(self, user):
        return db.session.execute(
            select(MentorGroup).where(MentorGroup.studio_id == self.id, MentorGroup.mentor_id == user.id)
        ).scalar_one_or_none()

    def current_mentee_ids(self, mentor):
        """A select of the ids of ``mentor``'s current mentees (for query twins)."""
        return (select(MentorGroupMember.mentee_id).join(MentorGroup)
                .where(MentorGroup.studio_id == self.id, MentorGroup.mentor_id == mentor.id,
                       MentorGroupMember.ended_at.is_(None)))

    def is_current_mentor(self, mentor, mentee_id):
        """``mentor`` mentors ``mentee_id`` now (the mentee has not left the group). Within a
        request the mentee ids are read once, so a page deciding many hand-ins asks once."""
        from flask import has_request_context, request
        key = (self.id, mentor.id)
        cache = {}
        if has_request_context():
            cache = request.environ.setdefault("studio.current_mentees", {})
        if key not in cache:
            cache[key] = set(db.session.execute(self.current_mentee_ids(mentor)).scalars())
        return mentee_id in cache[key]

    def mentees_of(self, user):
        group = self.group_of_mentor(user)
        return group.current_mentees() if group else []


def _programme_defaults():
    from models.region import Programme
    return Programme.defaults()


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (db.UniqueConstraint("studio_id", "user_id", name="uq_membership_studio_user"),)

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    role = db.Column(db.String(16), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    joined_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    left_at = db.Column(db.DateTime, nullable=True)

    studio = db.relationship("Studio", lazy="joined")
    user = db.relationship("User", back_populates="memberships")


class MentorGroup(db.Model):
    """One backbone mentor and the new teachers they lead (师带徒)."""
    __tablename__ = "mentor_groups"
    __table_args__ = (db.UniqueConstraint("studio_id", "mentor_id", name="uq_mentor_group_studio_mentor"),)

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    mentor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    studio = db.relationship("Studio")
    mentor = db.relationship("User", lazy="joined")
    links = db.relationship("MentorGroupMember", back_populates="group", lazy="select",
                            order_by="MentorGroupMember.started_at")

    def current_mentees(self):
        return [link.mentee for link in self.links if link.ended_at is None]


class MentorGroupMember(db.Model):
    """A new teacher's time in a mentor group. A change ends one row and starts another,
    so the history of who mentored whom is kept."""
    __tablename__ = "mentor_group_members"

    id = db.Column(db.Integer, primary_key=True)
    group_id = db.Column(db.Integer, db.ForeignKey("mentor_groups.id"), nullable=False, index=True)
    mentee_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    started_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    ended_at = db.Column(db.DateTime, nullable=True)
    changed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    reason = db.Column(db.String(255), nullable=False, default="")

    group = db.relationship("MentorGroup", back_populates="links", lazy="joined")
    mentee = db.relationship("User", foreign_keys=[mentee_id], lazy="joined")
    changed_by = db.relationship("User", foreign_keys=[changed_by_id])


class Roster:
    """The studio's members grouped by mentor, loaded with a fixed number of queries."""

    def __init__(self, studio):
        memberships = db.session.execute(
            select(Membership).join(User, Membership.user_id == User.id)
            .where(Membership.studio_id == studio.id, Membership.active.is_(True))
            .options(db.joinedload(Membership.user)).order_by(User.username)
        ).scalars().all()
        links = db.session.execute(
            select(MentorGroupMember).join(MentorGroup)
            .where(MentorGroup.studio_id == studio.id, MentorGroupMember.ended_at.is_(None))
        ).scalars().all()
        mentor_of = {link.mentee_id: link.group.mentor_id for link in links}
        self.master = next((m.user for m in memberships if m.role == "master"), None)
        self.backbones = [m.user for m in memberships if m.role == "backbone"]
        self.new_teachers = [m.user for m in memberships if m.role == "new_teacher"]
        self.groups = [(mentor, [u for u in self.new_teachers if mentor_of.get(u.id) == mentor.id])
                       for mentor in self.backbones]
        self.unassigned = [u for u in self.new_teachers if u.id not in mentor_of]
        self.mentor_id_of = mentor_of
        self.group_rows = db.session.execute(
            select(MentorGroup).where(MentorGroup.studio_id == studio.id)).scalars().all()
        self.role_of = {m.user_id: m.role for m in memberships}

    @property
    def everyone(self):
        """The master, the backbone teachers, then the new teachers."""
        return ([self.master] if self.master else []) + self.backbones + self.new_teachers

    @property
    def size(self):
        return len(self.role_of)
