"""Study-activity operations: schedule, reply, decide leave, check in (rotating code or QR),
mark attendance by hand, check out, remove an attendance. Attendance credits the activity's
hours through ``credit_hours`` (source ``activity``, the attendance as source row); removing
it reverses them through ``reverse_credit`` with the reason.

The check-in code: six digits from an HMAC of the app's secret key, the activity id and the
30-second window it belongs to, so a code is worth nothing for another activity or a
minute later. The current window and the one before are accepted (someone typing while the
code turns). The QR code holds a signed token naming the activity and the window, checked
the same way.
"""
import calendar
import hashlib
import hmac
import re
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from blueprints.hours.operations import credit_hours, credit_of, hours_amount, reverse_credit
from blueprints.notifications.operations import notify
from blueprints.tasks.operations import audience_members
from models.activity import (KINDS, MODES, Activity, ActivityParticipant, ActivityPhoto,
                             ActivityRecord, Attendance)
from models.audit import record
from models.base import utcnow
from studio.dates import from_studio_time
from studio.errors import RuleError
from studio.extensions import db
from studio.markup import render_markdown

CODE_PERIOD = 30          # seconds a code is shown
MAX_HOURS = 100           # per activity; the form says the same
MAX_LENGTH = timedelta(hours=12)
_CODE = re.compile(r"[0-9]{6}")


# --- scheduling ----------------------------------------------------------------------------

