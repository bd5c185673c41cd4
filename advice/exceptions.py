class AdviceError(Exception):
    """A booking rule was not met; the message is shown to the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class SlotTaken(AdviceError):
    """Someone else booked the slot first (or it is no longer bookable)."""
