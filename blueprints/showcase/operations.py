"""Showcase operations: ask, answer, publish, withdraw, take down. Each checks the state it
starts from (a double click or a second tab gets a RuleError, a 409), writes the audit row and
notifies; the route commits once."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from blueprints.notifications.operations import notify
from models.audit import record
from models.base import utcnow
from models.showcase import ShowcaseEntry
from studio.errors import RuleError
from studio.extensions import db

MOVED = _l("This showcase request has moved on in the meantime. Reload the page to see where "
           "it stands.")


def _check(allowed):
    if not allowed:
        raise RuleError(MOVED)


def request_publication(case, master):
    """The master asks the author to let the recommended case be shown publicly."""
    _check(ShowcaseEntry.can_request(case, master))
    version = case.latest_submitted
    if version is None:
        raise RuleError(MOVED)
    entry = ShowcaseEntry(case=case, version=version, studio=case.studio,
                          requested_by_id=master.id, state="requested")
    try:
        with db.session.begin_nested():  # two tabs at once: the unique index refuses one
            db.session.add(entry)
    except IntegrityError:
        raise RuleError(MOVED)
    record("showcase_requested", master, case.studio, entry)
    notify([case.author], "showcase_requested", entry, master)
    return entry


def answer(entry, author, consent):
    _check(entry.can_answer(author))
    entry.state = "consented" if consent else "declined"
    entry.answered_at = utcnow()
    record(f"showcase_{entry.state}", author, entry.studio, entry)
    notify([entry.requested_by], f"showcase_{entry.state}", entry, author)


def publish(entry, user):
    _check(entry.can_publish(user))
    entry.state, entry.published_at, entry.published_by_id = "published", utcnow(), user.id
    record("showcase_published", user, entry.studio, entry)
    notify([entry.case.author, entry.requested_by], "showcase_published", entry, user)


def withdraw(entry, author):
    """The author withdraws consent: off the showcase at once if it was on."""
    _check(entry.can_withdraw(author))
    _take_down(entry, author, "withdrawn", "")
    notify([entry.requested_by], "showcase_withdrawn", entry, author)


def unpublish(entry, user, reason):
    _check(entry.can_unpublish(user))
    reason = (reason or "").strip()
    if not reason:
        raise RuleError(_l("Please say why the case is taken off the showcase."), field="reason")
    _take_down(entry, user, "unpublished", reason)
    notify([entry.case.author], "showcase_unpublished", entry, user)


def _take_down(entry, user, state, reason):
    entry.state, entry.reason = state, reason
    entry.unpublished_at, entry.unpublished_by_id = utcnow(), user.id
    record(f"showcase_{state}", user, entry.studio, entry, detail=reason)
