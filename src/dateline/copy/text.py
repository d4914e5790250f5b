"""Parse one plain-text story: headline line, then paragraphs."""

import datetime
import re

from dateline.copy.characters import (
    describe_removed_bidi,
    has_visible_character,
    printable_name,
    strip_bidi_controls,
)
from dateline.copy.dateline import latest_date, split_dateline
from dateline.copy.encoding import decode
from dateline.copy.errors import CopyError, NotWireCopy
from dateline.copy.furniture import strip_furniture
from dateline.copy.language import detect_language, direction_for
from dateline.copy.model import ParsedStory
from dateline.copy.paragraphs import split_paragraphs, take_byline, to_blocks

MAX_TEXT_BYTES = 10 * 1024 * 1024
MAX_HEADLINE_CHARS = 300
# A first line that opens a tag, a declaration or a comment: a DTD, XML, HTML, not a headline.
_MARKUP = re.compile(r"<[!?/A-Za-z]")
# Notes or a table rather than a story: with no dateline, at least this many lines of which
# at least two thirds have at most five words (a story's paragraphs are sentences).
_LIST_MIN_LINES = 10
_LIST_SHORT_WORDS = 5


def too_big(name: str, size: int) -> CopyError:
    """The error for a text story over :data:`MAX_TEXT_BYTES`."""
    return CopyError(
        f"{name}: {size:,} bytes is over the {MAX_TEXT_BYTES // (1024 * 1024)} MB limit "
        "for one text story"
    )


def parse_text(
    data: bytes,
    *,
    name: str,
    now: datetime.datetime,
    year_hint_date: datetime.date | None = None,
) -> ParsedStory:
    """Parse the bytes of one plain-text story.

    The first non-empty line (after page furniture is removed) is the headline;
    an optional ``By …`` line follows; the first paragraph after it is the lead,
    with its dateline split off. A dateline month and day without a year take
    the most recent such date not after ``year_hint_date`` if given, else not
    after the date it is at ``now`` where the day starts first (UTC+14).

    Bidirectional embedding, override and isolate controls are removed from
    the whole text (a warning counts them), so no field of the story keeps
    any.

    Raises :class:`CopyError` naming ``name`` for data over
    :data:`MAX_TEXT_BYTES`, empty or whitespace-only data, binary data, no
    headline (none left after furniture, or a first line over 300 characters),
    a headline or lead with no visible character (only zero-width or other
    invisible characters), or no text after the headline or its dateline.

    Raises :class:`NotWireCopy` (a :class:`CopyError`) for a file that is readable but is not
    a story: a first line that is markup (``<!…``, ``<?…``, ``<tag``), a word list (two or
    more lines, each one lowercase word), or notes or a table (no dateline, and two thirds of
    ten or more lines have five words or fewer).
    """
    name = printable_name(name)
    if len(data) > MAX_TEXT_BYTES:
        raise too_big(name, len(data))
    if not data:
        raise CopyError(f"{name}: the file is empty")
    text, warnings = decode(data, name=name)
    text, removed = strip_bidi_controls(text)
    if removed:
        warnings.append(f"{name}: {describe_removed_bidi(removed)}")
    if not text.strip():
        raise CopyError(f"{name}: the file holds only whitespace")
    lines, stripped = strip_furniture(text.split("\n"))
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CopyError(f"{name}: no headline found (only page furniture such as {stripped[0]!r})")
    headline = " ".join(lines[first].split())
    if _MARKUP.match(headline):
        raise NotWireCopy(name, f"the first line is markup ({_snippet(headline)!r})")
    _refuse_word_list(name, lines)
    if len(headline) > MAX_HEADLINE_CHARS:
        raise CopyError(
            f"{name}: no headline found (the first line is {len(headline):,} characters "
            f"long; a headline has at most {MAX_HEADLINE_CHARS})"
        )
    if not has_visible_character(headline):
        raise CopyError(f"{name}: headline has no visible characters")
    byline, paragraphs = take_byline(split_paragraphs(lines[first + 1 :], hard_wrapped=False))
    if not paragraphs:
        raise CopyError(f"{name}: no story text after the headline")
    reference = year_hint_date or latest_date(now)
    dateline, lead = split_dateline(paragraphs[0], reference=reference)
    rest = paragraphs[1:]
    if not lead.strip() and rest:  # the dateline stood on a line of its own
        lead, rest = rest[0], rest[1:]
    if not lead.strip():
        raise CopyError(f"{name}: no story text after the dateline")
    if not has_visible_character(lead):
        raise CopyError(f"{name}: lead has no visible characters")
    if dateline is None:
        _refuse_notes(name, lines)
        warnings.append(f"{name}: no dateline found at the start of the lead")
    language = detect_language(" ".join([headline, *paragraphs]))
    return ParsedStory(
        headline=headline,
        language=language,
        direction=direction_for(language),
        dateline=dateline,
        lead=lead.strip(),
        blocks=to_blocks(rest, detect_headings=True),
        stripped=stripped,
        warnings=warnings,
        source_name=name,
        source_id=None,
        published_at=None,
        tags={},
        byline=byline,
    )


def _snippet(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refuse_word_list(name: str, lines: list[str]) -> None:
    """Raise NotWireCopy when every non-empty line is one lowercase word (at least two lines):
    a vocabulary such as Reuters' all-topics-strings.lc.txt, not a headline and a story."""
    count = 0
    for line in lines:
        word = line.strip()
        if not word:
            continue
        if len(word.split()) > 1 or word != word.lower():
            return
        count += 1
    if count >= 2:
        raise NotWireCopy(name, f"a word list (each of its {count:,} lines is one lowercase word)")


def _refuse_notes(name: str, lines: list[str]) -> None:
    """Raise NotWireCopy for copy without a dateline whose lines are mostly a handful of words:
    notes, a list or a table (Reuters' cat-descriptions file), not a story's paragraphs."""
    counted = [len(line.split()) for line in lines if line.strip()]
    short = sum(1 for words in counted if words <= _LIST_SHORT_WORDS)
    if len(counted) >= _LIST_MIN_LINES and 3 * short >= 2 * len(counted):
        raise NotWireCopy(
            name,
            f"notes or a list (no dateline, and {short:,} of its {len(counted):,} lines have "
            f"{_LIST_SHORT_WORDS} words or fewer)",
        )
