"""Pieces of a page written once per process and remembered by every value they show (a
story's card in a list, an edition's masthead; decision 0044).

Keyed by the values themselves, a piece needs no retiring: whatever changes under it is
another key. A process's threads share one `Remembered`; each step below is one atomic dict
operation, and losing a race only writes a piece twice.
"""

from collections.abc import Callable, Hashable


class Remembered:
    """At most `most` pieces; a process that has written more forgets its oldest first."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.held: dict[Hashable, object] = {}

    def get(self, key: Hashable, write: Callable[[], object]):
        piece = self.held.get(key)
        if piece is None:
            piece = write()
            self._remember(key, piece)
        return piece

    def _remember(self, key: Hashable, piece) -> None:
        while len(self.held) >= self.most:
            try:
                oldest = next(iter(self.held))
            except (StopIteration, RuntimeError):  # emptied, or changed by another thread
                break
            self.held.pop(oldest, None)
        self.held[key] = piece
