"""Account operations. They change data and add audit rows; the route commits."""
from models.audit import record
from models.base import utcnow


def note_login(user):
    user.last_login_at = utcnow()
    record("login", actor=user, target=user)


def end_all_sessions(user, reason="logout"):
    """Rotate the session token: every existing session cookie of the user stops working,
    and, once that is saved, their open live-discussion sockets are closed."""
    from studio.realtime import call_after_commit, end_sessions
    user.rotate_session_token()
    call_after_commit(end_sessions, user.id, reason)


def change_password(user, new_password, actor=None):
    user.set_password(new_password)
    user.must_change_password = False
    end_all_sessions(user)
    record("password_changed", actor=actor or user, target=user)


def set_initial_password(user, password, actor):
    """An admin sets a password the user must replace at their next login."""
    user.set_password(password)
    user.must_change_password = True
    end_all_sessions(user)
    record("password_reset", actor=actor, target=user)


def set_active(user, active, actor):
    user.active = active
    end_all_sessions(user)
    record("account_activated" if active else "account_deactivated", actor=actor, target=user)
