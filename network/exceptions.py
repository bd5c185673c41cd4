class ImportFileError(Exception):
    """A reference-data file is malformed; `errors` lists each problem with its line number."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class DirectoryError(Exception):
    """A rule of the directory was not met; the message is shown to the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class LogoError(DirectoryError):
    """An uploaded logo was refused (type, size, pixels)."""
