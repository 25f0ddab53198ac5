"""Watch time that cannot be skipped through: the server's rules for a lecture's progress.

The player reports "since my last report I played continuously from second ``from`` to
second ``to``" (``report_watch``). The server trusts nothing but its own clock:

- a viewing session (``start_watch``) has a random token; a second tab or device starting one
  takes over, and the first one's reports are refused (409);
- reports are numbered; a number not above the last accepted one is a replay (409);
- a report covering more video than the time since the previous report allows, even at the
  fastest playback rate a browser offers (16×), is a forged jump (422): nothing is credited;
- of what was played, only seconds not yet covered are credited, and at most as many as the
  session's time allows at ``MAX_CREDITED_RATE``; only the first credited part of the played
  range is marked covered, so what was played too fast can be watched again later;
- a seek is the player's business: it reports up to where it was, then continues from the
  new position, so the skipped part is never inside a report.

The pure functions below hold the arithmetic; ``start_watch`` and ``report_watch`` apply it
to a ``ModuleProgress`` row and complete the module through ``operations.complete_module``.
"""
import math
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.courses.operations import complete_module, progress_for
from models.base import utcnow
from models.course import COMPLETE_SHARE, MAX_CREDITED_RATE, ModuleProgress
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import MAX_ID

FASTEST_PLAYBACK_RATE = 16.0   # the fastest rate a browser's <video> plays at
SLACK_SECONDS = 2.0            # network and timer jitter allowed on every bound
END_SLACK_SECONDS = 1.0        # a report may end this far past the known duration
MAX_TOKEN_LENGTH = 64

SUPERSEDED = _l("This course is playing in another window or on another device; watching in "
                "this window does not count towards your hours.")
FORGED = _l("Irregular progress: skipped or fast-forwarded parts do not count towards your "
            "hours.")


