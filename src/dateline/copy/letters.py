"""The Arabic letters Persian writes otherwise: one map for every place that must treat both
spellings of a word as one (search, `dateline.discovery.text`; tags, `stories.tagging`).

Arabic keyboard layouts type ي and ك where Persian has ی and ک, and copy from Arabic sources
carries ة, ى and ٱ; Persian copy writes the same words with the Persian letters. ة → ه is a
loss for Arabic readers who tell them apart, but both spellings of the same word are common
in Persian and Arabic copy.
"""

import re

PERSIAN_LETTERS = {
    "ي": "ی",  # Arabic yeh
    "ى": "ی",  # alef maksura
    "ك": "ک",  # Arabic kaf
    "ة": "ه",  # teh marbuta
    "ۀ": "ه",  # heh with yeh above, the ezafe as Persian keyboards type it (one character)
    "ە": "ه",  # ae: what ۀ is left as once its mark goes (search strips marks first)
    "ٱ": "ا",  # alef wasla
    "ـ": "",  # tatweel
}
# A regular expression, not `str.translate`: a translation table costs Persian text fifteen
# times as much (a dictionary look-up per character, not per letter to change).
_ANY = re.compile("[" + "".join(PERSIAN_LETTERS) + "]")


def persian_letters(text: str) -> str:
    """`text` with each letter of `PERSIAN_LETTERS` written the Persian way, tatweel dropped."""
    return _ANY.sub(lambda match: PERSIAN_LETTERS[match[0]], text)


# Arabic-Indic and Persian digits as ASCII ones: "۱۴۰۳" and "1403" are one number to search
# and to tags.
ASCII_DIGITS = {chr(ord(zero) + n): str(n) for zero in ("٠", "۰") for n in range(10)}
_DIGITS_TABLE = str.maketrans(ASCII_DIGITS)


def ascii_digits(text: str) -> str:
    return text.translate(_DIGITS_TABLE)
