"""Membership and mentor-group operations. Each checks the studio's rules, changes data and
adds an audit row; the caller commits once. A refused change raises ``RuleError``."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import MentorGroup, MentorGroupMember, Membership, User
from models.audit import record
from models.base import utcnow
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import ROLE_LABELS



def limit_message(studio, role):
    if role == "master":
        return _l("A studio has exactly one master teacher; this studio already has one.")
    if role == "backbone":
        return _l("This studio already has %(n)s backbone teachers, the most it may have.",
                  n=studio.max_backbone)
    return _l("This studio already has %(n)s new teachers, the most it may have.",
              n=studio.max_new_teachers)


def check_room(studio, role, adding=1, counts=None):
    counts = counts or studio.role_counts()
    if counts[role] + adding > studio.limit_for(role):
        raise RuleError(limit_message(studio, role))


def _membership(studio, user):
    return db.session.execute(
        select(Membership).where(Membership.studio_id == studio.id, Membership.user_id == user.id)
    ).scalar_one_or_none()


def role_of(studio, user):
    """The user's current role, read from the database (not a cached relationship)."""
    membership = _membership(studio, user)
    return membership.role if membership is not None and membership.active else None


def add_member(studio, user, role, actor, counts=None):
    if role not in ROLE_LABELS:
        raise RuleError(_l("Unknown role."))
    membership = _membership(studio, user)
    if membership is not None and membership.active:
        raise RuleError(_l("%(name)s is already a member of this studio.", name=user.name))
    check_room(studio, role, counts=counts)
    if membership is None:
        membership = Membership(studio=studio, user=user, role=role)
        db.session.add(membership)
    else:
        membership.role, membership.active, membership.left_at = role, True, None
        membership.joined_at = utcnow()
    if counts is not None:
        counts[role] += 1
    record("member_added", actor=actor, studio=studio, target=user, detail=role)
    return membership


def create_account(username, name, password, actor, **profile):
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise RuleError(_l("The username %(u)s is already taken.", u=username), field="username")
    user = User(username=username, name=name, must_change_password=True, **profile)
    user.set_password(password)
    db.session.add(user)
    record("account_created", actor=actor, target=user)
    return user


def remove_member(studio, user, actor, reason=""):
    membership = _membership(studio, user)
    if membership is None or not membership.active:
        raise RuleError(_l("%(name)s is not a member of this studio.", name=user.name))
    if membership.role == "master":
        raise RuleError(_l("The master teacher cannot be removed; the project office appoints "
                           "a new master instead."))
    if membership.role == "backbone" and studio.mentees_of(user):
        raise RuleError(_l("%(name)s still mentors new teachers. Move them to another mentor "
                           "first.", name=user.name))
    link = studio.current_group_member(user)
    if link is not None:
        link.ended_at = utcnow()
        link_reason = reason or _l("removed from studio")
        link.reason = (link.reason + "; " if link.reason else "") + link_reason
    membership.active, membership.left_at = False, utcnow()
    from studio.realtime import call_after_commit, end_sessions
    call_after_commit(end_sessions, user.id, "removed")
    record("member_removed", actor=actor, studio=studio, target=user, detail=reason)
    return membership


def group_for(studio, mentor):
    group = studio.group_of_mentor(mentor)
    if group is None:
        group = MentorGroup(studio=studio, mentor=mentor)
        db.session.add(group)
    return group


def assign_mentor(studio, mentee, mentor, actor, reason=""):
    """Put a new teacher in a backbone teacher's group; a change ends the old link and starts a
    new one, so the history stays."""
    if role_of(studio, mentee) != "new_teacher":
        raise RuleError(_l("Only new teachers are placed in mentor groups."))
    if role_of(studio, mentor) != "backbone":
        raise RuleError(_l("A mentor must be a backbone teacher of this studio."))
    current = studio.current_group_member(mentee)
    if current is not None and current.group.mentor_id == mentor.id:
        raise RuleError(_l("%(mentee)s is already in %(mentor)s's group.",
                           mentee=mentee.name, mentor=mentor.name))
    now = utcnow()
    if current is not None:
        current.ended_at = now
    link = MentorGroupMember(group=group_for(studio, mentor), mentee=mentee, started_at=now,
                             changed_by_id=actor.id, reason=reason)
    db.session.add(link)
    record("mentor_assigned", actor=actor, studio=studio, target=mentee,
           detail=f"{mentor.username}: {reason}")
    return link


def appoint_master(studio, user, actor, keep_old=False):
    """Make ``user`` the master. The current master leaves the studio, or with ``keep_old``
    stays as a backbone teacher if the studio has a backbone place free."""
    current = studio.master
    if current is not None and current.id == user.id:
        raise RuleError(_l("%(name)s is already the master of this studio.", name=user.name))
    membership = _membership(studio, user)
    if membership is not None and membership.active and membership.role == "backbone" \
            and studio.mentees_of(user):
        raise RuleError(_l("%(name)s still mentors new teachers. Move them to another mentor "
                           "first.", name=user.name))
    if current is not None and keep_old:
        counts = studio.role_counts()
        if membership is not None and membership.active and membership.role == "backbone":
            counts["backbone"] -= 1  # the new master's backbone place becomes free
        if counts["backbone"] + 1 > studio.limit_for("backbone"):
            raise RuleError(_l("%(name)s cannot stay as a backbone teacher: this studio already "
                               "has %(n)s backbone teachers, the most it may have.",
                               name=current.name, n=studio.max_backbone), field="keep_old_master")
    if current is not None:
        old = _membership(studio, current)
        if keep_old:
            old.role = "backbone"
        else:
            old.active, old.left_at = False, utcnow()
        record("master_replaced", actor=actor, studio=studio, target=current,
               detail="kept_as_backbone" if keep_old else "")
    if membership is not None and membership.active:
        link = studio.current_group_member(user)
        if link is not None:
            link.ended_at = utcnow()
        membership.role = "master"
    elif membership is not None:
        membership.role, membership.active, membership.left_at = "master", True, None
    else:
        membership = Membership(studio=studio, user=user, role="master")
        db.session.add(membership)
    record("master_appointed", actor=actor, studio=studio, target=user)
    return membership


HISTORY_ACTIONS = ("member_added", "member_removed")


def membership_history(studio, limit=500):
    """Who joined (补充, by hand or by import) and who left (incl. 淘汰 after the annual
    assessment) the studio, newest first: (audit row, member) pairs, who in ``row.actor``,
    when in ``row.created_at``, why in ``row.detail``. One statement."""
    from sqlalchemy.orm import aliased

    from models.audit import AuditLog
    member = aliased(User)
    return db.session.execute(
        select(AuditLog, member).join(member, member.id == AuditLog.target_id)
        .where(AuditLog.studio_id == studio.id, AuditLog.action.in_(HISTORY_ACTIONS),
               AuditLog.target_type == "User")
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit)).all()
