from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from blueprints.briefings import bp, operations
from blueprints.briefings.drafting import candidate_posts, excerpt
from blueprints.briefings.forms import ActionForm, BriefingForm, FromDataForm, ImageForm
from models.activity import Activity, ActivityPhoto
from models.briefing import Briefing, BriefingImage
from studio import storage
from studio.dates import studio_today
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import optional_id
from studio.labels import all_labels
from studio.security import load_object, load_studio, require


@bp.route("/<int:studio_id>/briefings")
@login_required
def index(studio_id):
    """Published briefings newest first (第N期); the master also sees the drafts."""
    studio = load_studio(studio_id)
    briefings = db.session.execute(
        Briefing.visible_to(studio, current_user).options(selectinload(Briefing.author))
        .order_by(Briefing.number.is_(None).desc(), Briefing.number.desc(),
                  Briefing.updated_at.desc())).scalars().all()
    return render_template("briefings/index.html", studio=studio, briefings=briefings,
                           required=studio.rules.briefings_required,
                           can_create=Briefing.can_create(studio, current_user),
                           **all_labels())


@bp.route("/<int:studio_id>/briefings/<int:briefing_id>")
@login_required
def show(studio_id, briefing_id):
    studio = load_studio(studio_id)
    briefing = load_object(Briefing, briefing_id, studio_id=studio.id)
    return render_template("briefings/show.html", studio=studio, briefing=briefing,
                           action_form=ActionForm(), **all_labels())


def _save(studio, form, briefing=None):
    fields = (form.title.data, form.body.data, form.period_start.data, form.period_end.data)
    if briefing is None:
        return operations.create_briefing(studio, current_user, *fields)
    operations.update_briefing(briefing, current_user, *fields)
    return briefing


def _form_page(studio, form, briefing=None):
    status = 400 if request.method == "POST" else 200
    return render_template("briefings/form.html", studio=studio, form=form, briefing=briefing,
                           image_form=ImageForm(), **all_labels()), status


@bp.route("/<int:studio_id>/briefings/new", methods=["GET", "POST"])
@login_required
def new(studio_id):
    studio = load_studio(studio_id)
    require(Briefing.can_create(studio, current_user))
    return _edit_or_create(studio, BriefingForm())


@bp.route("/<int:studio_id>/briefings/<int:briefing_id>/edit", methods=["GET", "POST"])
@login_required
def edit(studio_id, briefing_id):
    studio = load_studio(studio_id)
    briefing = load_object(Briefing, briefing_id, "can_edit", studio_id=studio.id)
    form = BriefingForm(obj=briefing if request.method == "GET" else None)
    return _edit_or_create(studio, form, briefing)


def _edit_or_create(studio, form, briefing=None):
    if form.validate_on_submit():
        try:
            briefing = _save(studio, form, briefing)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("briefings.show", studio_id=studio.id,
                                    briefing_id=briefing.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(str(error.message))
    return _form_page(studio, form, briefing)


@bp.route("/<int:studio_id>/briefings/<int:briefing_id>/delete", methods=["POST"])
@login_required
def delete(studio_id, briefing_id):
    studio = load_studio(studio_id)
    briefing = load_object(Briefing, briefing_id, "can_delete", studio_id=studio.id)
    require(ActionForm().validate_on_submit())
    operations.delete_draft(briefing, current_user)
    db.session.commit()
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("briefings.index", studio_id=studio.id))


@bp.route("/<int:studio_id>/briefings/<int:briefing_id>/publish", methods=["POST"])
@login_required
def publish(studio_id, briefing_id):
    studio = load_studio(studio_id)
    briefing = load_object(Briefing, briefing_id, "can_publish", studio_id=studio.id)
    require(ActionForm().validate_on_submit())
    operations.publish_briefing(briefing, current_user)
    db.session.commit()
    flash(_("Published as issue %(n)s; the members have been told.", n=briefing.number),
          "success")
    return redirect(url_for("briefings.show", studio_id=studio.id, briefing_id=briefing.id))


