class TemporaryDeliveryError(Exception):
    """The mail server could not take the message now; try again after `retry_in` seconds."""

    def __init__(self, message: str, retry_in: int):
        super().__init__(message)
        self.retry_in = retry_in
