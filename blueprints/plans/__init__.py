from flask import Blueprint

bp = Blueprint("plans", __name__)

from blueprints.plans import routes  # noqa: E402,F401
