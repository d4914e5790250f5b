"""Decoding at the edges: Windows-1252 from one bad byte in 50,000 and not rarer, its five
undefined bytes replaced rather than refused; exactly five bad bytes reported one by one with
no summary; a UTF-16 byte-order mark on bytes that are not UTF-16 refused with the offset."""

import codecs

import pytest

from dateline.copy import CopyError
from dateline.copy.encoding import decode

CP1252_WARNING = "wire.txt: not UTF-8; decoded as Windows-1252"


def test_one_bad_byte_in_exactly_fifty_thousand_is_windows_1252():
    data = b"a" * 49_999 + b"\xe9"
    assert decode(data, name="wire.txt") == ("a" * 49_999 + "é", [CP1252_WARNING])


def test_one_bad_byte_in_more_than_fifty_thousand_is_corruption():
    data = b"a" * 50_000 + b"\xe9"
    text, warnings = decode(data, name="wire.txt")
    assert text == "a" * 50_000 + "\ufffd"
    assert warnings == ["wire.txt: byte 0xE9 at offset 50000 is not valid UTF-8; replaced"]


@pytest.mark.parametrize("undefined", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_a_byte_windows_1252_leaves_undefined_is_replaced_not_refused(undefined):
    text, warnings = decode(b"Caf\xe9 " + undefined + b" talks", name="wire.txt")
    assert text == "Café \ufffd talks"
    assert warnings == [CP1252_WARNING]


def test_five_bad_bytes_are_each_reported_with_no_summary():
    data = "ü".encode() + b" \xff" * 5
    _, warnings = decode(data, name="bad.txt")
    assert warnings == [
        f"bad.txt: byte 0xFF at offset {offset} is not valid UTF-8; replaced"
        for offset in (3, 5, 7, 9, 11)
    ]


def test_a_utf16_byte_order_mark_on_bytes_that_are_not_utf16_is_refused_with_the_offset():
    data = codecs.BOM_UTF16_LE + "Headline".encode("utf-16-le") + b"\x00\xdc"
    with pytest.raises(
        CopyError,
        match=r"^wire\.txt: starts with a UTF-16 byte-order mark but is not valid UTF-16 "
        r"\(offset 18\)$",
    ):
        decode(data, name="wire.txt")
