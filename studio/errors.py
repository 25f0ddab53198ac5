"""Errors raised by operations when a domain rule refuses a change."""


class RuleError(Exception):
    """A change that the studio's rules refuse; ``message`` is already translated."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field
