class InfothekError(Exception):
    """A rule was not met; the message is shown to the person.

    `field` names the form field the message belongs to, where a form asks for it."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
