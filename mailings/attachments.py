from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Attachment:
    """A small text attachment stored with the outbox row (e.g. text/calendar)."""

    filename: str
    content: str
    mimetype: str

    def as_dict(self) -> dict:
        return asdict(self)
