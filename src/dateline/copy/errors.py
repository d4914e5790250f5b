"""Errors raised by the wire-copy parser."""


class CopyError(ValueError):
    """Wire copy that cannot be turned into a story.

    The message is meant for an editor: it names the file first and then the
    problem, e.g. ``"empty.txt: the file is empty"``.
    """
