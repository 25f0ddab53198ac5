"""Password policy: 8+ characters, not a commonly used password, not the username."""
import os

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
_COMMON = None


def common_passwords():
    global _COMMON
    if _COMMON is None:
        path = os.path.join(os.path.dirname(__file__), "common_passwords.txt")
        with open(path, encoding="utf-8") as handle:
            _COMMON = {line.strip().lower() for line in handle if line.strip()}
    return _COMMON


def password_problem(password, username=""):
    """Return a translated reason the password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("The password must have at least %(n)s characters.", n=MIN_LENGTH)
    if len(password) > 128:
        return _l("The password must have at most 128 characters.")
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return _l("This password is too common and easy to guess. Please choose another.")
    if username and lowered == username.lower():
        return _l("The password must not be the same as the username.")
    return None
