"""The showcase (优秀课例展示): public pages anyone may read, and the consent flow.

The list, the entry page and its files need no login; each checks "published now" on every
request, so taking an entry down stops a page, a download and a playing recording (its next
Range request) at once. Files are sent ``Cache-Control: private, no-store`` so that no proxy
or browser cache keeps serving what was taken down."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.showcase import bp, operations
from blueprints.showcase.listing import filters_from, public_page, region_choices, subject_choices
from models.case import LessonCase, StoredFile
from models.showcase import ShowcaseEntry
from studio import storage
from studio.extensions import db
from studio.labels import STAGE_LABELS, all_labels
from studio.security import load_object

NO_STORE = "private, no-store"


@bp.route("/")
def index():
    flt = filters_from(request.args)
    page = public_page(flt, request.args.get("page"))
    waiting = db.session.execute(ShowcaseEntry.waiting_for(current_user)).scalars().all()
    return render_template("showcase/index.html", page=page, flt=flt, waiting=waiting,
                           subjects=subject_choices(), regions=region_choices(),
                           stage_labels=STAGE_LABELS, **all_labels())


def _load_entry(entry_id, check="can_view"):
    """404 for an entry the visitor may not see (an unpublished one is not admitted to exist);
    the person for the step gets a 409 when it is no longer possible, anybody else a 403."""
    entry = db.session.get(ShowcaseEntry, entry_id)
    if entry is None or not entry.can_view(current_user):
        abort(404)
    if not getattr(entry, check)(current_user):
        abort(409, description=str(operations.MOVED)) \
            if entry.is_person_for(check, current_user) else abort(403)
    return entry


@bp.route("/<int:entry_id>")
def show(entry_id):
    entry = _load_entry(entry_id)
    response = render_template("showcase/show.html", entry=entry, case=entry.case,
                               version=entry.version,
                               stage_labels=STAGE_LABELS, **all_labels())
    return response, 200, {"Cache-Control": NO_STORE}


@bp.route("/<int:entry_id>/files/<int:file_id>")
def file(entry_id, file_id):
    """A file of a published entry (its design document or recording), Range-aware."""
    entry = db.session.get(ShowcaseEntry, entry_id)
    if entry is None or not entry.is_public or file_id not in entry.files:
        abort(404)
    response = storage.send_stored(db.session.get(StoredFile, file_id),
                                   download=request.args.get("download") == "1")
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.route("/cases/<int:case_id>/request", methods=["POST"])
@login_required
def ask(case_id):
    case = load_object(LessonCase, case_id)
    if not ShowcaseEntry.can_request(case, current_user):
        abort(409, description=str(operations.MOVED)) \
            if ShowcaseEntry.is_master_of(case.studio, current_user) else abort(403)
    entry = operations.request_publication(case, current_user)
    db.session.commit()
    flash(_("%(name)s has been asked for consent to show the case publicly.",
            name=case.author.name), "success")
    return redirect(url_for("showcase.show", entry_id=entry.id))


@bp.route("/<int:entry_id>/consent", methods=["POST"])
@login_required
def consent(entry_id):
    entry = _load_entry(entry_id, "can_answer")
    agreed = request.form.get("answer") == "yes"
    operations.answer(entry, current_user, agreed)
    db.session.commit()
    flash(_("Thank you: you agreed to show the case publicly.") if agreed
          else _("You declined: the case will not be shown publicly."), "success")
    return redirect(url_for("showcase.show", entry_id=entry.id))


@bp.route("/<int:entry_id>/withdraw", methods=["POST"])
@login_required
def withdraw(entry_id):
    entry = _load_entry(entry_id, "can_withdraw")
    operations.withdraw(entry, current_user)
    db.session.commit()
    flash(_("You withdrew your consent: the case is no longer public."), "success")
    return redirect(url_for("showcase.show", entry_id=entry.id))


@bp.route("/<int:entry_id>/publish", methods=["POST"])
@login_required
def publish(entry_id):
    entry = _load_entry(entry_id, "can_publish")
    operations.publish(entry, current_user)
    db.session.commit()
    flash(_("The case is now in the showcase, readable by everyone."), "success")
    return redirect(url_for("showcase.show", entry_id=entry.id))


@bp.route("/<int:entry_id>/unpublish", methods=["POST"])
@login_required
def unpublish(entry_id):
    entry = _load_entry(entry_id, "can_unpublish")
    operations.unpublish(entry, current_user, request.form.get("reason", "")[:2000])
    db.session.commit()
    flash(_("The case has been taken off the showcase."), "success")
    return redirect(url_for("showcase.show", entry_id=entry.id))


@bp.app_template_global()
def showcase_for(case):
    """For the case page: its live showcase round (or None) and whether the viewer may ask."""
    return ShowcaseEntry.live_for(case), ShowcaseEntry.can_request(case, current_user)
