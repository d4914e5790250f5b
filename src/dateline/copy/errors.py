"""Errors raised by the wire-copy parser."""


class CopyError(ValueError):
    """Wire copy that cannot be turned into a story.

    The message is meant for an editor: it names the file first and then the
    problem, e.g. ``"empty.txt: the file is empty"``.
    """


class NotWireCopy(CopyError):
    """A readable file that is not wire copy: markup, a word list, notes or a table.

    An import passes it over and names it with the reason; it never becomes a story. The
    message reads ``"lewis.dtd: passed over, not wire copy: …"``.
    """

    PREFIX = "passed over, not wire copy"

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"{name}: {self.PREFIX}: {why}")
