from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.activities import bp, operations, presence
from blueprints.activities.forms import (ActivityForm, CheckInForm, DecideLeaveForm,
                                         MarkAttendanceForm, NoFieldsForm, PresenceShareForm,
                                         ReasonForm, RecordForm, ReplyForm)
from models import User
from models.activity import (Activity, ActivityParticipant, ActivityPhoto, ActivityRecord,
                             Attendance)
from models.studio import Roster
from models.thread import Thread
from studio.dates import studio_now
from studio.errors import RuleError
from studio.extensions import db, limiter
from studio.inputs import parse_id
from studio.labels import all_labels
from studio.security import load_object, load_studio


def _load(studio_id, activity_id, check="can_view"):
    studio = load_studio(studio_id)
    return studio, load_object(Activity, activity_id, check, studio_id=studio.id)


@bp.route("/<int:studio_id>/activities")
@login_required
def index(studio_id):
    """The activities the user may see (``Activity.visible_to``), coming ones first."""
    studio = load_studio(studio_id)
    activities = db.session.execute(Activity.visible_to(studio, current_user)
                                    .order_by(Activity.starts_at.desc())).scalars().all()
    mine = {p.activity_id: p for p in db.session.execute(db.select(ActivityParticipant).where(
        ActivityParticipant.user_id == current_user.id,
        ActivityParticipant.activity_id.in_([a.id for a in activities]))).scalars()}
    return render_template("activities/index.html", studio=studio, activities=activities,
                           mine=mine, now=studio_now(studio).replace(tzinfo=None),
                           can_schedule=studio.can_set_tasks(current_user), **all_labels())


@bp.route("/<int:studio_id>/activities/new", methods=["GET", "POST"])
@login_required
def new(studio_id):
    studio = load_studio(studio_id, "can_set_tasks")
    form = ActivityForm()
    form.set_audience_choices(studio, current_user, Roster(studio))
    if form.validate_on_submit():
        try:
            activity = operations.schedule_activity(studio, current_user, form.data_for_activity(),
                                                    chosen_ids=form.members.data)
            db.session.commit()
            flash(_("The activity has been scheduled; %(n)s members were invited.",
                    n=len(activity.participants)), "success")
            return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(str(error.message))
    return render_template("activities/new.html", studio=studio, form=form, **all_labels()), \
        (400 if request.method == "POST" else 200)


def _show(studio, activity, status=200, check_in_form=None, reply_form=None, mark_form=None):
    manage = activity.can_manage(current_user)
    rows, figures = operations.attendance_rows(activity)
    if mark_form is None:
        mark_form = MarkAttendanceForm()
    mark_form.user_id.choices = [(str(p.user_id), p.user.name) for p, present in rows
                                 if present is None]
    return render_template(
        "activities/show.html", studio=studio, activity=activity, manage=manage,
        mine=activity.participant(current_user), my_attendance=Attendance.current(activity, current_user),
        rows=rows if manage or activity.is_followed_by(current_user) else None, figures=figures,
        reply_form=reply_form or ReplyForm(), check_in_form=check_in_form or CheckInForm(),
        mark_form=mark_form, decide_form=DecideLeaveForm(), reason_form=ReasonForm(),
        plain_form=NoFieldsForm(), discussion=Thread.about(activity),
        minutes=presence.minutes_present(activity) if manage and activity.mode == "online" else None,
        record=ActivityRecord.latest(activity), photos=_photos(activity),
        share_form=PresenceShareForm(presence_share=activity.presence_share),
        **all_labels()), status


@bp.route("/<int:studio_id>/activities/<int:activity_id>")
@login_required
def show(studio_id, activity_id):
    studio, activity = _load(studio_id, activity_id)
    return _show(studio, activity)


@bp.route("/<int:studio_id>/activities/<int:activity_id>/reply", methods=["POST"])
@login_required
def reply(studio_id, activity_id):
    studio, activity = _load(studio_id, activity_id, "can_reply")
    form = ReplyForm()
    if not form.validate_on_submit():
        raise RuleError(_("Please choose attend or leave."), field="reply")
    try:
        operations.reply(activity, current_user, form.reply.data, form.reason.data)
    except RuleError as error:
        db.session.rollback()
        getattr(form, error.field or "reply").errors.append(str(error.message))
        return _show(studio, activity, 400 if error.field else 409, reply_form=form)
    db.session.commit()
    flash(_("Your answer has been saved."), "success")
    return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id))


