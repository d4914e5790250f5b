"""File names printed safely, at the edges of what counts as an undecodable byte."""

import os

import pytest

from dateline.copy.characters import printable_name


@pytest.mark.parametrize(
    ("raw", "printed"),
    [
        (b"a\x80b", "a\\x80b"),  # the lowest byte that is never UTF-8 on its own
        (b"a\xffb", "a\\xffb"),  # the highest
        (b"\x80\xff", "\\x80\\xff"),
    ],
)
def test_undecodable_bytes_print_as_the_bytes_they_were(raw, printed):
    assert printable_name(os.fsdecode(raw)) == printed
    assert printable_name(os.fsdecode(raw)) == raw.decode("utf-8", "backslashreplace")


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("a\udc7fb", "a\\udc7fb"),  # just below the surrogate escapes of bytes
        ("a\udd00b", "a\\udd00b"),  # just above
        ("a\ud800b", "a\\ud800b"),
        ("a\udfffb", "a\\udfffb"),
    ],
)
def test_other_lone_surrogates_print_as_code_points(name, printed):
    assert printable_name(name) == printed
    printable_name(name).encode("utf-8")  # strict: nothing unprintable is left


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("a\x00b", "a\\x00b"),
        ("a\x1fb", "a\\x1fb"),
        ("a\x7fb", "a\\x7fb"),
        ("a\x9fb", "a\\x9fb"),
        ("a\u2069b", "a\\u2069b"),
    ],
)
def test_controls_print_as_escapes(name, printed):
    assert printable_name(name) == printed


@pytest.mark.parametrize("name", ["a b", "a\xa0b", "ÿĀ.txt", "a\u200fb", "خبر.txt"])
def test_printable_characters_next_to_the_escaped_ranges_are_kept(name):
    assert printable_name(name) == name
