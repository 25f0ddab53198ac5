from flask import Blueprint

bp = Blueprint("activities", __name__)

from blueprints.activities import routes  # noqa: E402,F401
from blueprints.activities import planning  # noqa: E402,F401
