"""Request data the database cannot take is refused here, once for every route and event.

- ``refuse_unstorable_text``: a ``before_request`` hook (registered before CSRF and before
  any view) answering 400 when a query string, a form field or a path part holds a NUL byte
  or a lone surrogate, which PostgreSQL text refuses (and SQLite would silently keep).
  Uploaded file contents are not looked at.
- ``parse_id`` / ``optional_id`` / ``parse_count`` / ``parse_page``: the one parser of ids
  and numbers coming from a form, a query string or a Socket.IO event: ASCII digits only
  (``"²".isdigit()`` is true and ``int("²")`` fails), bounded to the 32-bit ``Integer``
  columns.
- ``BoundedIntConverter``: Flask's ``<int:...>`` with the same bounds, so a 30-digit id in
  a URL is 404, not an overflow.
- ``unstorable``: the same check, recursive, for Socket.IO payloads.
"""
import re

from flask import abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

MAX_ID = 2 ** 31 - 1  # ids and sequence numbers are 32-bit Integer columns
MAX_PAGE = 100_000

_DIGITS = re.compile(r"[0-9]{1,10}")
# NUL and lone surrogates: PostgreSQL text cannot store them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

UNSTORABLE_MESSAGE = _l("The input contains characters that cannot be saved (such as a NUL "
                        "byte). Please remove them and try again; nothing has been saved.")


def parse_count(value, low=0, high=MAX_ID):
    """``value`` (a str of ASCII digits, or an int that is not a bool) as an int in
    ``low..high``; None for anything else (Unicode digits, signs, floats, huge numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if low <= number <= high else None


def parse_id(value):
    """A row id from request data (1..2**31-1), or None if ``value`` is not one. A route
    treats None like an unknown row (400 or 404, as it already does for a missing row)."""
    return parse_count(value, 1, MAX_ID)


def optional_id(value):
    """An optional id field (a hidden ``parent_id``, ``?assignment=``): None when empty, the
    id when valid; anything else is a malformed request (400)."""
    if value is None or value == "":
        return None
    number = parse_id(value)
    if number is None:
        abort(400)
    return number


def parse_page(value, default=1):
    """A page number from the query string; anything but 1..MAX_PAGE gives ``default``."""
    page = parse_count(value, 1, MAX_PAGE)
    return default if page is None else page


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` for ASCII digits up to 2**31-1 only; anything else does not match (404).
    (Werkzeug's ``\\d+`` also matches Arabic-Indic and other Unicode digits.)"""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def unstorable(value):
    """True if ``value`` (a str, or dicts and lists of them, keys included) holds a
    character the database cannot store."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(unstorable(v) for v in value)
    return False


def _multidict_unstorable(data):
    return any(unstorable(key) or unstorable(values) for key, values in data.lists())


def refuse_unstorable_text():
    """Before CSRF and every view: 400 for text the database cannot store, so nothing of the
    request is saved. Reads the form the way CSRF would (parsed once and cached); file
    parts are streamed to disk and not inspected here."""
    if unstorable(request.view_args or {}) or _multidict_unstorable(request.args):
        abort(400, description=str(UNSTORABLE_MESSAGE))
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and (
            _multidict_unstorable(request.form)
            or any(unstorable(key) or unstorable(upload.filename or "")
                   for key, upload in request.files.items(multi=True))):
        abort(400, description=str(UNSTORABLE_MESSAGE))
