from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.chat import bp, operations
from blueprints.chat.forms import SeminarForm
from models.chat import Seminar
from studio.errors import RuleError
from studio.extensions import db
from studio.security import load_object, load_studio, require


def _room_page(studio, seminar=None):
    room = operations.room_name(studio, seminar)
    history = operations.messages_before(room)
    return render_template("chat/room.html", studio=studio, seminar=seminar, room=room,
                           history=history, moderator=studio.can_moderate(current_user),
                           last_seq=history[-1].seq if history else 0)


@bp.route("/<int:studio_id>/live")
@login_required
def studio_room(studio_id):
    """The studio's live room: recent history is in the page; the socket brings the rest."""
    studio = load_studio(studio_id)
    return _room_page(studio)


@bp.route("/<int:studio_id>/seminars", methods=["GET", "POST"])
@login_required
def seminars(studio_id):
    studio = load_studio(studio_id)
    form = SeminarForm()
    if request.method == "POST":
        require(studio.can_moderate(current_user))
        if form.validate_on_submit():
            try:
                seminar = operations.create_seminar(studio, current_user, form.title.data,
                                                    form.description.data, form.starts_at.data)
                db.session.commit()
                return redirect(url_for("chat.seminar", studio_id=studio.id, seminar_id=seminar.id))
            except RuleError as error:
                db.session.rollback()
                form.title.errors.append(str(error.message))
    items = db.session.execute(select(Seminar).where(Seminar.studio_id == studio.id)
                               .order_by(Seminar.created_at.desc())).scalars().all()
    return render_template("chat/seminars.html", studio=studio, seminars=items, form=form), \
        (400 if request.method == "POST" else 200)


@bp.route("/<int:studio_id>/seminars/<int:seminar_id>")
@login_required
def seminar(studio_id, seminar_id):
    studio = load_studio(studio_id)
    return _room_page(studio, load_object(Seminar, seminar_id, studio_id=studio.id))
