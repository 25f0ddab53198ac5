"""quiz"""
from blueprints.courses import bp, office_bp  # noqa: F401
