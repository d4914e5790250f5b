"""Guess a story's language from its script, and the writing direction."""

import re
from typing import Literal

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
_HEBREW = re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


def is_arabic_script(character: str) -> bool:
    """Whether `character` is a letter or mark of the Arabic script (Persian's too)."""
    return _ARABIC.fullmatch(character) is not None


def detect_language(text: str) -> str:
    """Return ``"fa"``, ``"ar"``, ``"he"`` or ``"en"`` by the dominant script.

    Arabic script is Persian when any Persian-only letter (پ چ ژ گ ک ی) occurs.
    Latin script, and text with no letters of these scripts, gives ``"en"``.
    """
    arabic = len(_ARABIC.findall(text))
    hebrew = len(_HEBREW.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic > max(hebrew, latin):
        return "fa" if _PERSIAN_ONLY.search(text) else "ar"
    if hebrew > latin:
        return "he"
    return "en"


def direction_for(language: str) -> Literal["ltr", "rtl"]:
    """``"rtl"`` for Arabic, Persian, Hebrew and Urdu (any region subtag); else ``"ltr"``."""
    primary = language.replace("_", "-").split("-", 1)[0].lower()
    return "rtl" if primary in _RTL_LANGUAGES else "ltr"
