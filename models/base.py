"""Helpers shared by the model modules."""
from datetime import datetime, timezone


def utcnow():
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
