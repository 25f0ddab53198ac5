from flask import Blueprint

bp = Blueprint("certification", __name__)

from blueprints.certification import programme_routes, routes  # noqa: E402,F401
