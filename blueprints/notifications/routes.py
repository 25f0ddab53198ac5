from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.notifications import bp, operations
from blueprints.notifications.forms import MarkReadForm
from models.notification import KINDS, Notification
from studio.extensions import db
from studio.inputs import optional_id
from studio.labels import all_labels
from studio.listing import notification_filter, paginate_query
from studio.security import load_object, safe_next_url


@bp.route("/notifications")
@login_required
def index():
    """My notifications, newest first, by kind and read state, searched by subject or
    sender, 50 a page (studio/listing.py)."""
    flt = notification_filter()
    stmt = select(Notification).where(Notification.user_id == current_user.id)
    if flt.kind:
        stmt = stmt.where(Notification.kind == flt.kind)
    if flt.read:
        stmt = stmt.where(Notification.read_at.is_(None) if flt.read == "unread"
                          else Notification.read_at.is_not(None))
    if flt.q:
        stmt = stmt.where(Notification.subject.icontains(flt.q, autoescape=True)
                          | Notification.actor_name.icontains(flt.q, autoescape=True))
    page = paginate_query(db.session, stmt.order_by(Notification.created_at.desc(),
                                                    Notification.id.desc()),
                          flt.page, flt.params())
    return render_template("notifications/index.html", page=page, flt=flt, kinds=KINDS,
                           form=MarkReadForm(), **all_labels())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    """Mark one notification (and follow its link) or all of them as read."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    target = None
    notification_id = optional_id(form.notification_id.data)
    if notification_id is not None:
        target = load_object(Notification, notification_id, None, user_id=current_user.id)
    operations.mark_read(current_user, target)
    db.session.commit()
    if target is not None:
        return redirect(safe_next_url(target.link) or url_for("notifications.index"))
    return redirect(url_for("notifications.index"))
