"""Errors raised by the wire-copy parser."""


class CopyError(ValueError):
    """Wire copy that cannot be turned into a story.

    The message is meant for an editor: it names the file first and then the
    problem, e.g. ``"empty.txt: the file is empty"``.
    """


class Withdrawn(CopyError):
    """A partner's item it has withdrawn (pubStatus canceled): refused, its source id kept, so
    that the refusal can name a story an earlier version of it made."""

    def __init__(self, message: str, source_id: str) -> None:
        super().__init__(message)
        self.source_id = source_id


class NotWireCopy(CopyError):
    """A readable file that is not wire copy: markup, a word list, notes or a table.

    An import passes it over and names it with the reason; it never becomes a story. The
    message reads ``"lewis.dtd: passed over, not wire copy: …"``.
    """

    PREFIX = "passed over, not wire copy"

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"{name}: {self.PREFIX}: {why}")
