from flask import Blueprint

bp = Blueprint("admin", __name__)

from blueprints.admin import region_routes, routes  # noqa: E402,F401
