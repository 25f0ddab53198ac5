from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.cases import bp, operations, revision
from blueprints.cases.forms import CaseForm, ReasonForm, ReviewForm, VideoCommentForm
from models.case import (DOCUMENT_KINDS, FINISHED, REQUIRED, CaseTransition, LessonCase,
                         StoredFile, VideoComment, parts_of)
from models.task import Assignment
from models.thread import Thread, subject_kind
from studio import storage
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import optional_id, parse_id, parse_page
from studio.labels import all_labels
from studio.listing import (group_choices, member_filter, paginate, role_choices,
                            same_names)
from studio.security import load_object, load_studio, require


PER_PAGE = 100


@bp.route("/<int:studio_id>/cases")
@login_required
def index(studio_id):
    studio = load_studio(studio_id)
    state = request.args.get("state", "")
    stmt = LessonCase.visible_to(studio, current_user)
    if state in all_labels()["case_state_labels"]:
        stmt = stmt.where(LessonCase.state == state)
    page = parse_page(request.args.get("page"))
    rows = db.session.execute(stmt.order_by(LessonCase.updated_at.desc(), LessonCase.id.desc())
                              .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).scalars().all()
    cases, has_next = rows[:PER_PAGE], len(rows) > PER_PAGE
    to_review = db.session.execute(
        LessonCase.review_queue(current_user, studio)).scalars().all()
    return render_template("cases/index.html", studio=studio, cases=cases, to_review=to_review,
                           can_create=LessonCase.can_create(studio, current_user), state=state,
                           page=page, has_next=has_next, **all_labels())


def _store_parts(form, user, stored):
    """Store the uploaded parts; each stored file is appended to ``stored`` at once, so a
    later refusal (the second file too large or not a video) can discard the first. A report
    or a practice case has no recording: one sent anyway is not kept."""
    design = recording = None
    if form.design_file.data and getattr(form.design_file.data, "filename", ""):
        design = storage.store_upload(form.design_file.data, "document", user)
        stored.append(design)
    if "recording" in form.parts() and form.recording.data \
            and getattr(form.recording.data, "filename", ""):
        recording = storage.store_upload(form.recording.data, "video", user)
        stored.append(recording)
    return design, recording


def _discard(stored):
    """A failed request writes nothing: no row, no file under UPLOAD_DIR."""
    db.session.rollback()
    storage.discard_unreferenced(stored)


def _case_form(studio):
    form = CaseForm()
    allowed = LessonCase.kinds_for(studio, current_user)
    form.kind.choices = [c for c in form.kind.choices if c[0] in allowed]
    return form


@bp.route("/<int:studio_id>/cases/new", methods=["GET", "POST"])
@login_required
def new(studio_id):
    studio = load_studio(studio_id)
    require(LessonCase.can_create(studio, current_user))
    form = _case_form(studio)
    assignment = None
    assignment_id = optional_id(request.values.get("assignment") or form.assignment_id.data)
    if assignment_id is not None:
        assignment = db.session.get(Assignment, assignment_id)
        require(assignment is not None and assignment.user_id == current_user.id)
        form.assignment_id.data = str(assignment.id)
        if request.method == "GET":
            form.title.data = form.title.data or assignment.task.title
    if form.validate_on_submit():
        stored = []
        try:
            design, recording = _store_parts(form, current_user, stored)
            case = operations.create_case(studio, current_user, form.case_fields(), assignment)
            operations.update_parts(case, current_user, {}, form.design_text.data or "",
                                    form.reflection.data or "", design, recording)
            refused = _hand_in_or_keep(case)
            db.session.commit()
            _saved_message(refused, _("The draft has been saved. Only you can see it until "
                                      "you hand it in."))
            return _done(studio, case)
        except RuleError as error:
            _discard(stored)
            getattr(form, error.field or "title").errors.append(str(error.message))
        except Exception:  # e.g. 413 for the second file: nothing is kept either
            _discard(stored)
            raise
    return _form_page("cases/form.html", studio=studio, form=form, case=None,
                      assignment=assignment)


def _hand_in_or_keep(case):
    """Hand the case in when the teacher asked to. If the rules refuse the hand-in (a part
    missing, no mentor yet), what was uploaded stays: the case is kept as a draft and the
    refusal returned for the message. A 2 GB recording is never thrown away for a missing
    design; only a file that is itself invalid (type, size) is refused with the request."""
    if not request.form.get("submit_now"):
        return None
    try:
        with db.session.begin_nested():  # a refusal rolls back the hand-in only
            operations.submit_case(case, current_user)
    except RuleError as error:
        return error
    return None


def _saved_message(refused, saved):
    if refused is not None:
        flash(_("Saved as a draft, not handed in yet. %(reason)s", reason=refused.message),
              "warning")
    elif request.form.get("submit_now"):
        flash(_("The lesson case has been handed in."), "success")
    else:
        flash(saved, "success")


def _done(studio, case):
    url = url_for("cases.show", studio_id=studio.id, case_id=case.id)
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return {"redirect": url}
    return redirect(url)


