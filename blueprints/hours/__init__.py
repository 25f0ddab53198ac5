from flask import Blueprint

bp = Blueprint("hours", __name__)

from blueprints.hours import routes  # noqa: E402,F401