@bp.route("/<int:studio_id>/activities/<int:activity_id>/leave/<int:participant_id>",
          methods=["POST"])
@login_required
def decide_leave(studio_id, activity_id, participant_id):
    studio, activity = _load(studio_id, activity_id)
    participant = load_object(ActivityParticipant, participant_id, "can_decide_leave",
                              activity_id=activity.id)
    form = DecideLeaveForm()
    if not form.validate_on_submit():
        raise RuleError(_("Please choose approve or refuse."), field="decision")
    operations.decide_leave(participant, current_user, form.decision.data)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id))


@bp.route("/<int:studio_id>/activities/<int:activity_id>/projector")
@login_required
def projector(studio_id, activity_id):
    """The host's screen for the room: the code and QR code, renewed every 30 seconds by
    static/js/projector.js from ``code``."""
    studio, activity = _load(studio_id, activity_id, "can_show_code")
    return render_template("activities/projector.html", studio=studio, activity=activity,
                           **_code_payload(studio, activity))


@bp.route("/<int:studio_id>/activities/<int:activity_id>/code")
@login_required
def code(studio_id, activity_id):
    studio, activity = _load(studio_id, activity_id, "can_show_code")
    response = jsonify(_code_payload(studio, activity))
    response.headers["Cache-Control"] = "no-store"
    return response


def _code_payload(studio, activity):
    import segno
    code, left = operations.current_code(activity)
    url = url_for("activities.check_in", studio_id=studio.id, activity_id=activity.id,
                  t=operations.qr_token(activity), _external=True)
    qr = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
    present = db.session.execute(db.select(db.func.count()).select_from(Attendance).where(
        Attendance.activity_id == activity.id, Attendance.removed_at.is_(None))).scalar_one()
    return {"code": code, "seconds_left": left, "qr": qr, "url": url,
            "present": _("%(n)s checked in", n=present)}


@bp.route("/<int:studio_id>/activities/<int:activity_id>/check-in", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per minute", methods=["POST"], key_func=lambda: f"check-in:{current_user.id}",
               deduct_when=lambda response: response.status_code >= 400)
def check_in(studio_id, activity_id):
    """GET: the page a scanned QR code opens (a button to confirm). POST: check in with the
    code on the screen or the QR code's token."""
    studio, activity = _load(studio_id, activity_id)
    form = CheckInForm()
    if request.method == "GET":
        form.token.data = request.args.get("t", "")[:500]
        return render_template("activities/check_in.html", studio=studio, activity=activity,
                               form=form, refusal=activity.check_in_refusal(current_user),
                               **all_labels())
    if not form.validate_on_submit():
        raise RuleError(_("Please enter the 6-digit code shown on the screen."), field="code")
    try:
        operations.check_in(activity, current_user, form.code.data, form.token.data)
    except RuleError as error:
        db.session.rollback()
        form.code.errors.append(str(error.message))
        return _show(studio, activity, 400 if error.field else 409, check_in_form=form)
    db.session.commit()
    flash(_("You have checked in. Welcome!"), "success")
    return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id))


@bp.route("/<int:studio_id>/activities/<int:activity_id>/attendance", methods=["POST"])
@login_required
def mark(studio_id, activity_id):
    studio, activity = _load(studio_id, activity_id, "can_manage")
    form = MarkAttendanceForm()
    if not form.validate_on_submit():
        raise RuleError(_("Please choose a member."), field="user_id")
    member_id = parse_id(form.user_id.data)
    member = db.session.get(User, member_id) if member_id is not None else None
    try:
        operations.mark_attendance(activity, member, current_user, form.reason.data)
    except RuleError as error:
        db.session.rollback()
        getattr(form, error.field or "user_id").errors.append(str(error.message))
        return _show(studio, activity, 400 if error.field else 409, mark_form=form)
    db.session.commit()
    flash(_("Attendance recorded."), "success")
    return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id))


@bp.route("/<int:studio_id>/activities/<int:activity_id>/attendance/<int:attendance_id>/check-out",
          methods=["POST"])
