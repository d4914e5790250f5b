"""Characters that are in the text but not on the page: bidi controls, invisible text, names
that cannot be printed as they are."""

import os
from collections import Counter

import pytest

from dateline.copy.characters import (
    BIDI_CONTROLS,
    describe_removed_bidi,
    has_visible_character,
    printable_name,
    strip_bidi_controls,
)

ALL_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_the_bidi_controls_are_the_embeddings_overrides_and_isolates() -> None:
    assert frozenset(ALL_BIDI_CONTROLS) == BIDI_CONTROLS


def test_every_bidi_control_is_stripped_and_counted() -> None:
    text, removed = strip_bidi_controls(f"a{ALL_BIDI_CONTROLS}b\u202e\u202ec")
    assert text == "abc"
    assert removed == Counter(ALL_BIDI_CONTROLS) + Counter({"\u202e": 2})


def test_direction_marks_and_joiners_are_kept() -> None:
    # U+200E/U+200F and U+061C only nudge neutral characters; Persian needs U+200C and U+200D.
    text = "\u200eA\u200fب\u061c\u200cمی\u200dشود"
    assert strip_bidi_controls(text) == (text, Counter())


def test_removed_characters_are_described_by_code_point_and_name() -> None:
    assert describe_removed_bidi(Counter({"\u202e": 2, "\u2066": 1})) == (
        "removed 3 bidirectional control characters "
        "(U+202E RIGHT-TO-LEFT OVERRIDE ×2, U+2066 LEFT-TO-RIGHT ISOLATE ×1)"
    )
    assert describe_removed_bidi(Counter({"\u202b": 1})) == (
        "removed 1 bidirectional control character (U+202B RIGHT-TO-LEFT EMBEDDING ×1)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \t ",
        "\u200b",  # zero-width space
        "\u200b\u200b \u200b",
        "\u200e",  # left-to-right mark
        "\u200f\u200e",
        "\u2060",  # word joiner
        "\ufeff",  # zero-width no-break space
        "\u00ad",  # soft hyphen
        "\u200c\u200d",  # zero-width non-joiner and joiner
        "\u00a0\u2003\u3000",  # no-break, em and ideographic spaces
        "\u2028\u2029",  # line and paragraph separators
        "\u0301\u0651",  # combining marks with no base
        "\ufe0f",  # a variation selector
        "\u3164\u115f\u1160\uffa0",  # Hangul fillers, letters drawn blank
        "\u2800",  # the blank Braille pattern
        "\u202e\u2066",  # bidi controls
        "\U000e0041",  # a tag character
        "\x07",
    ],
)
def test_no_visible_character(text: str) -> None:
    assert not has_visible_character(text)


@pytest.mark.parametrize(
    "text",
    ["a", "\u200b.\u200b", "۱", "ب", "中", "€", "—", "\u200be\u0301", "\u2800x", "😀", "\ufffd"],
)
def test_visible_character(text: str) -> None:
    assert has_visible_character(text)


def test_printable_name_escapes_bytes_that_are_not_utf8_as_backslashreplace_does() -> None:
    name = os.fsdecode(b"caf\xe9-\xff.txt")
    assert printable_name(name) == b"caf\xe9-\xff.txt".decode("utf-8", "backslashreplace")
    assert printable_name(name) == "caf\\xe9-\\xff.txt"
    printable_name(name).encode("utf-8")  # strict: no surrogates left


def test_printable_name_escapes_controls_and_bidi_and_keeps_other_text() -> None:
    assert printable_name("a\nb\x1b[31m.txt") == "a\\x0ab\\x1b[31m.txt"
    assert printable_name("invoice\u202etxt.exe") == "invoice\\u202etxt.exe"
    assert printable_name("خبر\u200cها — café.txt") == "خبر\u200cها — café.txt"
    assert printable_name(printable_name("\udcff")) == "\\xff"
