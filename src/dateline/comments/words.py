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

from dateline.copy.language import is_arabic_script

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
# How many more parts than a rule has a comment may split its words into ("کثافتکاری" typed
# "کثافت کاری": one more).
MORE_PARTS = 3


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
    """Which rules (pairs of kind and normalised phrase) `text` matches, as whole words; a
    space between two Persian or Arabic words counts as the half-space it often stands for
    (`_phrase`): "کثافت کاری" is the rule "کثافت‌کاری", and the other way round."""
    rules = [(kind, phrase.split()) for kind, phrase in rules]
    longest = max((len(words) for _, words in rules), default=0) + MORE_PARTS
    words = normalise(text).split()
    # Each run of words the longest rule could be, as one phrase: a rule matches one of them.
    runs = {
        _phrase(words[start:end])
        for start in range(len(words))
        for end in range(start + 1, min(start + longest, len(words)) + 1)
    }
    banned, suspect = [], []
    for kind, rule in rules:
        if rule and _phrase(rule) in runs:
            (banned if kind == "banned" else suspect).append(" ".join(rule))
    return Verdict(tuple(banned), tuple(suspect))


def _phrase(words: list[str]) -> str:
    """Normalised words as one phrase: a space between them, but none between two words of the
    Arabic script. Persian joins a word's parts with a half-space (ZWNJ), which normalising
    drops, and writers type a space or nothing for it alike."""
    joined = words[0]
    for word in words[1:]:
        joined += ("" if is_arabic_script(joined[-1]) and is_arabic_script(word[0]) else " ") + word
    return joined
