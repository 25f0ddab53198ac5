"""The region tree (省 → 市 → 县/区): add, rename, move, delete, and what an office sees of it.

A region's ``path`` holds the ids from the root down; a move rewrites the path of the region
and of every region below it, so "this region and below" stays one indexed LIKE.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from models import Programme, Region, Studio, User
from models.audit import record
from studio.errors import RuleError
from studio.extensions import db

# the level a region's parent must have (None: a root)
PARENT_LEVEL = {"province": None, "city": "province", "county": "city"}
MAX_NAME = 64
MAX_CODE = 12


def is_platform_office(user):
    return bool(getattr(user, "is_admin", False)) and user.region_id is None


def regions_for(user):
    """The regions ``user`` (an office) sees: every region for the platform office, its own
    and those below for a region's office. One query."""
    stmt = select(Region)
    if user.region_id is not None:
        stmt = stmt.where(Region.path.startswith(user.region.path, autoescape=True))
    return db.session.execute(stmt).scalars().all()


def tree(user):
    """(region, depth, studio count in it and below) in tree order, siblings by code then
    name; two queries whatever the size of the tree."""
    regions = regions_for(user)
    direct = dict(db.session.execute(select(Studio.region_id, func.count())
                                     .group_by(Studio.region_id)).all())
    children, ids = {}, {r.id for r in regions}
    for region in regions:
        parent = region.parent_id if region.parent_id in ids else None
        children.setdefault(parent, []).append(region)
    rows = []

    def walk(parent, depth):
        for region in sorted(children.get(parent, []), key=lambda r: (r.code or "", r.name)):
            start = len(rows)
            rows.append([region, depth, direct.get(region.id, 0)])
            walk(region.id, depth + 1)
            rows[start][2] = sum(row[2] for row in rows[start + 1:] if row[1] == depth + 1) \
                + direct.get(region.id, 0)
    walk(None, 0)
    return [tuple(row) for row in rows]


def choices(user, blank=None):
    """(id, indented name) for a select: the regions ``user`` may pick, in tree order."""
    options = [("", blank)] if blank is not None else []
    return options + [(str(r.id), "\u3000" * depth + r.name) for r, depth, _ in tree(user)]


def clean_name(name):
    name = (name or "").strip()
    if not name:
        raise RuleError(_l("Please enter the region's name."), "name")
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise RuleError(_l("The name must be at most %(n)s characters, without control "
                           "characters.", n=MAX_NAME), "name")
    return name


def clean_code(code):
    code = (code or "").strip()
    if code and (len(code) > MAX_CODE or not code.isascii() or not code.isalnum()):
        raise RuleError(_l("The code must be at most %(n)s letters or digits.", n=MAX_CODE),
                        "code")
    return code or None


def check_place(level, parent):
    """A province has no parent, a city lies in a province, a county in a city."""
    wanted = PARENT_LEVEL.get(level, "?")
    if wanted == "?":
        raise RuleError(_l("Unknown level."), "level")
    if (parent.level if parent is not None else None) != wanted:
        raise RuleError(_l("A province has no parent; a city lies in a province; a county or "
                           "district lies in a city."), "parent_id")


def _check_free(name, parent, code, region=None):
    same_name = select(Region.id).where(Region.name == name, Region.parent_id ==
                                        (parent.id if parent is not None else None))
    if region is not None:
        same_name = same_name.where(Region.id != region.id)
    if db.session.execute(same_name).first():
        raise RuleError(_l("%(parent)s already has a region named %(name)s.", name=name,
                           parent=parent.full_name if parent else _l("The top level")), "name")
    if code and db.session.execute(select(Region.id).where(
            Region.code == code, Region.id != (region.id if region else -1))).first():
        raise RuleError(_l("Another region has the code %(code)s.", code=code), "code")


def add_region(name, level, parent, code, actor):
    name, code = clean_name(name), clean_code(code)
    check_place(level, parent)
    _check_free(name, parent, code)
    region = Region(name=name, level=level, parent=parent, code=code)
    db.session.add(region)
    db.session.flush()
    region.set_path()
    record("region_added", actor=actor, detail=region.full_name)
    return region


