from flask import Blueprint

bp = Blueprint("briefings", __name__)
# the office's page over every studio in its scope, at /admin/briefings
office_bp = Blueprint("briefings_office", __name__)

from blueprints.briefings import office, routes  # noqa: E402,F401
