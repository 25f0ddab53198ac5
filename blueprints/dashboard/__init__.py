"""The office's dashboard (项目办数据看板): figures across the studios it oversees."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from blueprints.dashboard import routes  # noqa: E402,F401
