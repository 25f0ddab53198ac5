from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from blueprints.chat import bp, operations
from models.activity import Activity
from studio.security import load_object, load_studio


def _room_page(studio, activity=None):
    room = operations.room_name(studio, activity)
    history = operations.messages_before(room)
    return render_template("chat/room.html", studio=studio, activity=activity, room=room,
                           history=history, moderator=studio.can_moderate(current_user),
                           last_seq=history[-1].seq if history else 0)


@bp.route("/<int:studio_id>/live")
@login_required
def studio_room(studio_id):
    """The studio's live room: recent history is in the page; the socket brings the rest."""
    studio = load_studio(studio_id)
    return _room_page(studio)


@bp.route("/<int:studio_id>/activities/<int:activity_id>/live")
@login_required
def activity_room(studio_id, activity_id):
    """An online activity's own live room, for those who may see the activity."""
    studio = load_studio(studio_id)
    activity = load_object(Activity, activity_id, studio_id=studio.id)
    if activity.mode != "online":
        abort(404)
    return _room_page(studio, activity)


# The seminars of earlier versions are activities of kind 专题研讨 now, with the same ids.
@bp.route("/<int:studio_id>/seminars")
@login_required
def seminars(studio_id):
    return redirect(url_for("activities.index", studio_id=studio_id), 301)


@bp.route("/<int:studio_id>/seminars/<int:seminar_id>")
@login_required
def seminar(studio_id, seminar_id):
    return redirect(url_for("chat.activity_room", studio_id=studio_id, activity_id=seminar_id), 301)
