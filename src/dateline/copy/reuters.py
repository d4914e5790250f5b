"""Parse Reuters-21578 SGML files (``reut2-NNN.sgm``) with compiled regexes.

Each ``<REUTERS … NEWID="n">`` element becomes one story; briefs without a
body are only counted. See the collection's README for the format.
"""

import datetime
import html
import re

from dateline.copy.dateline import parse_dateline
from dateline.copy.encoding import decode
from dateline.copy.errors import CopyError
from dateline.copy.model import ParsedStory, ParseResult
from dateline.copy.paragraphs import split_paragraphs, to_blocks

TAG_VOCABULARIES = {"topic": "TOPICS", "place": "PLACES", "person": "PEOPLE", "org": "ORGS"}
_MONTHS = {
    abbr: number
    for number, abbr in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}
_OPEN = re.compile(r"<REUTERS\b([^>]*)>")
_CLOSE = "</REUTERS>"
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_TEXT = re.compile(r"<TEXT\b([^>]*)>(.*?)</TEXT>", re.DOTALL)
_TEXT_TYPE = re.compile(r'\bTYPE="(\w+)"')
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.DOTALL)
_DATELINE = re.compile(r"<DATELINE>(.*?)</DATELINE>", re.DOTALL)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)
_DATE = re.compile(
    r"<DATE>\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,2}))?"
)
_TAG_LISTS = {
    vocabulary: re.compile(rf"<{element}>(.*?)</{element}>", re.DOTALL)
    for vocabulary, element in TAG_VOCABULARIES.items()
}
_D = re.compile(r"<D>(.*?)</D>", re.DOTALL)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def parse_reuters_sgml(data: bytes, *, name: str) -> ParseResult:
    """Parse one Reuters-21578 SGML file.

    Stories are named ``"<name>#NEWID=<n>"`` with source id
    ``"reuters21578:<n>"``; those without a body go to ``without_body`` by
    name. Undecodable bytes and unclosed ``<REUTERS>`` elements become
    warnings. Raises :class:`CopyError` for binary data or a file with no
    ``<REUTERS>`` element.
    """
    text, warnings = decode(data, name=name)
    opens = list(_OPEN.finditer(text))
    if not opens:
        raise CopyError(f"{name}: no <REUTERS> elements found")
    result = ParseResult(warnings=warnings)
    ends = [match.start() for match in opens[1:]] + [len(text)]
    for match, segment_end in zip(opens, ends, strict=True):
        newid = _NEWID.search(match[1])
        label = f"{name}#NEWID={newid[1]}" if newid else f"{name}@{match.start()}"
        close = text.find(_CLOSE, match.end(), segment_end)
        if close < 0:
            result.warnings.append(f"{label}: <REUTERS> element is not closed; skipped")
            continue
        story = _parse_story(text[match.end() : close], label, newid[1] if newid else None)
        if story is None:
            result.without_body.append(label)
        else:
            result.stories.append(story)
    return result


def _parse_story(element: str, label: str, newid: str | None) -> ParsedStory | None:
    warnings: list[str] = []
    published_at = _published_at(element)
    if published_at is None:
        warnings.append(f"{label}: no readable <DATE>")
    text_match = _TEXT.search(element)
    if text_match is None:
        return None
    content = text_match[2]
    title = _TITLE.search(content)
    body = _BODY.search(content)
    if title and body:
        headline = _clean(title[1])
        paragraphs = _body_paragraphs(body[1])
    else:
        # Unprocessed copy (TYPE="UNPROC"): the first line is the headline.
        text_type = _TEXT_TYPE.search(text_match[1])
        if text_type is None or text_type[1] != "UNPROC":
            return None
        headline, _, rest = _plain(content).strip().partition("\n")
        headline = " ".join(headline.split())
        paragraphs = _body_paragraphs(rest)
    if not headline or not paragraphs:
        return None
    dateline = None
    if field := _DATELINE.search(content):
        dateline = parse_dateline(
            _plain(field[1]),
            reference=published_at.date() if published_at else None,
            year=published_at.year if published_at else None,
        )
        if dateline is None:
            warnings.append(f"{label}: unreadable dateline {_clean(field[1])!r}")
    return ParsedStory(
        headline=headline,
        language="en",
        direction="ltr",
        dateline=dateline,
        lead=paragraphs[0],
        blocks=to_blocks(paragraphs[1:], detect_headings=False),
        stripped=[],
        warnings=warnings,
        source_name=label,
        source_id=f"reuters21578:{newid}" if newid else None,
        published_at=published_at,
        tags=_tags(element),
    )


def _plain(sgml_text: str) -> str:
    return _CONTROL.sub("", html.unescape(sgml_text))


def _clean(sgml_text: str) -> str:
    return " ".join(_plain(sgml_text).split())


def _body_paragraphs(sgml_body: str) -> list[str]:
    lines = _plain(sgml_body).rstrip().split("\n")
    if len(lines) > 1 and lines[-1].strip().lower() == "reuter":  # the agency's sign-off
        lines.pop()
    return split_paragraphs(lines, hard_wrapped=True)


def _published_at(element: str) -> datetime.datetime | None:
    match = _DATE.search(element)
    if match is None or match[2].upper() not in _MONTHS:
        return None
    day, _, year, hour, minute, second, centis = match.groups()
    try:
        return datetime.datetime(
            int(year), _MONTHS[match[2].upper()], int(day), int(hour), int(minute),
            int(second), int(centis.ljust(2, "0")) * 10_000 if centis else 0,
            tzinfo=datetime.UTC,
        )  # fmt: skip
    except ValueError:
        return None


def _tags(element: str) -> dict[str, list[str]]:
    tags = {}
    for vocabulary, pattern in _TAG_LISTS.items():
        found = pattern.search(element)
        tags[vocabulary] = [_clean(d) for d in _D.findall(found[1])] if found else []
    return tags
