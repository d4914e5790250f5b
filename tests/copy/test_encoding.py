"""Decoding wire bytes: BOMs, line ends, legacy encodings, bad bytes, control characters."""

import codecs
import re

import pytest
from copy_support import NOW

from dateline.copy import CopyError, parse_text
from dateline.copy.encoding import decode

STORY = "Café talks open\n\nPARIS, Nov 26 (Reuters) - Ministers met at the café “today”.\n"


def test_utf8_bom_removed() -> None:
    text, warnings = decode(codecs.BOM_UTF8 + b"Headline\nBody", name="bom.txt")
    assert text == "Headline\nBody"
    assert warnings == []


def test_bom_does_not_reach_headline() -> None:
    story = parse_text(codecs.BOM_UTF8 + STORY.encode(), name="bom.txt", now=NOW)
    assert story.headline == "Café talks open"


def test_utf16_with_bom() -> None:
    text, warnings = decode(STORY.encode("utf-16"), name="wide.txt")
    assert text == STORY
    assert warnings == []


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_ends_normalised(newline: str) -> None:
    text, _ = decode(STORY.replace("\n", newline).encode(), name="crlf.txt")
    assert text == STORY
    story = parse_text(STORY.replace("\n", newline).encode(), name="crlf.txt", now=NOW)
    assert story.lead == "Ministers met at the café “today”."


def test_cp1252_decoded_with_warning() -> None:
    data = STORY.encode("cp1252")
    text, warnings = decode(data, name="x.txt")
    assert text == STORY
    assert warnings == ["x.txt: not UTF-8; decoded as Windows-1252"]
    story = parse_text(data, name="x.txt", now=NOW)
    assert story.headline == "Café talks open"
    assert "x.txt: not UTF-8; decoded as Windows-1252" in story.warnings


# Persian as Windows-1256 writes it (no Persian yeh or digits there: ي and Latin digits).
# "دگرگون" is bytes CF 90, a valid UTF-8 character by chance.
PERSIAN_1256 = (
    "بودجه سال آينده در مجلس دگرگون شد\n\n"
    "تهران، 10 آذر (ايرنا) - نمايندگان مجلس گزارش کميسيون برنامه و بودجه را بررسي کردند.\n"
)
ARABIC_1256 = "اجتماع وزراء الخارجية العرب\n\nالقاهرة - عقد وزراء الخارجية اجتماعا طارئا اليوم.\n"


@pytest.mark.parametrize("story", [PERSIAN_1256, ARABIC_1256])
def test_persian_and_arabic_in_windows_1256_decoded_with_warning(story: str) -> None:
    data = story.encode("cp1256")
    text, warnings = decode(data, name="fa.txt")
    assert text == story
    assert warnings == ["fa.txt: not UTF-8; decoded as Windows-1256 (Arabic script)"]
    parsed = parse_text(data, name="fa.txt", now=NOW)
    assert (parsed.headline, parsed.language, parsed.direction) == (
        story.split("\n")[0],
        "fa" if story is PERSIAN_1256 else "ar",
        "rtl",
    )


@pytest.mark.parametrize(
    "story",
    [
        "Canción de los niños\n\nMADRID, 1 dic (EFE) - El ministro habló de la situación.\n",
        "Gespräch über Öl\n\nBERLIN, 1. Dezember (dpa) - Sie sprachen über höhere Ölpreise.\n",
    ],
)
def test_latin_letters_windows_1256_would_make_arabic_stay_windows_1252(story: str) -> None:
    text, warnings = decode(story.encode("cp1252"), name="x.txt")
    assert text == story
    assert warnings == ["x.txt: not UTF-8; decoded as Windows-1252"]


def test_persian_in_utf8_with_a_bad_byte_is_not_taken_for_windows_1256() -> None:
    data = PERSIAN_1256.encode() + b"\xd4\xd5 " + PERSIAN_1256.encode()
    text, warnings = decode(data, name="fa.txt")
    assert text == PERSIAN_1256 + "\ufffd\ufffd " + PERSIAN_1256
    assert len(warnings) == 2


def test_stray_bad_byte_in_utf8_replaced_with_offset() -> None:
    data = "Über news\n\n".encode() + b"a" * 10 + b"\xfc" + b" and more text.\n"
    text, warnings = decode(data, name="mixed.txt")
    offset = data.index(b"\xfc")
    assert text == "Über news\n\n" + "a" * 10 + "\ufffd and more text.\n"
    assert warnings == [f"mixed.txt: byte 0xFC at offset {offset} is not valid UTF-8; replaced"]


def test_rare_bad_byte_in_ascii_is_corruption_not_cp1252() -> None:
    data = b"x" * 100_000 + b"\xfc" + b"y" * 10
    text, warnings = decode(data, name="big.sgm")
    assert text[100_000] == "\ufffd"
    assert warnings == ["big.sgm: byte 0xFC at offset 100000 is not valid UTF-8; replaced"]


def test_many_bad_bytes_reported_up_to_five() -> None:
    data = "ü".encode() + b" \xff" * 8
    _, warnings = decode(data, name="bad.txt")
    assert len(warnings) == 6
    assert warnings[-1] == "bad.txt: 3 more bytes that are not valid UTF-8 replaced"


def test_control_characters_removed_except_newline_and_tab() -> None:
    data = b"Head\x07line\n\tBody\x1b text\x7f\x0c. It has four stray control bytes."
    text, _ = decode(data, name="ctl.txt")
    assert text == "Headline\n\tBody text. It has four stray control bytes."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png: binary data, not text (PNG image)"),
        (b"abcdefghijkl\x00rest", "photo.png: binary data, not text (NUL byte at offset 12)"),
        (
            bytes(range(1, 32)) * 4,
            "photo.png: binary data, not text (112 control bytes in the first 124)",
        ),
    ],
)
def test_binary_refused(data: bytes, message: str) -> None:
    with pytest.raises(CopyError, match=re.escape(message)):
        decode(data, name="photo.png")
