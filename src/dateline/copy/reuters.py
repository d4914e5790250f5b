"""Parse Reuters-21578 SGML files (``reut2-NNN.sgm``).

Each ``<REUTERS … NEWID="n">`` element becomes one story; briefs without a
body are only counted. See the collection's README for the format.

Elements are found with ``str.find`` from a moving position, never with a
pattern that could rescan the rest of the input from every start: parse time
is linear in the size of the file whatever it holds. A start tag without its
``>`` or an element without its end tag is reported and the search stops
there, since no later occurrence could be closed either.
"""

import datetime
import html
import re
from collections import Counter

from dateline.copy.characters import (
    describe_removed_bidi,
    has_visible_character,
    printable_name,
    strip_bidi_controls,
)
from dateline.copy.dateline import parse_dateline
from dateline.copy.encoding import decode
from dateline.copy.errors import CopyError
from dateline.copy.model import EARLIEST, ParsedStory, ParseResult
from dateline.copy.paragraphs import split_paragraphs, to_blocks

TAG_VOCABULARIES = {"topic": "TOPICS", "place": "PLACES", "person": "PEOPLE", "org": "ORGS"}
_MONTHS = {
    abbr: number
    for number, abbr in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}
_REUTERS = "REUTERS"
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_TEXT_TYPE = re.compile(r'\bTYPE="(\w+)"')
# Matched at the start of the <DATE> text only; every part is bounded or a run of one class.
_DAY = re.compile(r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_TIME = re.compile(r"\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,2}))?")
_DATE_QUOTED = 40  # characters of a bad <DATE> quoted in its warning
MAX_BYLINE_CHARS = 200  # as a story keeps it (`Story.byline`)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def parse_reuters_sgml(data: bytes, *, name: str) -> ParseResult:
    """Parse one Reuters-21578 SGML file.

    Stories are named ``"<name>#NEWID=<n>"`` with source id
    ``"reuters21578:<n>"``; those without a body go to ``without_body`` by
    name. Undecodable bytes, unclosed elements and stories refused for an
    invisible headline or lead become warnings. Raises :class:`CopyError` for
    binary data or a file with no complete ``<REUTERS>`` start tag.
    """
    name = printable_name(name)
    text, warnings = decode(data, name=name)
    starts, unclosed_at = _start_tags(text, _REUTERS)
    if not starts:
        if unclosed_at is not None:
            raise CopyError(f"{name}: <REUTERS> start tag is not closed at offset {unclosed_at}")
        raise CopyError(f"{name}: no <REUTERS> elements found")
    result = ParseResult(warnings=warnings)
    ends = [start for start, _, _ in starts[1:]] + [len(text)]
    for (start, content_start, attributes), segment_end in zip(starts, ends, strict=True):
        newid = _NEWID.search(attributes)
        label = f"{name}#NEWID={newid[1]}" if newid else f"{name}@{start}"
        close = text.find(f"</{_REUTERS}>", content_start, segment_end)
        if close < 0:
            result.warnings.append(f"{label}: <REUTERS> element is not closed; skipped")
            continue
        problems: list[str] = []
        try:
            story = _parse_story(text[content_start:close], label, newid, problems)
        except _Refused as refusal:
            problems.append(f"{refusal}; skipped")
            result.warnings.extend(f"{label}: {problem}" for problem in problems)
            continue
        if story is None:
            result.without_body.append(label)
            result.warnings.extend(f"{label}: {problem}" for problem in problems)
        else:
            result.stories.append(story)
    if unclosed_at is not None:
        result.warnings.append(
            f"{name}: <REUTERS> start tag is not closed at offset {unclosed_at}; the rest of "
            "the file is ignored"
        )
    return result


def _start_tags(text: str, tag: str) -> tuple[list[tuple[int, int, str]], int | None]:
    """Each ``<tag …>`` start tag as ``(start, end, attributes)``, and the offset of the first
    one without its ``>`` (where the search stops), or None.

    What ``finditer`` with ``<tag\\b([^>]*)>`` finds, but each ``>`` is looked for once.
    """
    found = []
    position = 0
    while (start_tag := _next_start_tag(text, tag, position)) is not None:
        start, end, _ = start_tag
        if end < 0:
            return found, start
        found.append(start_tag)
        position = end
    return found, None


def _next_start_tag(text: str, tag: str, position: int) -> tuple[int, int, str] | None:
    """The first ``<tag …>`` at or after ``position`` as ``(start, end, attributes)``, with
    ``end`` -1 when its ``>`` never comes; None when there is no such tag."""
    opening = f"<{tag}"
    while (start := text.find(opening, position)) >= 0:
        after = start + len(opening)
        if after < len(text) and _is_word_char(text[after]):  # "<REUTERSX": another tag
            position = after
            continue
        end = text.find(">", after)
        return (start, -1, "") if end < 0 else (start, end + 1, text[after:end])
    return None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _first_element(text: str, tag: str, problems: list[str], where: str = "") -> str | None:
    """The content of the first ``<tag>…</tag>`` in ``text`` (``<tag>(.*?)</tag>`` found
    once): None when there is none, with a problem noted when it is not closed."""
    opening, closing = f"<{tag}>", f"</{tag}>"
    start = text.find(opening)
    if start < 0:
        return None
    start += len(opening)
    end = text.find(closing, start)
    if end < 0:
        problems.append(f"unclosed <{tag}>{where}")
        return None
    return text[start:end]


def _all_elements(text: str, tag: str, problems: list[str], where: str = "") -> list[str]:
    """The contents of each ``<tag>…</tag>`` in turn, up to the first one not closed."""
    opening, closing = f"<{tag}>", f"</{tag}>"
    contents = []
    position = 0
    while (start := text.find(opening, position)) >= 0:
        start += len(opening)
        end = text.find(closing, start)
        if end < 0:
            problems.append(f"unclosed <{tag}>{where}")
            break
        contents.append(text[start:end])
        position = end + len(closing)
    return contents


def _text_element(element: str, problems: list[str]) -> tuple[str, str] | None:
    """``(attributes, content)`` of the first ``<TEXT …>…</TEXT>``, or None."""
    start_tag = _next_start_tag(element, "TEXT", 0)
    if start_tag is None:
        return None
    _, content_start, attributes = start_tag
    if content_start < 0:
        problems.append("<TEXT> start tag is not closed")
        return None
    end = element.find("</TEXT>", content_start)
    if end < 0:
        problems.append("unclosed <TEXT>")
        return None
    return attributes, element[content_start:end]


class _Cleaner:
    """Turns SGML text into plain text, counting the bidi controls it removes on the way."""

    def __init__(self) -> None:
        self.removed: Counter[str] = Counter()

    def plain(self, sgml_text: str) -> str:
        text, removed = strip_bidi_controls(_CONTROL.sub("", html.unescape(sgml_text)))
        self.removed.update(removed)
        return text

    def clean(self, sgml_text: str) -> str:
        return " ".join(self.plain(sgml_text).split())


class _Refused(Exception):
    """A story that has a body but cannot be published; the message says why."""


def _parse_story(
    element: str, label: str, newid_match: re.Match[str] | None, problems: list[str]
) -> ParsedStory | None:
    """The story in one element, or None when it has no body.

    Malformed structure found on the way is added to ``problems``; a story refused for its
    content raises :class:`_Refused`.
    """
    cleaner = _Cleaner()
    published_at, date_problem = _published_at(element)
    text_element = _text_element(element, problems)
    if text_element is None:
        return None
    attributes, content = text_element
    title = _first_element(content, "TITLE", problems)
    body = _first_element(content, "BODY", problems)
    if title is not None and body is not None:
        headline = cleaner.clean(title)
        paragraphs = _body_paragraphs(body, cleaner)
    else:
        # Unprocessed copy (TYPE="UNPROC"): the first line is the headline.
        text_type = _TEXT_TYPE.search(attributes)
        if text_type is None or text_type[1] != "UNPROC":
            return None
        headline, _, rest = cleaner.plain(content).strip().partition("\n")
        headline = " ".join(headline.split())
        paragraphs = _body_paragraphs(rest, cleaner)
    if not headline or not paragraphs:
        return None
    if not has_visible_character(headline):
        raise _Refused("headline has no visible characters")
    if not has_visible_character(paragraphs[0]):
        raise _Refused("lead has no visible characters")
    warnings = [date_problem] if date_problem else []
    dateline = None
    if (field := _first_element(content, "DATELINE", problems)) is not None:
        dateline = parse_dateline(
            cleaner.plain(field),
            reference=published_at.date() if published_at else None,
            year=published_at.year if published_at else None,
        )
        if dateline is None:
            warnings.append(f"unreadable dateline {cleaner.clean(field)!r}")
    tags = _tags(element, cleaner, problems)
    byline = ""
    if (author := _first_element(content, "AUTHOR", problems)) is not None:
        byline = " ".join(cleaner.plain(author).split())
        if len(byline) > MAX_BYLINE_CHARS:
            warnings.append(f"byline of {len(byline):,} characters left out")
            byline = ""
        elif byline[:3].lower() == "by ":
            byline = "By " + byline[3:]  # "by Janie Gabbett, Reuters", as most are signed
    warnings.extend(problems)
    if cleaner.removed:
        warnings.append(describe_removed_bidi(cleaner.removed))
    return ParsedStory(
        headline=headline,
        language="en",
        direction="ltr",
        dateline=dateline,
        lead=paragraphs[0],
        blocks=to_blocks(paragraphs[1:], detect_headings=False),
        stripped=[],
        warnings=[f"{label}: {warning}" for warning in warnings],
        source_name=label,
        source_id=f"reuters21578:{newid_match[1]}" if newid_match else None,
        published_at=published_at,
        tags=tags,
        byline=byline,
    )


def _body_paragraphs(sgml_body: str, cleaner: _Cleaner) -> list[str]:
    lines = cleaner.plain(sgml_body).rstrip().split("\n")
    if len(lines) > 1 and lines[-1].strip().lower() == "reuter":  # the agency's sign-off
        lines.pop()
    return split_paragraphs(lines, hard_wrapped=True)


def _published_at(element: str) -> tuple[datetime.datetime | None, str | None]:
    """The time in the first ``<DATE>`` (UTC), and what was wrong with it, or None.

    ``26-FEB-1987 15:01:01.79`` is read whole. When only the day can be read (the collection
    has ``31-MAR-1987 605:12:19.12``) the story is dated that day at 00:00 UTC, with a warning
    quoting the date: never from the clock. No readable day gives no time, and a warning.
    """
    start = element.find("<DATE>")
    if start < 0:
        return None, "no readable <DATE>"
    start += len("<DATE>")
    end = element.find("<", start)  # the end tag, or whatever markup comes first
    raw = element[start : end if end >= 0 else len(element)]
    quoted = " ".join(raw[: _DATE_QUOTED * 2].split())
    quoted = quoted if len(quoted) <= _DATE_QUOTED else quoted[: _DATE_QUOTED - 1] + "…"
    day = _DAY.match(raw)
    midnight = _moment(day[3], day[2], day[1]) if day else None
    if midnight is None:
        return None, f"no readable <DATE> in {quoted!r}"
    time = _TIME.match(raw, day.end())
    if time is not None:
        hour, minute, second, centis = time.groups()
        try:
            return midnight.replace(
                hour=int(hour), minute=int(minute), second=int(second),
                microsecond=int(centis.ljust(2, "0")) * 10_000 if centis else 0,
            ), None  # fmt: skip
        except ValueError:
            pass
    return midnight, (
        f"no readable <DATE> time in {quoted!r}: dated {midnight:%Y-%m-%d} 00:00 UTC from its day"
    )


def _moment(year: str, month: str, day: str) -> datetime.datetime | None:
    """Midnight UTC of the day, or None when there is no such day (or it is before EARLIEST:
    "01-JAN-0001" is a zeroed field, not news)."""
    number = _MONTHS.get(month.upper())
    if number is None:
        return None
    try:
        moment = datetime.datetime(int(year), number, int(day), tzinfo=datetime.UTC)
    except ValueError:
        return None
    return moment if moment >= EARLIEST else None


def _tags(element: str, cleaner: _Cleaner, problems: list[str]) -> dict[str, list[str]]:
    tags = {}
    for vocabulary, list_tag in TAG_VOCABULARIES.items():
        found = _first_element(element, list_tag, problems)
        items = [] if found is None else _all_elements(found, "D", problems, f" in <{list_tag}>")
        tags[vocabulary] = [cleaner.clean(item) for item in items]
    return tags
