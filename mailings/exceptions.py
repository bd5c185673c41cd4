"""What the outbox refuses to take. Callers validate input first; these are the last line."""


class OutboxError(ValueError):
    """The outbox refuses this mail; the message says why (never the address itself)."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


class InvalidRecipientError(OutboxError):
    """The recipient, or an address header such as Reply-To, is not one the outbox sends to."""


class InvalidHeaderError(OutboxError):
    """A header name or value that could break the message: line breaks, control characters."""
