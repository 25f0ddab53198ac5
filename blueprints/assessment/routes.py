"""年度考核 pages: the rounds, a round's table, one member's assessment (printable), the
年度考核表 export. Routes load, authorize with one ``can_*``, call one operation, commit."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.assessment import bp, export, operations
from blueprints.assessment.figures import figures_for, share
from blueprints.assessment.forms import (DismissForm, GradeForm, OpenRoundForm, PublishForm,
                                         SelfEvaluationForm)
from models.assessment import AnnualAssessment, AssessmentRound
from models.base import utcnow
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_count
from studio.labels import all_labels
from studio.security import load_object, load_studio, require


def _now(studio):
    return utcnow()


@bp.route("/<int:studio_id>/assessment")
@login_required
def index(studio_id):
    """The studio's rounds, newest first; the master opens one."""
    studio = load_studio(studio_id)
    require(AssessmentRound.can_list(studio, current_user))
    rounds = db.session.execute(select(AssessmentRound).where(
        AssessmentRound.studio_id == studio.id).order_by(AssessmentRound.year.desc())
    ).scalars().all()
    form = OpenRoundForm(year=str(operations.default_year(studio)))
    return render_template("assessment/index.html", studio=studio, rounds=rounds, form=form,
                           can_open=AssessmentRound.can_open(studio, current_user),
                           **all_labels())


@bp.route("/<int:studio_id>/assessment/open", methods=["POST"])
@login_required
def open_round(studio_id):
    studio = load_studio(studio_id)
    require(AssessmentRound.can_open(studio, current_user))
    form = OpenRoundForm()
    if not form.validate_on_submit():
        abort(400)
    year = parse_count((form.year.data or "").strip(), 0, 9999)
    round_ = operations.open_round(studio, current_user, year)
    db.session.commit()
    flash(_("The annual assessment %(title)s is open.", title=round_.title), "success")
    return redirect(url_for("assessment.round_page", studio_id=studio.id, round_id=round_.id))


def _round(studio_id, round_id, check="can_view"):
    studio = load_studio(studio_id)
    return studio, load_object(AssessmentRound, round_id, check, studio_id=studio.id)


@bp.route("/<int:studio_id>/assessment/<int:round_id>")
@login_required
def round_page(studio_id, round_id):
    """The rows the user may see, with each member's figures (live while open, frozen once
    published) and, for the master, the 优秀 counter."""
    studio, round_ = _round(studio_id, round_id)
    rows = db.session.execute(AnnualAssessment.visible_to(round_, current_user)
                              .order_by(AnnualAssessment.id)).scalars().all()
    figures = _figures(round_, rows)
    members = operations.member_count(round_)
    return render_template("assessment/round.html", studio=studio, round=round_, rows=rows,
                           figures=figures, excellent=operations.excellent_count(round_),
                           limit=operations.excellent_limit(round_, members),
                           publish_form=PublishForm(), **all_labels())


def _figures(round_, rows):
    if round_.is_completed:
        return {row.user_id: row.figures or {} for row in rows}
    return figures_for(round_.studio, round_.year, {r.user_id: r.role for r in rows},
                       _now(round_.studio))


@bp.route("/<int:studio_id>/assessment/<int:round_id>/publish", methods=["POST"])
@login_required
def publish(studio_id, round_id):
    studio, round_ = _round(studio_id, round_id, "can_publish")
    if not PublishForm().validate_on_submit():
        abort(400)
    operations.publish_round(round_, current_user, _now(studio))
    db.session.commit()
    flash(_("The results are published; each member has been notified."), "success")
    return redirect(url_for("assessment.round_page", studio_id=studio.id, round_id=round_.id))


@bp.route("/<int:studio_id>/assessment/<int:round_id>/export.xlsx")
@login_required
def export_round(studio_id, round_id):
    studio, round_ = _round(studio_id, round_id, "can_export")
    rows = round_.assessments
    return export.send_round(round_, rows, _figures(round_, rows))


def _assessment(studio_id, assessment_id, check="can_view"):
    studio = load_studio(studio_id)
    assessment = load_object(AnnualAssessment, assessment_id, check)
    if assessment.round.studio_id != studio.id:
        abort(404)
    return studio, assessment


def _show(studio, assessment, status=200, **forms):
    figures = _figures(assessment.round, [assessment])[assessment.user_id]
    forms.setdefault("self_form", SelfEvaluationForm(self_evaluation=assessment.self_evaluation))
    forms.setdefault("propose_form", GradeForm(grade=assessment.proposed_grade or "",
                                               reason=assessment.proposal_reason))
    forms.setdefault("decide_form", GradeForm(grade=assessment.grade or assessment.proposed_grade
                                              or "", reason=assessment.grade_reason))
    return render_template("assessment/show.html", studio=studio, assessment=assessment,
                           round=assessment.round, f=figures, share=share,
                           dismiss_form=DismissForm(), **forms, **all_labels()), status


@bp.route("/<int:studio_id>/assessment/members/<int:assessment_id>")
@login_required
def show(studio_id, assessment_id):
    """One member's assessment: figures with their evidence, self-evaluation, proposal and
    decision (each shown to whom it may be); printable."""
    return _show(*_assessment(studio_id, assessment_id))


def _save(studio, assessment, form_name, form, action):
    """Validate, call the operation, commit and go back; on refusal show the page again with
    the message beside the field and the text as typed."""
    if not form.validate_on_submit():
        abort(400)
    try:
        action()
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        if error.field is None:
            raise
        getattr(form, error.field).errors.append(str(error.message))
        return _show(studio, assessment, 400, **{form_name: form})
    flash(_("Saved."), "success")
    return redirect(url_for("assessment.show", studio_id=studio.id, assessment_id=assessment.id))


@bp.route("/<int:studio_id>/assessment/members/<int:assessment_id>/self", methods=["POST"])
@login_required
def self_evaluate(studio_id, assessment_id):
    studio, assessment = _assessment(studio_id, assessment_id, "can_self_evaluate")
    form = SelfEvaluationForm()
    return _save(studio, assessment, "self_form", form, lambda: operations.write_self_evaluation(
        assessment, current_user, form.self_evaluation.data))


@bp.route("/<int:studio_id>/assessment/members/<int:assessment_id>/propose", methods=["POST"])
@login_required
def propose(studio_id, assessment_id):
    studio, assessment = _assessment(studio_id, assessment_id, "can_propose")
    form = GradeForm()
    return _save(studio, assessment, "propose_form", form, lambda: operations.propose_grade(
        assessment, current_user, form.grade.data, form.reason.data))


@bp.route("/<int:studio_id>/assessment/members/<int:assessment_id>/decide", methods=["POST"])
@login_required
def decide(studio_id, assessment_id):
    studio, assessment = _assessment(studio_id, assessment_id, "can_decide")
    form = GradeForm()
    return _save(studio, assessment, "decide_form", form, lambda: operations.decide_grade(
        assessment, current_user, form.grade.data, form.reason.data))


@bp.route("/<int:studio_id>/assessment/members/<int:assessment_id>/dismiss", methods=["POST"])
@login_required
def dismiss(studio_id, assessment_id):
    """淘汰 a member graded 不合格 in a published round, with reasons."""
    studio, assessment = _assessment(studio_id, assessment_id, "can_dismiss")
    form = DismissForm()
    if not form.validate_on_submit():
        abort(400)
    operations.dismiss_member(assessment, current_user, form.reason.data)
    db.session.commit()
    flash(_("%(name)s has been removed from the studio.", name=assessment.user.name), "success")
    return redirect(url_for("studios.group_history", studio_id=studio.id))
