"""Input that is not a story is refused with a CopyError naming the file and the problem."""

import datetime
import re
from pathlib import Path

import pytest
from copy_support import DATA, NOW

from dateline.copy import MAX_TEXT_BYTES, CopyError, parse_file, parse_text


def _refused(data: bytes, name: str, message: str) -> None:
    with pytest.raises(CopyError, match="^" + re.escape(message)):
        parse_text(data, name=name, now=NOW)


def test_copy_error_is_a_value_error() -> None:
    assert issubclass(CopyError, ValueError)


def test_empty() -> None:
    _refused(b"", "empty.txt", "empty.txt: the file is empty")


def test_whitespace_only() -> None:
    _refused(b" \n\r\n\t \n", "blank.txt", "blank.txt: the file holds only whitespace")


def test_png_bytes() -> None:
    _refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.jpg", "photo.jpg: binary data")


def test_nul_bytes() -> None:
    message = "photo.jpg: binary data, not text (NUL byte at offset 13)"
    _refused(b"Headline here\x00\x00\x00", "photo.jpg", message)


def test_only_furniture_is_no_headline() -> None:
    _refused(
        b"Related News\n\nYour Comment\n\nShare\n",
        "x.txt",
        "x.txt: no headline found (only page furniture such as 'Related News')",
    )


def test_blob_without_line_breaks_is_no_headline() -> None:
    blob = ("Words without any line break at all. " * 20).encode()
    _refused(blob, "blob.txt", "blob.txt: no headline found (the first line is 739 characters")


def test_headline_without_body() -> None:
    _refused(b"Just a headline\n\n", "flash.txt", "flash.txt: no story text after the headline")


def test_too_big_bytes() -> None:
    data = b"x" * (MAX_TEXT_BYTES + 1)
    _refused(
        data, "big.txt", "big.txt: 10,485,761 bytes is over the 10 MB limit for one text story"
    )


def test_too_big_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written

    def no_full_read(self: Path) -> bytes:
        raise AssertionError(f"{self} read in full")

    monkeypatch.setattr(Path, "read_bytes", no_full_read)
    with pytest.raises(CopyError, match=r"^big\.txt: 52,428,800 bytes is over the 10 MB limit"):
        parse_file(path, now=NOW)


def test_forced_sgml_on_text(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Headline\n\nTehran, IRNA – Body.\n")
    with pytest.raises(CopyError, match=r"^--format reuters-sgml but x\.txt holds no <REUTERS>"):
        parse_file(path, format="reuters-sgml", now=NOW)


def test_forced_text_on_sgml(tmp_path: Path) -> None:
    path = tmp_path / "reut2-000.sgm"
    path.write_bytes((DATA / "sample.sgm").read_bytes())
    with pytest.raises(CopyError, match=r"^--format text but reut2-000\.sgm holds Reuters SGML"):
        parse_file(path, format="text", now=NOW)


def test_sgm_name_without_reuters_elements(tmp_path: Path) -> None:
    path = tmp_path / "odd.sgm"
    path.write_text("Headline\n\nBody.\n")
    with pytest.raises(CopyError, match=r"^odd\.sgm: no <REUTERS> elements found$"):
        parse_file(path, now=NOW)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CopyError, match=r"^gone\.txt: not a file$"):
        parse_file(tmp_path / "gone.txt", now=NOW)


def test_forced_text_parses_text(tmp_path: Path) -> None:
    path = tmp_path / "story.sgm"
    path.write_text("Headline\n\nLONDON, Nov 26 (Reuters) - Body.\n")
    result = parse_file(path, format="text", now=NOW, year_hint_date=datetime.date(2020, 12, 31))
    story = result.stories[0]
    assert story.headline == "Headline"
    assert story.dateline is not None
    assert story.dateline.date == datetime.date(2020, 11, 26)


def test_missing_dateline_is_a_warning_not_an_error() -> None:
    story = parse_text(b"Headline\n\nA lead without a dateline.\n", name="n.txt", now=NOW)
    assert story.dateline is None
    assert story.lead == "A lead without a dateline."
    assert story.warnings == ["n.txt: no dateline found at the start of the lead"]
