class NewsletterError(Exception):
    """A newsletter rule was not met; the message is shown to the person or staff member."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidLink(NewsletterError):
    """A token that matches no subscription, or none this action applies to."""


class WrongState(NewsletterError):
    """The issue is not in a state that allows this (e.g. a second send)."""
