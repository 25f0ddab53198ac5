from flask import Blueprint

bp = Blueprint("studios", __name__)

from blueprints.studios import routes  # noqa: E402,F401