def rename_region(region, name, code, actor):
    name, code = clean_name(name), clean_code(code)
    _check_free(name, region.parent, code, region)
    region.name, region.code = name, code
    record("region_renamed", actor=actor, detail=region.full_name)
    return region


def move_region(region, parent, actor):
    """Put ``region`` under ``parent``: no cycle, the right level, and every path below
    rewritten."""
    if parent is not None and region.contains(parent):
        raise RuleError(_l("A region cannot move into itself or a region below it."),
                        "parent_id")
    check_place(region.level, parent)
    _check_free(region.name, parent, region.code, region)
    old = region.path
    region.parent = parent
    region.set_path()
    below = db.session.execute(select(Region).where(
        Region.path.startswith(old, autoescape=True), Region.id != region.id)).scalars()
    for node in below:
        node.path = region.path + node.path[len(old):]
    record("region_moved", actor=actor, detail=region.full_name)
    return region


def delete_region(region, actor):
    """Only a region that no studio, office, programme or child region uses."""
    used = [select(Region.id).where(Region.parent_id == region.id),
            select(Studio.id).where(Studio.region_id == region.id),
            select(User.id).where(User.region_id == region.id),
            select(Programme.id).where(Programme.region_id == region.id)]
    if any(db.session.execute(stmt.limit(1)).first() for stmt in used):
        raise RuleError(_l("%(name)s is still used by a region below it, a studio, an office "
                           "or a programme.", name=region.name))
    record("region_deleted", actor=actor, detail=region.full_name)
    db.session.delete(region)


# --- office accounts and the accounts an office manages ----------------------------------
def in_scope(actor, region):
    """``region`` (None: the platform) lies within what ``actor`` oversees."""
    if actor.region_id is None:
        return True
    return region is not None and actor.region.contains(region)


def accounts_overseen(actor):
    """The where-clause twin of ``can_manage_account``: the accounts of the studios in the
    office's scope, and the offices of the regions in it."""
    from sqlalchemy import or_, true
    from models import Membership
    if actor.region_id is None:
        return true()
    studios = select(Studio.id).where(Studio.overseen_by(actor))
    members = select(Membership.user_id).where(Membership.studio_id.in_(studios),
                                               Membership.active.is_(True))
    return or_(User.id.in_(members),
               User.is_admin.is_(True) & User.region_id.in_(actor.region.subtree_ids()))


def can_manage_account(actor, user):
    if not getattr(actor, "is_admin", False):
        return False
    if actor.region_id is None:
        return True
    if user.is_admin:
        return user.region_id is not None and actor.region.contains(user.region)
    return any(actor.oversees(m.studio) for m in user.memberships)


def create_office(actor, name, username, region, password):
    """An office account for ``region`` (None: a platform office, the platform's own call)."""
    from werkzeug.security import generate_password_hash
    from models.user import PASSWORD_HASH_METHOD
    if not in_scope(actor, region):
        raise RuleError(_l("You can only create offices for your own region and those below "
                           "it."), "region_id")
    username = username.strip()
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise RuleError(_l("This username is already taken."), "username")
    user = User(username=username, name=name.strip(), is_admin=True, region=region,
                must_change_password=True,
                password_hash=generate_password_hash(password, method=PASSWORD_HASH_METHOD))
    db.session.add(user)
    db.session.flush()
    record("office_created", actor=actor, target=user,
           detail=region.full_name if region else "platform")
    return user


def set_scope(actor, user, region):
    """Change an office's region, within the actor's own scope and never the actor's own."""
    if not user.is_admin or user.id == actor.id or not can_manage_account(actor, user):
        raise RuleError(_l("You cannot change the scope of this account."))
    if not in_scope(actor, region):
        raise RuleError(_l("You can only create offices for your own region and those below "
                           "it."), "region_id")
    user.region = region
    record("office_scope_changed", actor=actor, target=user,
           detail=region.full_name if region else "platform")
    return user
