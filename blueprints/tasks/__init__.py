from flask import Blueprint

bp = Blueprint("tasks", __name__)

from blueprints.tasks import routes  # noqa: E402,F401
