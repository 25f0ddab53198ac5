"""The course library (part A): a studio's courses, a course's page, the office library, and
adopting an office course into a studio's study."""
from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.courses import authoring_operations as ops
from blueprints.courses import bp, office_bp
from blueprints.courses.forms import ActionForm
from blueprints.courses.library_place import (Place, completed_counts, mmss, module_states,
                                             module_stats)
from models.course import Course, CourseAdoption, QuizQuestion, assigned_module_ids
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import COURSE_CATEGORY_LABELS, all_labels
from studio.security import admin_required, load_object, load_studio, require

LIST_LIMIT = 500


def _listed(stmt):
    return db.session.execute(stmt.options(selectinload(Course.region))
                              .order_by(Course.title, Course.id).limit(LIST_LIMIT)).scalars().all()


def _by_category(courses, category):
    return [c for c in courses if c.category == category] if category else courses


def _categories(*lists):
    return sorted({c.category for courses in lists for c in courses if c.category})


@bp.route("/<int:studio_id>/courses")
@login_required
def index(studio_id):
    """The studio's own courses, its adopted office courses and, for who runs the studio, the
    office courses offered to it; each with its size and the learner's own progress."""
    studio = load_studio(studio_id)
    category = (request.args.get("category") or "").strip()[:64]
    courses = _listed(Course.available_in(studio, current_user))
    adopted = set(db.session.execute(select(CourseAdoption.course_id).where(
        CourseAdoption.studio_id == studio.id)).scalars())
    offered = []
    if studio.is_run_by(current_user):
        offered = [c for c in _listed(Course.offered_in(studio)) if c.id not in adopted]
    categories = _categories(courses, offered)
    courses, offered = _by_category(courses, category), _by_category(offered, category)
    ids = [c.id for c in courses + offered]
    learner = studio.can_take_part(current_user)
    return render_template(
        "courses/index.html", studio=studio, courses=courses, offered=offered, adopted=adopted,
        stats=module_stats(ids), done=completed_counts(current_user, ids) if learner else None,
        categories=categories, category=category, action_form=ActionForm(),
        may_run=studio.is_run_by(current_user), can_create=Course.can_create_in(studio, current_user),
        place=Place(studio), category_labels=COURSE_CATEGORY_LABELS, **all_labels())


@bp.route("/<int:studio_id>/courses/<int:course_id>")
@login_required
def show(studio_id, course_id):
    studio = load_studio(studio_id)
    course = load_object(Course, course_id, check=None)
    require(course.can_view_in(studio, current_user))
    learner = studio.can_take_part(current_user)
    states = module_states(current_user, course.modules) if learner else {}
    assigned = set(db.session.execute(assigned_module_ids(studio, current_user)).scalars()) \
        if learner else set()
    return _course_page(Place(studio), course, states=states, assigned=assigned,
                        learner=learner, adopted=course.studio_id is None)


@office_bp.route("/courses/<int:course_id>", endpoint="show")
@login_required
@admin_required
def show_office(course_id):
    course = load_object(Course, course_id, "office_may_read", studio_id=None)
    return _course_page(Place(), course)


def _course_page(place, course, states=None, assigned=(), learner=False, adopted=False):
    bank = dict(db.session.execute(
        select(QuizQuestion.module_id, db.func.count(QuizQuestion.id))
        .where(QuizQuestion.module_id.in_([m.id for m in course.modules]))
        .group_by(QuizQuestion.module_id)).all()) if course.modules else {}
    return render_template(
        "courses/show.html", studio=place.studio, place=place, edit_place=Place.of(course),
        course=course, states=states or {}, assigned=assigned, learner=learner,
        adopted=adopted, bank=bank, mmss=mmss, action_form=ActionForm(),
        can_edit=course.can_edit(current_user), publish_problem=ops.publish_problem(course),
        category_labels=COURSE_CATEGORY_LABELS, **all_labels())


@office_bp.route("/courses")
@login_required
@admin_required
def library():
    """The office courses this office edits or reads (the platform's and its regions')."""
    category = (request.args.get("category") or "").strip()[:64]
    courses = _listed(Course.office_library(current_user))
    categories = _categories(courses)
    courses = _by_category(courses, category)
    return render_template(
        "courses/office_library.html", courses=courses, categories=categories,
        category=category, stats=module_stats([c.id for c in courses]),
        can_create=Course.can_create_office(current_user), place=Place(),
        category_labels=COURSE_CATEGORY_LABELS, **all_labels())


@bp.route("/<int:studio_id>/courses/<int:course_id>/adopt", methods=["POST"])
@login_required
def adopt(studio_id, course_id):
    studio = load_studio(studio_id)
    course = load_object(Course, course_id, check=None)
    require(course.can_adopt(studio, current_user))
    return _adoption(studio, course, ops.adopt_course,
                     _("“%(t)s” is now part of the studio's courses.", t=course.title))


@bp.route("/<int:studio_id>/courses/<int:course_id>/unadopt", methods=["POST"])
@login_required
def unadopt(studio_id, course_id):
    studio = load_studio(studio_id)
    course = load_object(Course, course_id, check=None)
    require(course.can_unadopt(studio, current_user))
    return _adoption(studio, course, ops.unadopt_course,
                     _("“%(t)s” is no longer part of the studio's courses.", t=course.title))


def _adoption(studio, course, operation, done):
    try:
        operation(studio, course, current_user)
        db.session.commit()
        flash(done, "success")
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "warning")
    return redirect(Place(studio).url("index"))


# the authoring pages and the media routes register on the same blueprints
from blueprints.courses import authoring, media  # noqa: E402,F401
