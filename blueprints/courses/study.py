"""Studying a module: the lecture player with its watch protocol, and readings.

The watch protocol's JSON routes answer every refusal as ``{"error": message}`` with the
status ``watch.WatchRefused`` carries; the rules themselves live in ``watch.py``."""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from blueprints.courses import bp, watch
from blueprints.courses.operations import progress_of
from models.course import CourseModule
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import all_labels
from studio.security import load_object, load_studio, require

MODULE_URL = "/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>"


class FinishReadingForm(FlaskForm):
    """The 我已读完 button: its CSRF token only."""


def _load(studio_id, course_id, module_id):
    studio = load_studio(studio_id)
    module = load_object(CourseModule, module_id, check=None, course_id=course_id)
    require(module.can_view_in(studio, current_user))
    return studio, module


@bp.route(MODULE_URL)
@login_required
def module(studio_id, course_id, module_id):
    """A lecture's player or a reading; a quiz is on its own page. A learner's first look at
    a reading starts its minimum time."""
    studio, module = _load(studio_id, course_id, module_id)
    if module.kind == "quiz":
        return redirect(url_for("courses.quiz", studio_id=studio.id, course_id=course_id,
                                module_id=module.id))
    can_study = module.can_study(studio, current_user)
    if module.kind == "reading" and can_study:
        watch.open_reading(module, current_user, studio)
        db.session.commit()
    return _page(studio, module, can_study)


def _page(studio, module, can_study, error=None, status=200):
    progress = progress_of(module, current_user)
    template = "courses/module.html" if module.kind == "lecture" else "courses/reading.html"
    return render_template(template, studio=studio, course=module.course, module=module,
                           progress=progress, can_study=can_study,
                           state=watch.lecture_state(module, progress),
                           reading=watch.reading_state(module, progress),
                           form=FinishReadingForm(), error=error, **all_labels()), status


def _refused(message, status):
    return jsonify(error=str(message), credited=0), status


def _load_lecture(studio_id, course_id, module_id):
    """The lecture, if the current user studies it; else the JSON refusal to answer."""
    studio, module = _load(studio_id, course_id, module_id)
    if module.kind != "lecture":
        return studio, module, _refused(_("This module is not a lecture."), 404)
    if not module.can_study(studio, current_user):
        return studio, module, _refused(_("This module is not assigned to you; watching it "
                                          "does not count towards your hours."), 403)
    return studio, module, None


@bp.route(MODULE_URL + "/watch", methods=["POST"])
@login_required
def watch_start(studio_id, course_id, module_id):
    """Start a viewing session (JSON): the token, the resume position and the progress."""
    studio, module, refusal = _load_lecture(studio_id, course_id, module_id)
    if refusal:
        return refusal
    try:
        state = watch.start_watch(module, current_user, studio)
    except watch.WatchRefused as error:
        db.session.rollback()
        return _refused(error.message, error.status)
    db.session.commit()
    return jsonify(state)


@bp.route(MODULE_URL + "/watch/report", methods=["POST"])
@login_required
def watch_report(studio_id, course_id, module_id):
    """One progress report (JSON {token, seq, from, to}): the credit the server grants."""
    studio, module, refusal = _load_lecture(studio_id, course_id, module_id)
    if refusal:
        return refusal
    data = request.get_json(silent=True)
    try:
        state = watch.report_watch(module, current_user, studio, data)
    except watch.WatchRefused as error:
        if error.status == 422:
            db.session.commit()      # the session's anchor moved: honest play goes on
        else:
            db.session.rollback()
        return _refused(error.message, error.status)
    db.session.commit()
    if state["complete"]:
        state["message"] = _("Completed: %(hours)s hours earned.", hours=f"{module.hours:g}")
    return jsonify(state)


@bp.route(MODULE_URL + "/finish", methods=["POST"])
@login_required
def finish_reading(studio_id, course_id, module_id):
    """Finish a reading once it has been open for its minimum time."""
    studio, module = _load(studio_id, course_id, module_id)
    require(module.kind == "reading" and module.can_study(studio, current_user))
    form = FinishReadingForm()
    if not form.validate_on_submit():
        raise RuleError(_("This form has expired. Please reload the page."), field="csrf_token")
    try:
        watch.finish_reading(module, current_user, studio)
    except RuleError as error:
        db.session.rollback()
        return _page(studio, module, True, error=error.message, status=409)
    db.session.commit()
    flash(_("Reading completed: %(hours)s hours earned.", hours=f"{module.hours:g}"), "success")
    return redirect(url_for("courses.module", studio_id=studio.id, course_id=course_id,
                            module_id=module.id))