def schedule_activity(studio, host, data, chosen_ids=()):
    """The master (any audience) or a backbone teacher (their mentees) schedules an activity.
    ``starts_at``/``ends_at`` are on the studio's clock, as typed in the form."""
    if not studio.can_set_tasks(host):
        raise RuleError(_l("Only the master and backbone teachers schedule activities."))
    if data["kind"] not in KINDS or data["mode"] not in MODES:
        raise RuleError(_l("Please choose the kind of activity and where it is held."), field="kind")
    starts_at = from_studio_time(data["starts_at"], studio)
    ends_at = from_studio_time(data["ends_at"], studio)
    if ends_at <= starts_at:
        raise RuleError(_l("The activity must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_LENGTH:
        raise RuleError(_l("An activity lasts at most 12 hours."), field="ends_at")
    place = (data.get("place") or "").strip()[:200]
    if data["mode"] == "on_site" and not place:
        raise RuleError(_l("Please enter where the activity takes place."), field="place")
    hours = hours_amount(data["hours"], field="hours")
    if hours < 0 or hours > MAX_HOURS:
        raise RuleError(_l("Study hours are between 0 and 100."), field="hours")
    share = data.get("presence_share", 80)
    if not isinstance(share, int) or not 1 <= share <= 100:
        raise RuleError(_l("Please enter a share between 1 and 100."), field="presence_share")
    members = audience_members(studio, host, data["audience"], data.get("audience_value", ""),
                               chosen_ids)
    activity = Activity(studio=studio, host_id=host.id, kind=data["kind"],
                        title=data["title"].strip()[:200], agenda=data.get("agenda") or "",
                        agenda_html=render_markdown(data.get("agenda") or ""),
                        starts_at=starts_at, ends_at=ends_at, mode=data["mode"],
                        place=place if data["mode"] == "on_site" else "", hours=float(hours),
                        presence_share=share, audience=data["audience"],
                        audience_value=data.get("audience_value") or "")
    db.session.add(activity)
    db.session.flush()
    db.session.add_all([ActivityParticipant(activity_id=activity.id, user_id=m.id) for m in members])
    notify(members, "activity_scheduled", activity, actor=host)
    record("activity_scheduled", actor=host, studio=studio, target=activity,
           detail=f"{len(members)}")
    return activity


# --- replies and leave ---------------------------------------------------------------------

def reply(activity, user, answer, reason=""):
    """参加 or 请假 (with a reason); a new answer replaces the previous one and a leave
    request waits for the host again."""
    if not activity.can_reply(user):
        raise RuleError(_l("The activity is over; answers are closed."))
    reason = (reason or "").strip()
    if answer not in ("attend", "leave"):
        raise RuleError(_l("Please choose attend or leave."), field="reply")
    if answer == "leave" and len(reason) < 2:
        raise RuleError(_l("Please write the reason for your leave."), field="reason")
    participant = activity.participant(user)
    participant.reply, participant.replied_at = answer, utcnow()
    participant.reason = reason[:500] if answer == "leave" else ""
    participant.leave_decision = "pending" if answer == "leave" else None
    participant.decided_by_id = participant.decided_at = None
    if answer == "leave":
        notify([activity.host], "leave_requested", activity, actor=user)
    return participant


def decide_leave(participant, actor, decision):
    if decision not in ("approved", "refused"):
        raise RuleError(_l("Please choose approve or refuse."), field="decision")
    if not participant.can_decide_leave(actor):
        raise RuleError(_l("There is no leave request waiting for a decision."))
    participant.leave_decision = decision
    participant.decided_by_id, participant.decided_at = actor.id, utcnow()
    record("leave_" + decision, actor=actor, studio=participant.activity.studio,
           target=participant.activity, detail=participant.user.username)
    notify([participant.user], "leave_decided", participant.activity, actor=actor)


# --- the rotating code ---------------------------------------------------------------------

def _window(now):
    return calendar.timegm(now.timetuple()) // CODE_PERIOD


def _code_for(activity, window):
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"activity-check-in:{activity.id}:{window}".encode(),
                      hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def current_code(activity, now=None):
    """(code, seconds until it changes) at ``now``."""
    now = now or utcnow()
    left = CODE_PERIOD - calendar.timegm(now.timetuple()) % CODE_PERIOD
    return _code_for(activity, _window(now)), left


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="activity-check-in")


def qr_token(activity, now=None):
    """The signed token of the QR code: the activity and the current window."""
    return _serializer().dumps({"a": activity.id, "w": _window(now or utcnow())})


def _fresh_windows(now):
    window = _window(now)
    return (window, window - 1)


def code_is_valid(activity, code, now=None):
    code = str(code or "")
    return any(hmac.compare_digest(code, _code_for(activity, w)) for w in _fresh_windows(now or utcnow()))


def token_is_valid(activity, token, now=None):
    try:
        data = _serializer().loads(str(token or ""))
    except BadSignature:
        return False
    return (isinstance(data, dict) and data.get("a") == activity.id
            and data.get("w") in _fresh_windows(now or utcnow()))


# --- attendance ----------------------------------------------------------------------------

def check_in(activity, user, code="", token="", now=None):
    """A member checks in on site with the code on the screen or the QR code: only invited
    members, only inside the window, only once, only with a fresh code of this activity."""
    now = now or utcnow()
    refusal = activity.check_in_refusal(user, now)
    if refusal is not None:
        raise RuleError(refusal)
    if token:
        if not token_is_valid(activity, token, now):
            raise RuleError(_l("This QR code has expired or belongs to another activity. "
                               "Please scan the code on the screen again."), field="code")
        method = "qr"
    else:
        code = re.sub(r"\s", "", str(code or ""))
        if not _CODE.fullmatch(code):
            raise RuleError(_l("Please enter the 6-digit code shown on the screen."), field="code")
        if not code_is_valid(activity, code, now):
            raise RuleError(_l("This code is not valid now. The code changes every 30 seconds: "
                               "please enter the one on the screen."), field="code")
        method = "code"
    return _attend(activity, user, method, actor=user, now=now)


def mark_attendance(activity, member, actor, reason):
    """The host marks a member present by hand, with a reason (audited)."""
    if not activity.can_manage(actor):
        raise RuleError(_l("Only the host marks attendance."))
    if member is None or activity.participant(member) is None:
        raise RuleError(_l("This person is not on the list of the activity."), field="user_id")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleError(_l("Please write the reason."), field="reason")
    attendance = _attend(activity, member, "manual", actor=actor, reason=reason)
    record("attendance_marked", actor=actor, studio=activity.studio, target=attendance,
           detail=f"{member.username}: {reason}")
    return attendance


def _attend(activity, member, method, actor, reason="", now=None):
    attendance = Attendance(activity_id=activity.id, user_id=member.id, method=method,
                            reason=reason[:500], checked_in_at=now or utcnow(),
                            recorded_by_id=actor.id)
    try:
        with db.session.begin_nested():   # a second phone, a double click, another process
            db.session.add(attendance)
    except IntegrityError:
        raise RuleError(_l("%(name)s has already checked in to this activity.",
                           name=member.name)) from None
    if activity.hours:
        credit_hours(member, activity.hours, "activity", actor, studio=activity.studio,
                     source_row=attendance, reason=activity.title)
    return attendance


def check_out(attendance, actor):
    if not attendance.can_change(actor):
        raise RuleError(_l("This attendance cannot be changed."))
    if attendance.checked_out_at is None:
        attendance.checked_out_at = utcnow()
        record("attendance_checked_out", actor=actor, studio=attendance.activity.studio,
               target=attendance, detail=attendance.user.username)
    return attendance


def remove_attendance(attendance, actor, reason):
    """The host removes an attendance with a reason: the row stays (who, when, why) and the
    hours it credited are taken back in the ledger with that reason."""
    if not attendance.can_change(actor):
        raise RuleError(_l("This attendance cannot be changed."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleError(_l("Please write the reason."), field="reason")
    attendance.removed_at, attendance.removed_by_id = utcnow(), actor.id
    attendance.remove_reason = reason[:500]
    activity = attendance.activity
    reverse_credit(credit_of("activity", attendance, attendance.user), actor,
                   f"{activity.title}: {reason}")
    record("attendance_removed", actor=actor, studio=activity.studio, target=attendance,
           detail=f"{attendance.user.username}: {reason}")


# --- figures -------------------------------------------------------------------------------

def attendance_rows(activity):
    """Each participant with their current attendance, and the figures: invited, present,
    excused (approved leave, not present), absent, and the rate over those not excused."""
    from sqlalchemy import select
    current = {a.user_id: a for a in db.session.execute(select(Attendance).where(
        Attendance.activity_id == activity.id, Attendance.removed_at.is_(None))).scalars()}
    rows = sorted(activity.participants, key=lambda p: p.user.username)
    present = sum(1 for p in rows if p.user_id in current)
    excused = sum(1 for p in rows if p.excused and p.user_id not in current)
    expected = len(rows) - excused
    figures = {"invited": len(rows), "present": present, "excused": excused,
               "absent": expected - present,
               "rate": round(100 * present / expected) if expected else None}
    return [(p, current.get(p.user_id)) for p in rows], figures


# --- the record (活动纪要) -------------------------------------------------------------------

MAX_RECORD = 20000


def write_record(activity, actor, body, photo=None):
    """The host saves the record: a new version (Markdown, sanitized when rendered) if the
    text changed, and a photo if one came (checked by its bytes, size-limited). Audited."""
    from studio import storage
    if not activity.can_write_record(actor):
        raise RuleError(_l("Only the host writes the record, once the activity has started."))
    body = (body or "").strip()
    if len(body) > MAX_RECORD:
        raise RuleError(_l("The record is at most 20000 characters."), field="body")
    latest = ActivityRecord.latest(activity)
    if not body and latest is None and photo is None:
        raise RuleError(_l("Please write the record or add a photo."), field="body")
    added = None
    if photo is not None:   # checked first: a refused photo leaves nothing written
        stored = storage.store_upload(photo, "image", actor,
                                      limit=current_app.config["MAX_PHOTO_BYTES"])
        db.session.flush()
        added = ActivityPhoto(activity_id=activity.id, stored_file_id=stored.id,
                              uploaded_by_id=actor.id)
        db.session.add(added)
    changed = body and (latest is None or latest.body != body)
    if changed:
        db.session.add(ActivityRecord(
            activity_id=activity.id, number=(latest.number + 1) if latest else 1, body=body,
            body_html=render_markdown(body), author_id=actor.id))
    record("activity_record_saved", actor=actor, studio=activity.studio, target=activity,
           detail=f"text={'changed' if changed else 'same'} photo={'added' if added else 'none'}")
    return added


def set_presence_share(activity, actor, share):
    """The host changes the share of the duration that credits online attendance (audited);
    attendances already recorded stay."""
    if not activity.can_count_presence(actor):
        raise RuleError(_l("Only the host of an online activity sets its attendance rule."))
    if not isinstance(share, int) or not 1 <= share <= 100:
        raise RuleError(_l("Please enter a share between 1 and 100."), field="presence_share")
    if share != activity.presence_share:
        record("presence_share_changed", actor=actor, studio=activity.studio, target=activity,
               detail=f"{activity.presence_share} -> {share}")
        activity.presence_share = share
