from flask import Blueprint

bp = Blueprint("showcase", __name__)

from blueprints.showcase import routes  # noqa: E402,F401
