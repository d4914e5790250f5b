"""Input that is not a story is refused with a CopyError naming the file and the problem."""

import datetime
import json
import os
import re
from pathlib import Path
from typing import BinaryIO

import pytest
from copy_support import DATA, NOW

from dateline.copy import MAX_TEXT_BYTES, CopyError, parse_file, parse_text
from dateline.copy.characters import BIDI_CONTROLS
from dateline.copy.files import MAX_SGML_BYTES


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


# -- the size guard: an oversize file is refused from its size, before it is read -----------


class _CountingStream:
    """A binary file whose reads are counted."""

    def __init__(self, stream: BinaryIO, counts: list[int]) -> None:
        self._stream = stream
        self._counts = counts

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._counts.append(len(data))
        return data

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def __enter__(self) -> "_CountingStream":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stream.close()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every read from a file opened for reading in binary, in order."""
    counts: list[int] = []
    opened: list[Path] = []
    real_open = Path.open

    def counting_open(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        stream = real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]
        if mode != "rb":
            return stream
        opened.append(self)
        return _CountingStream(stream, counts)

    monkeypatch.setattr(Path, "open", counting_open)
    yield counts
    assert opened, "parse_file no longer opens files with Path.open: count its reads another way"


def _sparse(path: Path, size: int, head: bytes = b"") -> Path:
    with path.open("wb") as stream:
        stream.write(head)
        stream.truncate(size)  # no disk blocks written past the head
    return path


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        (
            "big.txt",
            MAX_TEXT_BYTES + 1,
            "big.txt: 10,485,761 bytes is over the 10 MB limit for one text story",
        ),
        ("huge.txt", 50 * 1024 * 1024, "huge.txt: 52,428,800 bytes is over the 10 MB limit"),
        (
            "big.sgm",
            MAX_SGML_BYTES + 1,
            "big.sgm: 67,108,865 bytes is over the 64 MB limit for one Reuters SGML file",
        ),
    ],
)
def test_oversize_file_is_refused_before_it_is_read(
    tmp_path: Path, reads: list[int], name: str, size: int, message: str
) -> None:
    path = _sparse(tmp_path / name, size, b"Headline\n\nTehran, IRNA - Talks resumed.\n")
    with pytest.raises(CopyError, match="^" + re.escape(message)):
        parse_file(path, now=NOW)
    assert sum(reads) <= 64 * 1024  # the sniffed head at most, never the whole file


def test_file_of_exactly_the_limit_is_read_and_parsed(tmp_path: Path, reads: list[int]) -> None:
    head = b"Headline\n\nTehran, IRNA - Talks resumed.\n"
    path = _sparse(tmp_path / "limit.txt", MAX_TEXT_BYTES, head)
    # Read whole, then refused for what it holds (the zeros of the sparse file), not its size.
    with pytest.raises(CopyError, match=r"^limit\.txt: binary data, not text \(NUL byte"):
        parse_file(path, now=NOW)
    assert sum(reads) == MAX_TEXT_BYTES


def test_sniffed_sgml_gets_the_sgml_limit(tmp_path: Path, reads: list[int]) -> None:
    # Over the text limit, under the SGML one: a .txt name holding <REUTERS> is read in full.
    data = (DATA / "sample.sgm").read_bytes()
    path = _sparse(tmp_path / "feed.txt", MAX_TEXT_BYTES + 1, data)
    reads.clear()
    with pytest.raises(CopyError, match=r"^feed\.txt: binary data"):
        parse_file(path, now=NOW)
    assert sum(reads) == MAX_TEXT_BYTES + 1


def test_sgml_file_of_exactly_the_limit_is_read_and_parsed(
    tmp_path: Path, reads: list[int]
) -> None:
    path = _sparse(tmp_path / "limit.sgm", MAX_SGML_BYTES, (DATA / "sample.sgm").read_bytes())
    reads.clear()
    # Read whole, then refused for what it holds (the zeros of the sparse file), not its size.
    with pytest.raises(CopyError, match=r"^limit\.sgm: binary data, not text \(NUL byte"):
        parse_file(path, now=NOW)
    assert sum(reads) == MAX_SGML_BYTES


def test_a_file_that_cannot_be_read_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(b"Headline\n\nTehran, IRNA - Talks resumed.\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)  # root reads any file whatever its mode
    with pytest.raises(
        CopyError, match=r"^locked\.txt: cannot read the file \(Permission denied\)$"
    ):
        parse_file(path, now=NOW)


# -- invisible text and bidirectional controls ---------------------------------------------


@pytest.mark.parametrize(
    "headline",
    [
        "\u200b",
        "\u200b\u200b\u200b",
        "\u200e",
        "\u200f",
        "\u2060",
        "\u00ad",
        "\u200c \u200d",
        "\u3164",
        "\u0301",
        "\u2800",
        "\u202e\u200b",
    ],
)
def test_headline_without_a_visible_character_is_refused(headline: str) -> None:
    data = f"{headline}\n\nTehran, IRNA – Talks resumed.\n".encode()
    _refused(data, "z.txt", "z.txt: headline has no visible characters")


@pytest.mark.parametrize(
    "body", ["\u200b", "Tehran, IRNA – \u200b\u2060", "Tehran, IRNA –\n\n\u200f\n\nMore."]
)
def test_lead_without_a_visible_character_is_refused(body: str) -> None:
    _refused(f"Talks resume\n\n{body}\n".encode(), "z.txt", "z.txt: lead has no visible characters")


def test_dateline_with_nothing_after_it_is_refused() -> None:
    _refused(
        "Talks resume\n\nTehran, IRNA –\n".encode(),
        "d.txt",
        "d.txt: no story text after the dateline",
    )


def test_bidi_controls_are_stripped_from_every_field_and_reported() -> None:
    data = (
        "Share\n"
        "\u202eTalks\u202c resume in \u2067Vienna\u2069\n"
        "By Ali \u2066Rezaei\u2069\n\n"
        "Teh\u202bran, \u202dIRNA – Talks \u2068resumed\u2069 on Monday.\n\n"
        "Next \u202asteps\n\n"
        "A second round is due in May.\n"
    ).encode()
    story = parse_text(data, name="v\u202eienna.txt", now=NOW)
    assert story.headline == "Talks resume in Vienna"
    assert story.byline == "By Ali Rezaei"
    assert story.dateline is not None
    assert (story.dateline.place, story.dateline.source) == ("Tehran", "IRNA")
    assert story.lead == "Talks resumed on Monday."
    assert [b.text for b in story.blocks] == ["Next steps", "A second round is due in May."]
    dumped = json.dumps(story.to_json_dict(), ensure_ascii=False)
    assert not set(dumped) & BIDI_CONTROLS
    assert story.source_name == "v\\u202eienna.txt"
    assert story.warnings == [
        "v\\u202eienna.txt: removed 11 bidirectional control characters ("
        "U+202A LEFT-TO-RIGHT EMBEDDING ×1, U+202B RIGHT-TO-LEFT EMBEDDING ×1, "
        "U+202C POP DIRECTIONAL FORMATTING ×1, U+202D LEFT-TO-RIGHT OVERRIDE ×1, "
        "U+202E RIGHT-TO-LEFT OVERRIDE ×1, U+2066 LEFT-TO-RIGHT ISOLATE ×1, "
        "U+2067 RIGHT-TO-LEFT ISOLATE ×1, U+2068 FIRST STRONG ISOLATE ×1, "
        "U+2069 POP DIRECTIONAL ISOLATE ×3)"
    ]


def test_a_persian_dateline_behind_a_bidi_embedding_is_still_read() -> None:
    data = "افتتاح خط آهن\n\n\u202bرشت- ایرنا- قطار حرکت کرد.\u202c\n".encode()
    story = parse_text(data, name="k.txt", now=NOW)
    assert story.dateline is not None
    assert (story.dateline.place, story.dateline.source) == ("رشت", "ایرنا")
    assert story.lead == "قطار حرکت کرد."


def test_file_name_that_is_not_utf8_is_printable_in_messages(tmp_path: Path) -> None:
    path = tmp_path / os.fsdecode(b"empty-\xff.txt")
    path.write_bytes(b"")
    with pytest.raises(CopyError, match=r"^empty-\\xff\.txt: the file is empty$"):
        parse_file(path, now=NOW)
    path = tmp_path / os.fsdecode(b"story-\xfe.txt")
    path.write_bytes(b"Headline\n\nA lead without a dateline.\n")
    (story,) = parse_file(path, now=NOW).stories
    assert story.source_name == "story-\\xfe.txt"
    assert story.warnings == ["story-\\xfe.txt: no dateline found at the start of the lead"]