def _form_page(template, **context):
    status = 400 if request.method == "POST" else 200
    if status == 400 and request.headers.get("X-Requested-With") == "XMLHttpRequest":
        form = context["form"]
        errors = [str(e) for field in form for e in field.errors]
        return {"errors": errors or [_("Please check the form.")]}, 400
    return render_template(template, **context, document_kinds=DOCUMENT_KINDS,
                           parts_of=parts_of, **all_labels()), status


def _load_case(studio, case_id, check="can_view"):
    return load_object(LessonCase, case_id, check, studio_id=studio.id)


@bp.route("/<int:studio_id>/cases/<int:case_id>")
@login_required
def show(studio_id, case_id):
    studio = load_studio(studio_id)
    case = _load_case(studio, case_id)
    if operations.open_for_review(case, current_user):
        db.session.commit()
    return _show_page(studio, case)


def _show_page(studio, case, review_form=None, status=200, comment_form=None):
    """The case page; a refused review or comment comes back here with what was typed."""
    number = parse_id(request.args.get("version"))
    versions = case.versions_for(current_user)  # others never see the unsubmitted copy
    version = next((v for v in versions if v.number == number), None) if number else (
        versions[-1] if versions else None)
    if version is None:
        abort(404)
    comments = db.session.execute(revision.top_comments(version)).scalars().all()
    transitions = db.session.execute(
        select(CaseTransition).where(CaseTransition.case_id == case.id)
        .order_by(CaseTransition.id)).scalars().all()
    return render_template("cases/show.html", studio=studio, case=case, version=version,
                           comments=comments, transitions=transitions, versions=versions,
                           commented=case.latest_submitted or case.latest,
                           feedback=revision.feedback(case, versions, version, comments),
                           changes=_changes(case, versions, version),
                           review_form=review_form or ReviewForm(),
                           comment_form=comment_form or VideoCommentForm(),
                           reason_form=ReasonForm(), discussion=Thread.about(case),
                           subject_kind=subject_kind, **all_labels()), status


def _changes(case, versions, version):
    """What changed between the version on the page and the one before it that the viewer
    sees, or ``?compare=N`` (a version the viewer sees, else 404)."""
    if "compare" in request.args:
        number = parse_id(request.args.get("compare"))
        base = next((v for v in versions if v.number == number), None)
        if base is None:
            abort(404)
    else:
        index = versions.index(version)
        base = versions[index - 1] if index else None
    if base is None or base.id == version.id:
        return None
    return revision.changes(base, version, case.parts)


