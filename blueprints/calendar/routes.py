from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.activities.forms import NoFieldsForm
from blueprints.calendar import bp, operations
from models.calendar import CalendarFeed
from studio.dates import studio_today
from studio.extensions import db, limiter
from studio.labels import all_labels
from studio.security import load_studio


@bp.route("/studios/<int:studio_id>/calendar")
@login_required
def month(studio_id):
    """The month (a grid; a day-by-day list on a phone) or ``?view=list``: the activities and
    task due dates the viewer may see, mine marked."""
    studio = load_studio(studio_id)
    first = operations.parse_month(request.args.get("month", ""), studio)
    first_day, last_day = operations.month_bounds(first)
    items = operations.items_for(studio, current_user, first_day, last_day)
    by_day = {}
    for item in items:
        by_day.setdefault(item.day, []).append(item)
    view = "list" if request.args.get("view") == "list" else "month"
    return render_template(
        "calendar/month.html", studio=studio, first=first, items=items, by_day=by_day,
        weeks=operations.month_grid(first), view=view, today=studio_today(studio),
        previous=operations.shift_month(first, -1), next=operations.shift_month(first, 1),
        **all_labels())


@bp.route("/studios/<int:studio_id>/calendar/subscribe", methods=["GET", "POST"])
@login_required
def subscribe(studio_id):
    """订阅到手机日历: the secret address, shown once after it is made; 重新生成 makes a new
    one (the old one stops working)."""
    studio = load_studio(studio_id)
    form = NoFieldsForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        token = operations.subscribe(studio, current_user)
        db.session.commit()
        session["calendar_token"] = token
        flash(_("Your calendar address is ready. Copy it now: it is shown only once."), "success")
        return redirect(url_for("calendar.subscribe", studio_id=studio.id))
    token = session.pop("calendar_token", None)
    feed = CalendarFeed.of(studio, current_user)
    if feed is None or (token and CalendarFeed.for_token(token) is not feed):
        token = None
    https_url = url_for("calendar.feed", token=token, _external=True) if token else None
    webcal_url = "webcal://" + https_url.split("://", 1)[1] if https_url else None
    return render_template("calendar/subscribe.html", studio=studio, feed=feed, form=form,
                           https_url=https_url, webcal_url=webcal_url)


@bp.route("/studios/<int:studio_id>/calendar/unsubscribe", methods=["POST"])
@login_required
def unsubscribe(studio_id):
    """停止订阅: the address stops working."""
    studio = load_studio(studio_id)
    if not NoFieldsForm().validate_on_submit():
        abort(400)
    operations.unsubscribe(studio, current_user)
    db.session.commit()
    flash(_("The calendar subscription has been stopped; the old address no longer works."),
          "success")
    return redirect(url_for("calendar.subscribe", studio_id=studio.id))


@bp.route("/calendar/<token>.ics")
@limiter.limit(lambda: current_app.config["CALENDAR_FEED_LIMIT"])
def feed(token):
    """The member's feed, no login: the secret address is the key. Unknown or revoked: 404."""
    feed = CalendarFeed.for_token(token)
    if feed is None:
        abort(404)
    body = operations.feed_calendar(feed).to_ical()
    return body, 200, {"Content-Type": "text/calendar; charset=utf-8",
                       "Cache-Control": "private, max-age=900",
                       "Content-Disposition": 'inline; filename="calendar.ics"'}