@login_required
def check_out(studio_id, activity_id, attendance_id):
    studio, activity = _load(studio_id, activity_id)
    attendance = load_object(Attendance, attendance_id, "can_change", activity_id=activity.id)
    if not NoFieldsForm().validate_on_submit():
        raise RuleError(_("The form has expired. Please reload the page."))
    operations.check_out(attendance, current_user)
    db.session.commit()
    flash(_("Checked out."), "success")
    return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id))


@bp.route("/<int:studio_id>/activities/<int:activity_id>/attendance/<int:attendance_id>/remove",
          methods=["POST"])
@login_required
def remove(studio_id, activity_id, attendance_id):
    studio, activity = _load(studio_id, activity_id)
    attendance = load_object(Attendance, attendance_id, "can_change", activity_id=activity.id)
    form = ReasonForm()
    if not form.validate_on_submit():
        raise RuleError(_("Please write the reason."), field="reason")
    operations.remove_attendance(attendance, current_user, form.reason.data)
    db.session.commit()
    flash(_("The attendance has been removed and its hours taken back."), "success")
    return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id))


@bp.route("/<int:studio_id>/activities/<int:activity_id>/count-presence", methods=["POST"])
@login_required
def count_presence(studio_id, activity_id):
    """The host counts online attendance now: everyone whose time in the live room reached
    the share is credited (once)."""
    studio, activity = _load(studio_id, activity_id, "can_count_presence")
    if not NoFieldsForm().validate_on_submit():
        raise RuleError(_("The form has expired. Please reload the page."))
    recorded = presence.evaluate_activity(activity)
    db.session.commit()
    flash(_("Online attendance counted: %(n)s more members present.", n=len(recorded)), "success")
    return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id)
                    + "#attendance")


def _photos(activity):
    return db.session.execute(db.select(ActivityPhoto).where(
        ActivityPhoto.activity_id == activity.id).order_by(ActivityPhoto.id)).scalars().all()


@bp.route("/<int:studio_id>/activities/<int:activity_id>/record", methods=["GET", "POST"])
@login_required
def record(studio_id, activity_id):
    """The host writes the record (活动纪要) in Markdown and adds photos; each changed text is
    a new version."""
    studio, activity = _load(studio_id, activity_id, "can_write_record")
    form = RecordForm()
    latest = ActivityRecord.latest(activity)
    if request.method == "GET" and latest is not None:
        form.body.data = latest.body
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            photo = form.photo.data if getattr(form.photo.data, "filename", "") else None
            try:
                operations.write_record(activity, current_user, form.body.data, photo)
                db.session.commit()
                flash(_("The record has been saved."), "success")
                return redirect(url_for("activities.show", studio_id=studio.id,
                                        activity_id=activity.id) + "#record")
            except RuleError as error:   # bad text or not a photo: what was typed stays
                db.session.rollback()
                (form.body if error.field == "body" else form.photo).errors = [str(error.message)]
    versions = db.session.execute(db.select(ActivityRecord).where(
        ActivityRecord.activity_id == activity.id).order_by(ActivityRecord.number.desc())
    ).scalars().all()
    return render_template("activities/record.html", studio=studio, activity=activity, form=form,
                           versions=versions, photos=_photos(activity)), status


@bp.route("/<int:studio_id>/activities/<int:activity_id>/photos/<int:photo_id>")
@login_required
def photo(studio_id, activity_id, photo_id):
    """A photo of the record, to those who may see the activity."""
    from studio import storage
    _studio, activity = _load(studio_id, activity_id)
    photo = db.session.get(ActivityPhoto, photo_id)
    if photo is None or photo.activity_id != activity.id:
        abort(404)
    return storage.send_stored(photo.stored)


@bp.route("/<int:studio_id>/activities/<int:activity_id>/presence-share", methods=["POST"])
@login_required
def presence_share(studio_id, activity_id):
    """The host changes the share of the duration in the live room that counts as present."""
    studio, activity = _load(studio_id, activity_id, "can_count_presence")
    form = PresenceShareForm()
    if not form.validate_on_submit():
        raise RuleError(_("Please enter a share between 1 and 100."), field="presence_share")
    operations.set_presence_share(activity, current_user, form.presence_share.data)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("activities.show", studio_id=studio.id, activity_id=activity.id)
                    + "#attendance")
