from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.notifications import bp, operations
from blueprints.notifications.forms import MarkReadForm
from models.notification import Notification
from studio.extensions import db
from studio.inputs import optional_id
from studio.labels import all_labels
from studio.security import load_object, safe_next_url


@bp.route("/notifications")
@login_required
def index():
    items = db.session.execute(
        select(Notification).where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(100)).scalars().all()
    return render_template("notifications/index.html", items=items, form=MarkReadForm(),
                           **all_labels())


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
