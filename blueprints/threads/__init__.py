from flask import Blueprint

bp = Blueprint("threads", __name__)

from blueprints.threads import routes  # noqa: E402,F401
