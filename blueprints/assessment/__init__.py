from flask import Blueprint

bp = Blueprint("assessment", __name__)

from blueprints.assessment import routes  # noqa: E402,F401
