class ImportFileError(Exception):
    """A reference-data file is malformed; `errors` lists each problem with its line number."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors
