from flask import Blueprint

bp = Blueprint("observations", __name__)

from blueprints.observations import routes  # noqa: E402,F401
