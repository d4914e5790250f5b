"""Parse a wire file from disk in either format, sniffing it when asked to."""

import datetime
import json
import os
import re
from pathlib import Path
from typing import Literal

from dateline.copy.characters import printable_name
from dateline.copy.errors import CopyError
from dateline.copy.model import ParseResult
from dateline.copy.partner import MAX_PARTNER_BYTES, parse_newsml, parse_ninjs, sniff_partner_format
from dateline.copy.reuters import parse_reuters_sgml
from dateline.copy.text import MAX_TEXT_BYTES, parse_text, too_big

MAX_SGML_BYTES = 64 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024
_REUTERS_MARK = b"<REUTERS"

Format = Literal["auto", "text", "reuters-sgml", "ninjs", "newsml"]
_PARTNER_PARSERS = {"ninjs": parse_ninjs, "newsml": parse_newsml}

# What a directory import takes: plain text and Reuters SGML, the formats there are parsers
# for. Any other suffix (.dtd, .xml, .json, .html, .pdf, none) is passed over, with its name.
WIRE_SUFFIXES = (".txt", ".sgm", ".sgml")
_SGML_SUFFIXES = (".sgm", ".sgml")
# What a directory import takes when told the files are partner items (`--format ninjs|newsml`).
PARTNER_SUFFIXES = {"ninjs": (".json",), "newsml": (".xml",)}
# File names that say "documentation" whatever the suffix (README.txt, LICENSE, …), as the
# whole name or its last word (a font's vazirmatn-OFL.txt); and words that say so first
# (LICENSE-MIT.txt), which no story's file name starts with.
_DOCUMENTATION_NAMES = frozenset(
    ("README", "READ_ME", "LICENSE", "LICENCE", "COPYING", "CHANGES", "CHANGELOG", "INSTALL",
     "AUTHORS", "OFL")
)  # fmt: skip
_DOCUMENTATION_FIRST_WORDS = frozenset(("README", "LICENSE", "LICENCE", "COPYING"))
_NAME_WORD = re.compile(r"[^\W_]+")


def not_wire_copy_by_name(path: Path, format: Format = "auto") -> str | None:
    """Why a file met in a directory is not wire copy by its name, or None.

    A suffix other than :data:`WIRE_SUFFIXES` (case aside; with ``format`` ``"ninjs"`` or
    ``"newsml"``, other than its :data:`PARTNER_SUFFIXES`), or a documentation name such as
    ``README.txt``. A file named on its own is taken whatever its name; the content checks of
    the parsers apply to every file.
    """
    stem = path.name.split(".")[0].upper()
    words = _NAME_WORD.findall(stem)
    if stem in _DOCUMENTATION_NAMES or (
        words and (words[-1] in _DOCUMENTATION_NAMES or words[0] in _DOCUMENTATION_FIRST_WORDS)
    ):
        return f"documentation by its name ({printable_name(path.name)})"
    suffixes = PARTNER_SUFFIXES.get(format, WIRE_SUFFIXES)
    if path.suffix.lower() not in suffixes:
        taken = ", ".join(suffixes)
        suffix = printable_name(path.suffix) if path.suffix else "no suffix"
        return f"{suffix} is not a wire-copy suffix ({taken})"
    return None


def parse_file(
    path: Path,
    *,
    format: Format = "auto",
    now: datetime.datetime,
    year_hint_date: datetime.date | None = None,
) -> ParseResult:
    """Parse the file at ``path`` as one text story, a Reuters SGML batch or one partner item
    (ninjs JSON or a NewsML-G2 newsItem).

    ``"auto"`` picks ninjs for a JSON object (its first byte ``{``) or array, NewsML-G2 for
    XML with a ``newsItem`` in IPTC's namespace in the first 64 KiB, Reuters SGML for a
    ``.sgm`` or ``.sgml`` name or a ``<REUTERS`` tag there, else text. Sizes are checked
    before the whole file is read. Raises :class:`CopyError` naming the file when it cannot
    be read, is too big, does not match a forced ``format``, or fails to parse. The name in
    messages and story names is printable (:func:`printable_name`).
    """
    name = printable_name(path.name)
    try:
        if not path.is_file():
            raise CopyError(f"{name}: not a file")
        # One open: sniff the head, check the size for the chosen format, then read the rest.
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            head = stream.read(_SNIFF_BYTES)
            chosen = _chosen_format(path, name, head, format)
            _check_size(name, size, chosen)
            data = head + stream.read()
    except OSError as error:
        raise CopyError(f"{name}: cannot read the file ({error.strerror})") from None
    return _parse(data, name, format, chosen, now, year_hint_date)


def parse_upload(
    data: bytes, *, name: str, format: Format = "auto", now: datetime.datetime
) -> ParseResult:
    """What :func:`parse_file` does, for the bytes of a file sent over the web, named ``name``
    (the format sniffed from its suffix and first bytes in the same way)."""
    name = printable_name(name)
    chosen = _chosen_format(Path(name), name, data[:_SNIFF_BYTES], format)
    _check_size(name, len(data), chosen)
    return _parse(data, name, format, chosen, now, None)


def _parse(data, name, format, chosen, now, year_hint_date) -> ParseResult:
    if chosen in _PARTNER_PARSERS:
        return ParseResult(stories=[_PARTNER_PARSERS[chosen](data, name=name, now=now)])
    if chosen == "text" and format == "auto" and _is_json(data):
        # JSON, so no text copy; ninjs's parser says why it is no item either.
        return ParseResult(stories=[parse_ninjs(data, name=name, now=now)])
    if chosen == "text":
        story = parse_text(data, name=name, now=now, year_hint_date=year_hint_date)
        return ParseResult(stories=[story])
    if format == "reuters-sgml" and _REUTERS_MARK not in data:
        raise CopyError(f"--format reuters-sgml but {name} holds no <REUTERS> elements")
    return parse_reuters_sgml(data, name=name)


def _chosen_format(path: Path, name: str, head: bytes, format: Format) -> Format:
    sniffed_sgml = path.suffix.lower() in _SGML_SUFFIXES or _REUTERS_MARK in head
    if format == "text" and _REUTERS_MARK in head:
        raise CopyError(f"--format text but {name} holds Reuters SGML (<REUTERS> elements)")
    if format != "auto":
        return format
    if partner := sniff_partner_format(head):
        return partner
    return "reuters-sgml" if sniffed_sgml else "text"


# How a JSON value that is no object begins: an array, a string, a number, true, false, null.
_JSON_STARTS = tuple(b'["-0123456789tfn')


def _is_json(data: bytes) -> bool:
    """Whether `data` is a JSON value (an object is sniffed as ninjs before): text copy may
    begin with "[" ("[CORRECTED] …"), a digit or a quote, so only the whole file read as JSON
    tells."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not start or start[0] not in _JSON_STARTS:
        return False
    try:
        json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


def _check_size(name: str, size: int, chosen: Format) -> None:
    if chosen in _PARTNER_PARSERS and size > MAX_PARTNER_BYTES:
        raise CopyError(
            f"{name}: {size:,} bytes is over the {MAX_PARTNER_BYTES // (1024 * 1024)} MB limit "
            "for one partner item"
        )
    if chosen == "text" and size > MAX_TEXT_BYTES:
        raise too_big(name, size)
    if chosen == "reuters-sgml" and size > MAX_SGML_BYTES:
        raise CopyError(
            f"{name}: {size:,} bytes is over the {MAX_SGML_BYTES // (1024 * 1024)} MB limit "
            "for one Reuters SGML file"
        )
