"""One normalisation for English, Persian and Arabic text, used for the search index and for
queries alike, so that a reader's spelling and the copy's need not agree on the details:

- Unicode compatibility forms (NFKC: Arabic presentation forms, full-width Latin, ligatures);
- case (case folding: "Straße" finds "STRASSE");
- marks: Arabic harakat, superscript alef, Quranic marks and Latin accents are dropped, so
  "كِتَاب" finds "کتاب" and "café" finds "cafe"; the alef, waw and yeh with hamza or madda
  ("أ", "إ", "آ", "ؤ", "ئ") decompose to the bare letter and lose the mark the same way;
- Arabic letters Persian writes otherwise: ي and ى → ی, ك → ک, ة and ۀ → ه, ٱ → ا
  (`dateline.copy.letters`, the map tags are folded by too);
- tatweel (the stretching "ـ") and the zero-width non-joiner and joiner are dropped, so
  "می‌روند" and "میروند" are one word (the index holds its parts too, for "می روند":
  `index_text`); other invisible format characters go too;
- Persian and Arabic-Indic digits → ASCII ("۱۴۰۳" finds "1403").

ة → ه is a loss for Arabic readers who tell them apart, but both spellings of the same word
are common in Persian and Arabic copy, and search must find either.
"""

import re
import unicodedata
from collections.abc import Iterator

from dateline.copy.letters import ASCII_DIGITS, PERSIAN_LETTERS

# The letters and the digits in one pass over the text (`persian_letters` and then the digits
# would read it twice).
_SPELLED_OTHERWISE = {**PERSIAN_LETTERS, **ASCII_DIGITS}
_OTHERWISE = re.compile("[" + "".join(_SPELLED_OTHERWISE) + "]")
_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")

# A word: letters and digits of any script. The underscore is not part of one (Python's \w
# takes it), so "a_b" is two words, as the search backends' own tokenisers see it.
_WORD = re.compile(r"[^\W_]+")

# In text as written, what may stand inside one word: letters, digits, combining marks, the
# joiners and tatweel. Highlighting finds words of the original text with it.
_WRITTEN_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d\u00ad])+"
)


def _kept(character: str) -> str:
    """What one character of decomposed text becomes: marks and invisible format characters
    vanish, control characters and lone surrogates are spaces, the rest stays."""
    if character == "\u200b":  # zero-width space: a word break
        return " "
    category = unicodedata.category(character)
    if category in ("Mn", "Cf"):
        return ""
    if category in ("Cc", "Cs"):
        return " "
    return character


class _Kept(dict):
    """`_kept` as a `str.translate` table, each character worked out the first time it is met:
    a loop over the characters in Python costs several times as much."""

    def __missing__(self, code: int) -> str:
        self[code] = kept = _kept(chr(code))
        return kept


_KEPT = _Kept()


def normalise(text: str) -> str:
    """`text` as the index stores it and as queries are matched (see the module's docs).
    Word breaks stay where they were; only the letters inside words change."""
    if text.isascii():  # most English copy: nothing to decompose
        return _ASCII_CONTROLS.sub(" ", text).lower()
    # Case first ("İ" folds to "i" and a dot above, which goes with the other marks), then
    # decomposed so that marks stand alone ("أ" is "ا" and a hamza above) and are dropped;
    # folded again for what decomposing made capital ("℡" is "TEL"); the letters Persian
    # spells otherwise are mapped last, once "ئ" has become a bare "ي".
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_KEPT)
    text = unicodedata.normalize("NFC", text).casefold()
    return _OTHERWISE.sub(lambda match: _SPELLED_OTHERWISE[match[0]], text)


def tokens(text: str) -> list[str]:
    """The words of `text`, normalised, in order."""
    return _WORD.findall(normalise(text))


def written_words(text: str) -> Iterator[tuple[int, int]]:
    """Where the words of `text`, as written, start and end, in order: a word keeps its marks
    and joiners ("می‌روند" is one), so each span normalises to one or more `tokens`."""
    return (match.span() for match in _WRITTEN_WORD.finditer(text))


ZWNJ = "\u200c"  # the zero-width non-joiner


def index_text(text: str) -> str:
    """`text` for the index: its tokens, one space apart, so that each backend's own
    tokeniser finds exactly these words and nothing of its own.

    A word written with a zero-width non-joiner ("راه‌آهن") is one token, which a query typed
    with or without the joiner finds ("راهآهن"); many keyboards type a space there instead
    ("راه آهن"), so the word's parts are indexed too, after the text: there a phrase across
    the word and its neighbours still reads as written."""
    indexed = " ".join(tokens(text))
    if ZWNJ not in text:
        return indexed
    parts = [part for start, end in written_words(text) for part in joined_parts(text[start:end])]
    return " ".join([indexed, *parts])


def joined_parts(word: str) -> list[str]:
    """The tokens of a written word's parts, if a zero-width non-joiner joins them ("راه‌آهن":
    راه, اهن); none for any other word. What the index holds after a text (`index_text`)."""
    return tokens(word.replace(ZWNJ, " ")) if ZWNJ in word else []