@bp.route("/<int:studio_id>/cases/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(studio_id, case_id):
    studio = load_studio(studio_id)
    case = _load_case(studio, case_id, "can_edit")
    form = _case_form(studio)
    if request.method == "GET":
        form.process(obj=case)
        form.design_text.data = case.latest.design_text
        form.reflection.data = case.latest.reflection
    if form.validate_on_submit():
        stored = []
        try:
            design, recording = _store_parts(form, current_user, stored)
            operations.update_parts(case, current_user, form.case_fields(),
                                    form.design_text.data or "", form.reflection.data or "",
                                    design, recording)
            refused = _hand_in_or_keep(case)
            db.session.commit()
            _saved_message(refused, _("Saved."))
            return _done(studio, case)
        except RuleError as error:
            _discard(stored)
            getattr(form, error.field or "title").errors.append(str(error.message))
        except Exception:
            _discard(stored)
            raise
    return _form_page("cases/form.html", studio=studio, form=form, case=case,
                      assignment=case.assignment)


@bp.route("/<int:studio_id>/cases/<int:case_id>/submit", methods=["POST"])
@login_required
def submit(studio_id, case_id):
    studio = load_studio(studio_id)
    case = _load_case(studio, case_id, "can_submit")
    operations.submit_case(case, current_user, request.form.get("reason", ""))
    db.session.commit()
    flash(_("The lesson case has been handed in to %(name)s.",
            name=case.reviewer.name if case.reviewer else _("the project office")), "success")
    return redirect(url_for("cases.show", studio_id=studio.id, case_id=case.id))


@bp.route("/<int:studio_id>/cases/<int:case_id>/review", methods=["POST"])
@login_required
def review(studio_id, case_id):
    studio = load_studio(studio_id)
    case = _load_case(studio, case_id, "can_review")
    form = ReviewForm()
    if not form.validate_on_submit():
        return _show_page(studio, case, review_form=form, status=400)
    try:
        operations.review_case(case, current_user, form.rubric(), form.overall.data or "",
                               form.verdict.data)
        db.session.commit()
    except RuleError as error:  # e.g. changes requested without saying which
        db.session.rollback()
        _field_error(form, error, "overall")
        return _show_page(studio, case, review_form=form, status=400 if error.field else 409)
    flash(_("Your review has been sent to %(name)s.", name=case.author.name), "success")
    return redirect(url_for("cases.show", studio_id=studio.id, case_id=case.id))


def _field_error(form, error, default):
    """Show a refusal next to the field it names (else ``default``), with the text kept."""
    field = form._fields.get(error.field or "") or form[default]
    field.errors = [*field.errors, str(error.message)]


@bp.route("/<int:studio_id>/cases/<int:case_id>/recommend", methods=["POST"])
@login_required
def recommend(studio_id, case_id):
    studio = load_studio(studio_id)
    case = _load_case(studio, case_id, "can_recommend")
    form = ReasonForm()
    operations.recommend_case(case, current_user, form.reason.data or "")
    db.session.commit()
    flash(_("The case is recommended as excellent."), "success")
    return redirect(url_for("cases.show", studio_id=studio.id, case_id=case.id))


@bp.route("/<int:studio_id>/cases/<int:case_id>/comments", methods=["POST"])
@login_required
def comment(studio_id, case_id):
    studio = load_studio(studio_id)
    case = _load_case(studio, case_id, "can_comment")
    form = VideoCommentForm()
    parent = None
    parent_id = optional_id(form.parent_id.data)
    if parent_id is not None:
        parent = load_object(VideoComment, parent_id, None)  # another case's: 400 below
    try:
        if not form.validate_on_submit():
            raise RuleError(next((e for f in form for e in f.errors), _("The comment is empty.")),
                            field="body")
        made = operations.add_video_comment(case, current_user, form.second.data,
                                            form.dimension.data, form.kind.data, form.body.data,
                                            parent)
        db.session.commit()
    except RuleError as error:  # the comment comes back with what was typed
        db.session.rollback()
        form.body.errors = [str(error.message)]
        return _show_page(studio, case, comment_form=form, status=400 if error.field else 409)
    return redirect(url_for("cases.show", studio_id=studio.id, case_id=case.id)
                    + f"#c{made.parent_id or made.id}")


@bp.route("/<int:studio_id>/cases/<int:case_id>/files/<int:file_id>")
@login_required
def file(studio_id, case_id, file_id):
    """A part of the case, after the viewer is authorized; Range requests get 206."""
    studio = load_studio(studio_id)
    case = _load_case(studio, case_id)
    parts = {part for version in case.versions_for(current_user)  # handed in, or the author's
             for part in (version.design_file_id, version.recording_file_id)}
    stored = db.session.get(StoredFile, file_id) if file_id in parts else None
    if stored is None:
        abort(404)
    return storage.send_stored(stored, download=request.args.get("download") == "1")


STATE_RANK = {s: i for i, s in enumerate(("draft", "changes_requested", "submitted", "resubmitted",
                                          "in_review", "approved", "recommended"))}


@bp.route("/<int:studio_id>/progress")
@login_required
def progress(studio_id):
    """Required work (成果要求): per member, which required items exist and in what state; per
    studio, the share done. Fixed number of queries whatever the studio's size."""
    from blueprints.hours.operations import totals_by_member
    from blueprints.observations.operations import counts_this_term, current_term
    from blueprints.plans.operations import plan_status
    from models.studio import Roster

    studio = load_studio(studio_id)
    roster = Roster(studio)
    best = {}
    for author_id, kind, state in db.session.execute(
            select(LessonCase.author_id, LessonCase.kind, LessonCase.state)
            .where(LessonCase.studio_id == studio.id)):
        key = (author_id, kind)
        if key not in best or STATE_RANK[state] > STATE_RANK[best[key]]:
            best[key] = state
    totals = totals_by_member(studio)
    observed = counts_this_term(studio)
    plans = plan_status(studio)
    everyone = roster.everyone
    rows = []
    for user in everyone:
        member_role = roster.role_of[user.id]
        items = [(kind, best.get((user.id, kind))) for kind in REQUIRED[member_role]]
        target = studio.hours_target(member_role)
        hours = totals.get(user.id, 0.0)
        plan = plans.get(user.id)  # (plan, versions, revised this school year) or None
        done = all(state in FINISHED for _, state in items) and \
            (target is None or hours >= target) and plan is not None
        rows.append({"user": user, "role": member_role, "parts": items, "hours": hours,
                     "target": target, "done": done, "plan": plan,
                     "observed": observed.get(user.id, 0),
                     "observation_target": studio.observation_target(member_role)})
    share = (sum(r["done"] for r in rows) / len(rows)) if rows else 0.0
    if not studio.is_run_by(current_user):
        mine = {current_user.id} | {u.id for mentor, mentees in roster.groups
                                     if mentor.id == current_user.id for u in mentees}
        rows = [r for r in rows if r["user"].id in mine]
    visible = [r["user"] for r in rows]
    flt = member_filter()
    page = paginate(flt.apply(rows, roster, key=lambda r: r["user"]), flt.page, flt.params())
    return render_template("cases/progress.html", studio=studio, page=page, share=share, flt=flt,
                           groups=group_choices(roster, visible),
                           roles=role_choices(roster, visible), twins=same_names(everyone),
                           total_members=len(everyone), term=current_term(studio)[2],
                           **all_labels())
