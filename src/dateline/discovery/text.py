"""One normalisation for English, Persian and Arabic text, used for the search index and for
queries alike, so that a reader's spelling and the copy's need not agree on the details:

- Unicode compatibility forms (NFKC: Arabic presentation forms, full-width Latin, ligatures);
- case (case folding: "Straße" finds "STRASSE");
- marks: Arabic harakat, superscript alef, Quranic marks and Latin accents are dropped, so
  "كِتَاب" finds "کتاب" and "café" finds "cafe"; the alef, waw and yeh with hamza or madda
  ("أ", "إ", "آ", "ؤ", "ئ") decompose to the bare letter and lose the mark the same way;
- Arabic letters Persian writes otherwise: ي and ى → ی, ك → ک, ة and ۀ → ه, ٱ → ا;
- tatweel (the stretching "ـ") and the zero-width non-joiner and joiner are dropped, so
  "می‌روند" and "میروند" are one word; other invisible format characters go too;
- Persian and Arabic-Indic digits → ASCII ("۱۴۰۳" finds "1403").

ة → ه is a loss for Arabic readers who tell them apart, but both spellings of the same word
are common in Persian and Arabic copy, and search must find either.
"""

import re
import unicodedata

_LETTERS = {
    "ي": "ی",  # Arabic yeh
    "ى": "ی",  # alef maksura
    "ك": "ک",  # Arabic kaf
    "ة": "ه",  # teh marbuta
    "ە": "ه",  # ae: what ۀ (heh with yeh above) is left as once its mark goes
    "ٱ": "ا",  # alef wasla
    "ـ": "",  # tatweel
}
_DIGITS = {ord(zero) + n: str(n) for zero in ("٠", "۰") for n in range(10)}
_TRANSLATION = str.maketrans({**{ord(k): v for k, v in _LETTERS.items()}, **_DIGITS})

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


def normalise(text: str) -> str:
    """`text` as the index stores it and as queries are matched (see the module's docs).
    Word breaks stay where they were; only the letters inside words change."""
    # Decomposed, so that marks stand alone ("أ" is "ا" and a hamza above), then dropped; the
    # letters Persian spells otherwise are mapped last, when "ئ" has become a bare "ي".
    text = "".join(_kept(c) for c in unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFKC", text).casefold().translate(_TRANSLATION)


def tokens(text: str) -> list[str]:
    """The words of `text`, normalised, in order."""
    return _WORD.findall(normalise(text))


def written_words(text: str) -> list[tuple[int, int]]:
    """Where the words of `text`, as written, start and end: a word keeps its marks and
    joiners ("می‌روند" is one), so each span normalises to one or more `tokens`."""
    return [match.span() for match in _WRITTEN_WORD.finditer(text)]


def index_text(text: str) -> str:
    """`text` for the index: its tokens, one space apart, so that each backend's own
    tokeniser finds exactly these words and nothing of its own."""
    return " ".join(tokens(text))
