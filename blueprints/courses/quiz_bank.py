"""A quiz's question bank (part C), for who may edit the course (``Course.can_edit``): a
studio's own course under /studios/<id>/courses/..., an office course under /admin/courses/...
Both URL families share the views below; only loading the quiz differs."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.courses import bp, office_bp
from blueprints.courses import quiz_import
from blueprints.courses import quiz_operations as ops
from blueprints.courses.quiz_forms import ConfirmForm, QuestionForm
from models.course import Course, CourseModule, QuizQuestion
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import QUESTION_KIND_LABELS, all_labels
from studio.security import admin_required, load_object, load_studio, require

STUDIO_BANK = "/<int:studio_id>/courses/<int:course_id>/modules/<int:module_id>/questions"
OFFICE_BANK = "/courses/<int:course_id>/modules/<int:module_id>/questions"


class Bank:
    """Where a bank lives: its quiz, and the endpoints of its pages (studio or office)."""

    def __init__(self, module, studio=None):
        self.module, self.course, self.studio = module, module.course, studio
        self.prefix = "courses." if studio is not None else "courses_office."

    def url(self, view, **values):
        values.update(course_id=self.course.id, module_id=self.module.id)
        if self.studio is not None:
            values["studio_id"] = self.studio.id
        return url_for(self.prefix + view, **values)


def _studio_bank(studio_id, course_id, module_id):
    studio = load_studio(studio_id)
    course = load_object(Course, course_id, check=None, studio_id=studio.id)
    module = load_object(CourseModule, module_id, check=None, course_id=course.id, kind="quiz")
    require(course.can_edit(current_user))
    return Bank(module, studio)


def _office_bank(course_id, module_id):
    course = load_object(Course, course_id, check=None, studio_id=None)
    module = load_object(CourseModule, module_id, check=None, course_id=course.id, kind="quiz")
    require(course.can_edit(current_user))
    return Bank(module)


# --- the shared views ------------------------------------------------------------------------
def _questions(bank):
    """The bank's questions, and a form that adds one."""
    form = QuestionForm()
    if form.validate_on_submit():
        ops.add_question(bank.module, current_user, form.cleaned)
        db.session.commit()
        flash(_("The question has been added to the bank."), "success")
        return redirect(bank.url("questions"))
    return _render("courses/quiz_bank.html", bank, form)


MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _import_questions(bank):
    """Add the questions of an uploaded CSV or XLSX file: all of them, or none with each
    row's problems listed on the bank's page."""
    upload = request.files.get("file")
    try:
        if not ConfirmForm().validate_on_submit():
            raise RuleError(_("The form has expired. Please try again."), field="file")
        data = upload.stream.read(MAX_IMPORT_BYTES + 1) if upload and upload.filename else b""
        if not data:
            raise RuleError(_("Choose a CSV or XLSX file of questions."), field="file")
        if len(data) > MAX_IMPORT_BYTES:
            raise RuleError(_("The file is too large (at most 2 MB)."), field="file")
        added = quiz_import.import_questions(bank.module, current_user, data)
        db.session.commit()
    except RuleError as error:   # refused before anything was added: nothing to roll back
        return _render("courses/quiz_bank.html", bank, QuestionForm(formdata=None),
                       import_errors=str(error.message).splitlines(), status=400)
    flash(_("%(n)s questions have been imported.", n=added), "success")
    return redirect(bank.url("questions"))


def _edit_question(bank, question_id):
    question = load_object(QuizQuestion, question_id, check=None, module_id=bank.module.id)
    form = QuestionForm() if form_posted() else QuestionForm.for_question(question)
    if form.validate_on_submit():
        ops.update_question(question, current_user, form.cleaned)
        db.session.commit()
        flash(_("The question has been changed. Attempts already graded keep their score."),
              "success")
        return redirect(bank.url("questions"))
    return _render("courses/quiz_question.html", bank, form, question=question)


def _delete_question(bank, question_id):
    question = load_object(QuizQuestion, question_id, check=None, module_id=bank.module.id)
    if not ConfirmForm().validate_on_submit():
        raise RuleError(_("The form has expired. Please try again."), field="csrf_token")
    ops.delete_question(question, current_user)
    db.session.commit()
    flash(_("The question has been deleted. Attempts already graded keep their score."),
          "success")
    return redirect(bank.url("questions"))


def form_posted():
    return request.method == "POST"


def _render(template, bank, form, status=None, **extra):
    status = status or (400 if form_posted() else 200)
    return render_template(template, bank=bank, studio=bank.studio, course=bank.course,
                           module=bank.module, form=form, confirm=ConfirmForm(),
                           question_kind_labels=QUESTION_KIND_LABELS, **all_labels(),
                           **extra), status


# --- a studio's own courses ------------------------------------------------------------------
@bp.route(STUDIO_BANK, methods=["GET", "POST"])
@login_required
def questions(studio_id, course_id, module_id):
    return _questions(_studio_bank(studio_id, course_id, module_id))


@bp.route(STUDIO_BANK + "/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(studio_id, course_id, module_id, question_id):
    return _edit_question(_studio_bank(studio_id, course_id, module_id), question_id)


@bp.route(STUDIO_BANK + "/<int:question_id>/delete", methods=["POST"])
@login_required
def delete_question(studio_id, course_id, module_id, question_id):
    return _delete_question(_studio_bank(studio_id, course_id, module_id), question_id)


@bp.route(STUDIO_BANK + "/import", methods=["POST"])
@login_required
def import_questions(studio_id, course_id, module_id):
    return _import_questions(_studio_bank(studio_id, course_id, module_id))


# --- office courses --------------------------------------------------------------------------
@office_bp.route(OFFICE_BANK, methods=["GET", "POST"], endpoint="questions")
@login_required
@admin_required
def office_questions(course_id, module_id):
    return _questions(_office_bank(course_id, module_id))


@office_bp.route(OFFICE_BANK + "/<int:question_id>/edit", methods=["GET", "POST"],
                 endpoint="edit_question")
@login_required
@admin_required
def office_edit_question(course_id, module_id, question_id):
    return _edit_question(_office_bank(course_id, module_id), question_id)


@office_bp.route(OFFICE_BANK + "/<int:question_id>/delete", methods=["POST"],
                 endpoint="delete_question")
@login_required
@admin_required
def office_delete_question(course_id, module_id, question_id):
    return _delete_question(_office_bank(course_id, module_id), question_id)


@office_bp.route(OFFICE_BANK + "/import", methods=["POST"], endpoint="import_questions")
@login_required
@admin_required
def office_import_questions(course_id, module_id):
    return _import_questions(_office_bank(course_id, module_id))