class WatchRefused(RuleError):
    """A refused report: ``status`` is the HTTP status the route answers with."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


# --- pure functions: ranges and bounds ------------------------------------------------------
def merge_ranges(ranges):
    """``ranges`` ([start, end] pairs) sorted and merged where they touch or overlap."""
    merged = []
    for start, end in sorted((float(a), float(b)) for a, b in ranges if b > a):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def covered_length(ranges):
    """The seconds the merged ``ranges`` cover."""
    return sum(end - start for start, end in merge_ranges(ranges))


def uncovered_parts(ranges, start, end):
    """The pieces of [start, end] that ``ranges`` do not cover, in playing order."""
    pieces, cursor = [], start
    for a, b in merge_ranges(ranges):
        if b <= cursor:
            continue
        if a >= end:
            break
        if a > cursor:
            pieces.append([cursor, a])
        cursor = max(cursor, b)
    if cursor < end:
        pieces.append([cursor, end])
    return pieces


def take_seconds(pieces, seconds):
    """The first ``seconds`` of ``pieces`` (in playing order): the part that is credited."""
    taken = []
    for start, end in pieces:
        if seconds <= 0:
            break
        stop = min(end, start + seconds)
        taken.append([start, stop])
        seconds -= stop - start
    return taken


def is_forged_jump(played, elapsed):
    """More video in one report than ``elapsed`` real seconds can play at the fastest rate."""
    return played > elapsed * FASTEST_PLAYBACK_RATE + SLACK_SECONDS


def session_budget(elapsed_in_session, credited_so_far):
    """The seconds a session may still credit: its time at ``MAX_CREDITED_RATE`` (plus the
    slack) less what it has credited already."""
    return max(0.0, elapsed_in_session * MAX_CREDITED_RATE + SLACK_SECONDS - credited_so_far)


def seconds_between(earlier, later):
    return max(0.0, (later - earlier).total_seconds()) if earlier else 0.0


def _number(value):
    """A finite, non-negative JSON number as a float, else None (bools, strings, NaN, inf,
    numbers too large for a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and abs(value) > 10 ** 9:
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def parse_report(data, duration):
    """The report's (token, seq, from, to), or ``WatchRefused`` 400/409 for a malformed one."""
    if not isinstance(data, dict):
        raise WatchRefused(_l("The progress report is not valid."), 400)
    token = data.get("token")
    if token is None or token == "":
        raise WatchRefused(SUPERSEDED, 409)
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise WatchRefused(_l("The progress report is not valid."), 400)
    seq = data.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_ID:
        raise WatchRefused(_l("The progress report's number is not valid."), 400)
    start, end = _number(data.get("from")), _number(data.get("to"))
    if start is None or end is None or start > end or end > duration + END_SLACK_SECONDS:
        raise WatchRefused(_l("The played range of the progress report is not valid."), 400)
    return token, seq, start, min(end, duration)


# --- operations ------------------------------------------------------------------------------
def lecture_state(module, progress):
    """What the player and the page show: position, covered seconds, percent, complete."""
    duration = float(module.duration_seconds or 0)
    covered = progress.covered_seconds if progress else 0.0
    return {"position": round(progress.position if progress else 0.0, 2),
            "covered_seconds": round(covered, 1), "duration": duration,
            "percent": min(100, int(covered * 100 // duration)) if duration else 0,
            "needed_seconds": round(max(0.0, COMPLETE_SHARE * duration - covered), 1),
            "complete": bool(progress and progress.is_complete)}


def _locked_progress(module, user):
    """The learner's progress row, locked until the commit (two reports at once on
    PostgreSQL are applied one after the other)."""
    return db.session.execute(select(ModuleProgress).where(
        ModuleProgress.module_id == module.id, ModuleProgress.user_id == user.id)
        .with_for_update()).scalar_one_or_none()


def start_watch(module, user, studio, now=None):
    """Start a viewing session: a new token replaces any other tab's. Returns the token and
    the lecture's state (the resume position among it)."""
    if not module.duration_seconds:
        raise WatchRefused(_l("This lecture's duration is not known yet; it cannot be "
                              "studied."), 409)
    progress_for(module, user, studio)
    progress = _locked_progress(module, user)
    progress.watch_token = secrets.token_urlsafe(32)
    progress.watch_started_at = progress.last_report_at = now or utcnow()
    progress.watch_seq, progress.watch_credited = 0, 0.0
    return dict(lecture_state(module, progress), token=progress.watch_token)


def report_watch(module, user, studio, data, now=None):
    """Apply one progress report (see the module docstring). Returns the lecture's state with
    ``credited`` (seconds) and ``completed`` (this report completed the module). A refused
    report raises ``WatchRefused``; only a forged jump keeps a change: the session's anchor
    moves, so the honest play that follows is measured from now."""
    now = now or utcnow()
    duration = float(module.duration_seconds or 0)
    token, seq, start, end = parse_report(data, duration)
    progress = _locked_progress(module, user)
    if progress is None or progress.watch_token is None or not secrets.compare_digest(
            progress.watch_token.encode(), token.encode()):
        raise WatchRefused(SUPERSEDED, 409)
    if seq <= progress.watch_seq:
        raise WatchRefused(_l("This progress report was already received."), 409)
    elapsed = seconds_between(progress.last_report_at or progress.watch_started_at, now)
    if is_forged_jump(end - start, elapsed):
        progress.last_report_at, progress.watch_seq = now, seq
        raise WatchRefused(FORGED, 422)
    credited = 0.0
    if not progress.is_complete:
        pieces = uncovered_parts(progress.covered or [], start, end)
        budget = session_budget(seconds_between(progress.watch_started_at, now),
                                progress.watch_credited)
        credited = min(sum(b - a for a, b in pieces), budget)
        progress.covered = merge_ranges((progress.covered or []) + take_seconds(pieces, credited))
        progress.covered_seconds = covered_length(progress.covered)
        progress.watch_credited += credited
    progress.watch_seq, progress.last_report_at, progress.position = seq, now, end
    completed = (not progress.is_complete
                 and progress.covered_seconds >= COMPLETE_SHARE * duration
                 and complete_module(progress, studio))
    return dict(lecture_state(module, progress), credited=round(credited, 2),
                completed=bool(completed), hours=module.hours)


# --- readings: their minimum time cannot be skipped either --------------------------------
def reading_state(module, progress, now=None):
    """A reading's seconds left before it can be finished (None before it was opened)."""
    if progress is None or progress.opened_at is None:
        return {"opened": False, "seconds_left": module.min_seconds,
                "complete": bool(progress and progress.is_complete)}
    left = max(0, math.ceil(module.min_seconds - seconds_between(progress.opened_at,
                                                                  now or utcnow())))
    return {"opened": True, "seconds_left": left, "complete": progress.is_complete}


def open_reading(module, user, studio, now=None):
    """The learner opened the reading: its minimum time starts (once)."""
    progress = progress_for(module, user, studio)
    if progress.opened_at is None:
        progress.opened_at = now or utcnow()
    return progress


def finish_reading(module, user, studio, now=None):
    """Complete the reading through ``complete_module`` once it has been open for its
    minimum time; earlier, a ``RuleError`` says how many minutes are left."""
    progress = progress_for(module, user, studio)
    if progress.is_complete:
        raise RuleError(_l("You have already completed this reading."))
    if progress.opened_at is None:
        raise RuleError(_l("Please open the reading first."))
    left = reading_state(module, progress, now)["seconds_left"]
    if left > 0:
        raise RuleError(_l("Please keep reading: %(n)s more minute(s) before it can be "
                           "finished. Nothing has been credited yet.", n=math.ceil(left / 60)))
    complete_module(progress, studio)
    return progress
