"""Work-briefing operations: write, correct, delete a draft, publish (the number is given
then), add a picture. Each checks its ``can_*`` predicate, audits, and never commits (the
route does, once)."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.notifications.operations import notify
from models.audit import record
from models.base import utcnow
from models.briefing import Briefing, BriefingImage
from models.studio import Membership, Studio
from studio import storage
from studio.errors import RuleError
from studio.extensions import db
from studio.markup import render_markdown

MAX_BODY = 50000
MAX_TITLE = 200


def _set_text(briefing, title, body):
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise RuleError(_l("Please enter a title."), field="title")
    if len(title) > MAX_TITLE:
        raise RuleError(_l("The title is at most 200 characters."), field="title")
    if len(body) > MAX_BODY:
        raise RuleError(_l("The briefing is at most 50000 characters."), field="body")
    briefing.title, briefing.body = title, body
    briefing.body_html = render_markdown(body, images=True)


def _set_period(briefing, start, end):
    if start and end and end < start:
        raise RuleError(_l("The end of the period comes before its start."), field="period_end")
    briefing.period_start, briefing.period_end = start, end


def create_briefing(studio, actor, title, body, start=None, end=None):
    if not Briefing.can_create(studio, actor):
        raise RuleError(_l("Only the master writes the studio's briefings."))
    briefing = Briefing(studio=studio, author_id=actor.id, state="draft")
    _set_text(briefing, title, body)
    _set_period(briefing, start, end)
    db.session.add(briefing)
    db.session.flush()
    record("briefing.created", actor, studio, briefing, briefing.title)
    return briefing


def update_briefing(briefing, actor, title, body, start=None, end=None):
    """The master edits a draft, or corrects a published briefing (its number stays)."""
    if not briefing.can_edit(actor):
        raise RuleError(_l("Only the master edits the studio's briefings."))
    _set_text(briefing, title, body)
    _set_period(briefing, start, end)
    briefing.updated_at = utcnow()
    action = "briefing.corrected" if briefing.is_published else "briefing.updated"
    record(action, actor, briefing.studio, briefing, briefing.title)


def delete_draft(briefing, actor):
    if not briefing.can_delete(actor):
        raise RuleError(_l("A published briefing is an official record and is not deleted."))
    record("briefing.deleted", actor, briefing.studio, briefing, briefing.title)
    db.session.delete(briefing)


def next_number(studio):
    return (db.session.execute(select(func.max(Briefing.number))
                               .where(Briefing.studio_id == studio.id)).scalar() or 0) + 1


def publish_briefing(briefing, actor):
    """Give the next number of the studio (第N期) and publish. The studio row is locked
    (PostgreSQL) so two publishes at once take turns; the unique (studio, number) is the
    last guard. Members are told."""
    if not briefing.can_publish(actor):
        raise RuleError(_l("Only the master publishes a draft briefing."))
    db.session.execute(select(Studio.id).where(Studio.id == briefing.studio_id)
                       .with_for_update())
    briefing.number = next_number(briefing.studio)
    briefing.state, briefing.published_at = "published", utcnow()
    db.session.flush()
    record("briefing.published", actor, briefing.studio, briefing,
           f"{briefing.number}: {briefing.title}")
    notify(_members(briefing.studio), "briefing_published", briefing, actor=actor)
    return briefing


def _members(studio):
    from models.user import User
    return db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.studio_id == studio.id, Membership.active.is_(True))).scalars().all()


def add_image(briefing, actor, upload):
    """Store an uploaded picture (JPEG/PNG/WebP by content, size-limited) as the briefing's
    next image; returns it (its Markdown is ``image_markdown``)."""
    if not briefing.can_edit(actor):
        raise RuleError(_l("Only the master adds pictures to a briefing."))
    if upload is None or not getattr(upload, "filename", ""):
        raise RuleError(_l("Please choose a picture to upload."), field="image")
    stored = storage.store_upload(upload, "image", actor,
                                  limit=current_app.config["MAX_PHOTO_BYTES"])
    db.session.flush()
    number = (db.session.execute(select(func.max(BriefingImage.number)).where(
        BriefingImage.briefing_id == briefing.id)).scalar() or 0) + 1
    image = BriefingImage(briefing_id=briefing.id, number=number, stored_file_id=stored.id,
                          uploaded_by_id=actor.id)
    db.session.add(image)
    db.session.flush()
    record("briefing.image_added", actor, briefing.studio, briefing, stored.original_name)
    return image


def image_url(briefing, number):
    return f"/studios/{briefing.studio_id}/briefings/{briefing.id}/images/{number}"


def photo_url(briefing, photo_id):
    return f"/studios/{briefing.studio_id}/briefings/{briefing.id}/photos/{photo_id}"


def image_markdown(briefing, image, caption):
    caption = " ".join((caption or "").replace("[", "").replace("]", "").split())[:100]
    return f"![{caption}]({image_url(briefing, image.number)})"


def draft_from_data(studio, actor, start, end, post_ids, target=None, confirm=False):
    """从数据起草: a new draft (or, once confirmed, the current draft's text replaced) built
    from the studio's data in the period and the posts the master picked."""
    from flask_babel import gettext as _

    from blueprints.briefings import drafting
    if not Briefing.can_create(studio, actor):
        raise RuleError(_l("Only the master drafts the studio's briefings."))
    if start is None or end is None:
        raise RuleError(_l("Please choose the start and end of the period."), field="period_start")
    if target is not None and not target.can_publish(actor):
        raise RuleError(_l("Only a draft's text is replaced from the data."))
    if target is not None and target.body.strip() and not confirm:
        raise RuleError(_l("Please confirm that the draft's current text is replaced."),
                        field="confirm")
    title = target.title if target is not None else _(
        "Work briefing: %(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())
    briefing = target or create_briefing(studio, actor, title, "", start, end)
    data = drafting.gather(studio, start, end, post_ids)
    body = drafting.compose(studio, start, end, data, lambda pid: photo_url(briefing, pid))
    update_briefing(briefing, actor, briefing.title, body, start, end)
    record("briefing.drafted_from_data", actor, studio, briefing, f"{start}..{end}")
    return briefing
