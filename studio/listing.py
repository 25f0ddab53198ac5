"""The long lists (study-hour register, required work, roster, notifications): the one parser
of their filter parameters, the one member filter and the one pager.

``?group=<mentor id>&role=new_teacher&q=张&page=2``: ``group`` is a mentor's user id (the
mentor and their current mentees) or 0 (members in no mentor group); ``role`` a studio role;
``q`` a piece of a name, school or username; ``page`` a page number (anything else: page 1,
past the end: the last page). A ``group`` or ``role`` that is not one is a malformed request
(400); a group nobody is in simply lists nobody. Member lists are filtered in memory over the
``Roster`` the page has already loaded, so a filter adds no query.
"""
import math
from collections import Counter
from dataclasses import dataclass, field

from flask import abort, request, url_for
from flask_babel import gettext as _

from models.studio import ROLES
from studio.inputs import parse_count, parse_page

PER_PAGE = 50
MAX_QUERY = 64
NO_GROUP = 0


@dataclass
class MemberFilter:
    group: int | None = None
    role: str = ""
    q: str = ""
    page: int = 1

    @property
    def active(self):
        return self.group is not None or bool(self.role or self.q)

    def params(self):
        """The filter as query parameters (for the pager's links)."""
        values = {"group": self.group, "role": self.role or None, "q": self.q or None}
        return {k: v for k, v in values.items() if v is not None}

    def keeps(self, user, roster):
        if self.role and roster.role_of.get(user.id) != self.role:
            return False
        if self.group is not None and group_key(user, roster) != self.group:
            return False
        if self.q:
            needle = self.q.casefold()
            return any(needle in (text or "").casefold()
                       for text in (user.name, user.school, user.username))
        return True

    def apply(self, users, roster, key=lambda item: item):
        """The items of ``users`` (users, or rows whose user ``key`` gives) the filter keeps."""
        return [item for item in users if self.keeps(key(item), roster)]


def member_filter():
    """The member filter of this request: 400 for a group or role that is not one."""
    group = request.args.get("group", "")
    role = request.args.get("role", "")
    if group == "":
        group_id = None
    else:
        group_id = parse_count(group, NO_GROUP)
        if group_id is None:
            abort(400, description=_("Please choose a mentor group from the list."))
    if role and role not in ROLES:
        abort(400, description=_("Please choose a role from the list."))
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    return MemberFilter(group=group_id, role=role, q=q, page=parse_page(request.args.get("page")))


@dataclass
class NotificationFilter:
    kind: str = ""
    read: str = ""        # "", "unread" or "read"
    q: str = ""
    page: int = 1

    @property
    def active(self):
        return bool(self.kind or self.read or self.q)

    def params(self):
        values = {"kind": self.kind, "read": self.read, "q": self.q}
        return {k: v for k, v in values.items() if v}


def notification_filter():
    """The notification filter of this request: 400 for a kind or state that is not one."""
    from models.notification import KINDS
    kind = request.args.get("kind", "")
    read = request.args.get("read", "")
    if kind and kind not in KINDS:
        abort(400, description=_("Please choose a kind of notification from the list."))
    if read not in ("", "unread", "read"):
        abort(400, description=_("Please choose read or unread."))
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    return NotificationFilter(kind=kind, read=read, q=q, page=parse_page(request.args.get("page")))


def group_key(user, roster):
    """The mentor group ``user`` is in: the mentor's id (for the mentor too), else NO_GROUP."""
    if roster.role_of.get(user.id) == "backbone":
        return user.id
    return roster.mentor_id_of.get(user.id, NO_GROUP)


def group_choices(roster, users):
    """(value, label) of the groups the members in ``users`` belong to, in roster order."""
    present = {group_key(u, roster) for u in users}
    choices = [(mentor.id, _("Group of %(name)s", name=mentor.name))
               for mentor, _mentees in roster.groups if mentor.id in present]
    if NO_GROUP in present:
        choices.append((NO_GROUP, _("Not in a mentor group")))
    return choices


def role_choices(roster, users):
    present = {roster.role_of.get(u.id) for u in users}
    return [role for role in ROLES if role in present]


def same_names(users):
    """The names two or more of ``users`` share: those members are shown with their school."""
    return {name for name, n in Counter(u.name for u in users).items() if n > 1}


def in_group_order(roster):
    """[(section, user)]: the master, then each mentor group (the mentor, then their
    mentees), then new teachers in no group. ``section`` is None, a mentor, or NO_GROUP."""
    rows = [(None, roster.master)] if roster.master else []
    for mentor, mentees in roster.groups:
        rows += [(mentor, mentor)] + [(mentor, u) for u in mentees]
    return rows + [(NO_GROUP, u) for u in roster.unassigned]


def by_section(rows):
    """[(section, [user, ...])] for consecutive ``(section, user)`` rows of one section."""
    runs = []
    for section, user in rows:
        if runs and runs[-1][0] == section:
            runs[-1][1].append(user)
        else:
            runs.append((section, [user]))
    return runs


@dataclass
class Page:
    """One page of a list: ``items``, ``number`` of ``pages``, ``total`` items in all."""
    items: list
    number: int
    pages: int
    total: int
    params: dict = field(default_factory=dict)

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages

    def url(self, number):
        return url_for(request.endpoint, **(request.view_args or {}), **self.params,
                       page=number)


def _page_number(number, total, per_page):
    pages = max(1, math.ceil(total / per_page))
    return min(number, pages), pages


def paginate(items, number, params=None, per_page=PER_PAGE):
    """A page of a list already in memory."""
    number, pages = _page_number(number, len(items), per_page)
    start = (number - 1) * per_page
    return Page(items[start:start + per_page], number, pages, len(items), params or {})


def paginate_query(session, stmt, number, params=None, per_page=PER_PAGE):
    """A page of a select: two queries (the count, then the page), whatever the size."""
    from sqlalchemy import func, select
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())
                            ).scalar()
    number, pages = _page_number(number, total, per_page)
    items = session.execute(stmt.offset((number - 1) * per_page).limit(per_page)).scalars().all()
    return Page(items, number, pages, total, params or {})
