"""Quizzes (part C): the quiz page, starting an attempt, answering it and its result."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.courses import bp, quiz_bank  # noqa: F401  (the question bank's routes)
from blueprints.courses import quiz_operations as ops
from blueprints.courses.quiz_forms import ConfirmForm
from models.course import CourseModule, QuizAttempt
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import QUESTION_KIND_LABELS, all_labels
from studio.security import load_object, load_studio, require

QUIZ = "/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/quiz"


def load_quiz(studio, course_id, module_id):
    """The quiz module of a course the user sees in ``studio`` (404 for another kind)."""
    module = load_object(CourseModule, module_id, check=None, course_id=course_id, kind="quiz")
    require(module.can_view_in(studio, current_user))
    return module


def load_attempt(studio, module, attempt_id):
    """The learner's own attempt at ``module`` in ``studio``; anyone else's is 403."""
    return load_object(QuizAttempt, attempt_id, module_id=module.id, studio_id=studio.id)


@bp.route(QUIZ)
@login_required
def quiz(studio_id, course_id, module_id):
    """The quiz's rules, the learner's attempts and the start button; the office reads."""
    studio = load_studio(studio_id)
    module = load_quiz(studio, course_id, module_id)
    standing = ops.QuizStanding(module, current_user)
    may_study = module.can_study(studio, current_user)
    return render_template("courses/quiz.html", studio=studio, course=module.course,
                           module=module, standing=standing, may_study=may_study,
                           form=ConfirmForm(), **all_labels())


@bp.route(QUIZ + "/attempts", methods=["POST"])
@login_required
def start_attempt(studio_id, course_id, module_id):
    studio = load_studio(studio_id, "can_take_part")
    module = load_quiz(studio, course_id, module_id)
    if not ConfirmForm().validate_on_submit():
        raise RuleError(_("The form has expired. Please try again."), field="csrf_token")
    attempt = ops.start_attempt(module, current_user, studio)
    db.session.commit()
    return redirect(url_for("courses.attempt", studio_id=studio.id, course_id=course_id,
                            module_id=module.id, attempt_id=attempt.id))


@bp.route(QUIZ + "/attempts/<int:attempt_id>")
@login_required
def attempt(studio_id, course_id, module_id, attempt_id):
    """An unfinished attempt: its questions to answer; a graded one: its result."""
    studio = load_studio(studio_id)
    module = load_quiz(studio, course_id, module_id)
    attempt = load_attempt(studio, module, attempt_id)
    standing = ops.QuizStanding(module, current_user)
    template = "courses/quiz_result.html" if attempt.is_submitted else "courses/quiz_attempt.html"
    return render_template(template, studio=studio, course=module.course, module=module,
                           attempt=attempt, questions=ops.drawn_questions(attempt),
                           standing=standing, form=ConfirmForm(),
                           question_kind_labels=QUESTION_KIND_LABELS, **all_labels())


@bp.route(QUIZ + "/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit_attempt(studio_id, course_id, module_id, attempt_id):
    studio = load_studio(studio_id, "can_take_part")
    module = load_quiz(studio, course_id, module_id)
    attempt = load_attempt(studio, module, attempt_id)
    if not ConfirmForm().validate_on_submit():
        raise RuleError(_("The form has expired. Please try again."), field="csrf_token")
    ops.submit_attempt(attempt, current_user, studio, request.form)
    db.session.commit()
    if attempt.passed:
        flash(_("Passed with %(score)s points. The module's hours have been credited.",
                score=f"{attempt.score:g}"), "success")
    else:
        flash(_("%(score)s points: below the pass mark of %(mark)s.",
                score=f"{attempt.score:g}", mark=module.pass_mark), "warning")
    return redirect(url_for("courses.attempt", studio_id=studio.id, course_id=course_id,
                            module_id=module.id, attempt_id=attempt.id))
