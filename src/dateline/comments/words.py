"""Banned and suspect words, matched the way a reader would read them.

Both the rule and the comment are normalised the same way: case folded, diacritics and Arabic
vowel marks dropped, Arabic letter forms mapped to their Persian equivalents (ي→ی, ك→ک, …),
zero-width joiners and tatweel removed, digits made ASCII. "Spam", "SPAM", "spám" match one
rule; so do "كتاب" typed on an Arabic keyboard and "کتاب" on a Persian one.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_LETTER_VARIANTS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf
        "ة": "ه",  # teh marbuta
        "ۀ": "ه",  # heh with yeh above
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ی",
        "ـ": None,  # tatweel, drawn to stretch a word
        "\u200c": None,  # zero-width non-joiner (Persian half-space)
        "\u200d": None,  # zero-width joiner
        "\u200b": None,  # zero-width space
        "\u00ad": None,  # soft hyphen
    }
)
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """`text` as a space-separated run of normalised words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = unicodedata.normalize("NFKC", bare).translate(_LETTER_VARIANTS)
    words = (_ascii_digits(word) for word in _WORD.findall(bare))
    return " ".join(words)


def _ascii_digits(word: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in word)


@dataclass(frozen=True)
class Verdict:
    banned: tuple[str, ...] = ()
    suspect: tuple[str, ...] = ()


def judge(text: str, rules: Iterable[tuple[str, str]]) -> Verdict:
    """Which rules (pairs of kind and normalised phrase) `text` matches, as whole words."""
    padded = f" {normalise(text)} "
    banned, suspect = [], []
    for kind, phrase in rules:
        if phrase and f" {phrase} " in padded:
            (banned if kind == "banned" else suspect).append(phrase)
    return Verdict(tuple(banned), tuple(suspect))
