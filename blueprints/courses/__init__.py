"""Online course study (在线课程学习): the library, studying, quizzes and progress.

``bp`` serves a studio's courses under /studios/<id>/courses; ``office_bp`` the offices'
courses and the completion across their studios under /admin/courses."""
from flask import Blueprint

bp = Blueprint("courses", __name__)
office_bp = Blueprint("courses_office", __name__)

from blueprints.courses import library, media, progress, quiz, study  # noqa: E402,F401