@bp.route("/<int:studio_id>/briefings/<int:briefing_id>/images", methods=["POST"])
@login_required
def upload_image(studio_id, briefing_id):
    """A picture for the editor: stored, its Markdown added to the end of the saved text
    (static/js/briefing.js puts it at the cursor instead and reads JSON back)."""
    studio = load_studio(studio_id)
    briefing = load_object(Briefing, briefing_id, "can_edit", studio_id=studio.id)
    form, stored = ImageForm(), []
    try:
        if not form.validate_on_submit():
            raise RuleError(_("The caption is at most 100 characters."))
        image = operations.add_image(briefing, current_user, form.image.data)
        stored.append(image.file)
        markdown = operations.image_markdown(briefing, image, form.caption.data)
        operations.update_briefing(briefing, current_user, briefing.title,
                                   (briefing.body + "\n\n" + markdown).strip(),
                                   briefing.period_start, briefing.period_end)
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        if _from_script():
            return {"error": str(error.message)}, 400
        flash(str(error.message), "error")
        return redirect(url_for("briefings.edit", studio_id=studio.id, briefing_id=briefing.id))
    if _from_script():
        return {"markdown": markdown}
    return redirect(url_for("briefings.edit", studio_id=studio.id, briefing_id=briefing.id))


def _from_script():
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@bp.route("/<int:studio_id>/briefings/<int:briefing_id>/images/<int:number>")
@login_required
def image(studio_id, briefing_id, number):
    """A picture of the briefing, to its readers only; Range requests get 206."""
    studio = load_studio(studio_id)
    briefing = load_object(Briefing, briefing_id, studio_id=studio.id)
    picture = db.session.execute(db.select(BriefingImage).where(
        BriefingImage.briefing_id == briefing.id, BriefingImage.number == number)).scalar()
    if picture is None:
        abort(404)
    return storage.send_stored(picture.file)


@bp.route("/<int:studio_id>/briefings/<int:briefing_id>/photos/<int:photo_id>")
@login_required
def photo(studio_id, briefing_id, photo_id):
    """An activity photo the briefing shows (drafted from data), to the briefing's readers
    (the office included), who may not be invited to the activity itself."""
    studio = load_studio(studio_id)
    briefing = load_object(Briefing, briefing_id, studio_id=studio.id)
    picture = db.session.get(ActivityPhoto, photo_id)
    shown = f'src="{operations.photo_url(briefing, photo_id)}"' in briefing.body_html
    if (picture is None or not shown
            or db.session.get(Activity, picture.activity_id).studio_id != studio.id):
        abort(404)
    return storage.send_stored(picture.stored)


@bp.route("/<int:studio_id>/briefings/from-data", methods=["GET", "POST"])
@login_required
def from_data(studio_id):
    """从数据起草: pick the period, then the posts to quote; the server writes the draft."""
    studio = load_studio(studio_id)
    require(Briefing.can_create(studio, current_user))
    form = (FromDataForm() if request.method == "POST"
            else FromDataForm(request.args, meta={"csrf": False}))
    target = _target(studio, form.briefing.data)
    if request.method == "POST" and form.validate():
        try:
            briefing = operations.draft_from_data(
                studio, current_user, form.period_start.data, form.period_end.data,
                form.post_ids(), target, form.confirm.data)
            db.session.commit()
            flash(_("The draft was written from the studio's data: please read and edit it."),
                  "success")
            return redirect(url_for("briefings.edit", studio_id=studio.id,
                                    briefing_id=briefing.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "period_start").errors.append(str(error.message))
    return _from_data_page(studio, form, target)


def _target(studio, value):
    """The draft whose text is to be replaced (None: a new draft)."""
    briefing_id = optional_id(value)
    if briefing_id is None:
        return None
    return load_object(Briefing, briefing_id, "can_publish", studio_id=studio.id)


def _from_data_page(studio, form, target):
    if request.method == "GET" and not request.args:
        today = studio_today(studio)
        form.period_end.data, form.period_start.data = today, today - timedelta(days=30)
    start, end = form.period_start.data, form.period_end.data
    posts = (candidate_posts(studio, start, end) if start and end and start <= end else None)
    status = 400 if request.method == "POST" else 200
    return render_template("briefings/from_data.html", studio=studio, form=form, posts=posts,
                           target=target, chosen=set(form.posts.data or []), excerpt=excerpt,
                           **all_labels()), status
