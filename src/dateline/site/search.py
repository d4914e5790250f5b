"""The search page, `/<edition>/search?q=`: the edition's public stories that match, best first,
with the matched words marked; filters for section, tag and dates (`from`, `to`, inclusive,
in the edition's time zone).

Not in the page cache: the cache would keep one page per distinct query, and anyone can ask
for millions, pushing the article pages out. A search costs a few indexed reads instead.
Whatever the query string holds, the answer is a page (a message saying what to change when
the search cannot be run), never an error; result pages carry `noindex`.
"""

import datetime
import re
from dataclasses import dataclass, field

import jdatetime
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode

from dateline.comments.threads import approved_counts
from dateline.discovery.backends import Filters
from dateline.discovery.highlight import highlight, snippet
from dateline.discovery.query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    QueryProblem,
    SearchQuery,
    parse_query,
)
from dateline.discovery.search import days_between, plain_body, public_tag, search
from dateline.discovery.text import normalise
from dateline.editions.models import Calendar, Edition
from dateline.site.chrome import EditionChrome
from dateline.site.formatting import format_numeric_date
from dateline.site.pagination import Page, max_page, written_number
from dateline.site.views import edition_chrome, render_page, section_spelled_otherwise
from dateline.stories.models import Section, Story, Tag

SEARCH_PER_PAGE = 10
# Year, month and day, as a date field sends them or as Persian writes them (۱۴۰۵/۹/۵).
_DATE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")
_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass
class Asked:
    """What the query string asks for, read without trusting any of it."""

    text: str = ""  # the words as typed, fit to show again
    query: SearchQuery | None = None
    section: Section | None = None
    tag: Tag | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    problems: list[str] = field(default_factory=list)  # label names of the messages shown
    unread: dict[str, str] = field(default_factory=dict)  # a date's parameter to what was typed
    # The form's fields the messages are about: a parameter's name to its problems' names.
    wrong: dict[str, list[str]] = field(default_factory=dict)

    def problem(self, name: str, *parameters: str) -> None:
        """Say `name` (once), about `parameters`."""
        if name not in self.problems:
            self.problems.append(name)
        for parameter in parameters:
            self.wrong.setdefault(parameter, []).append(name)

    def parameters(self, **more) -> str:
        """The query string of this search, for the pagination links."""
        pairs = {
            "q": self.text,
            "section": self.section.slug if self.section else "",
            "tag": self.tag.slug if self.tag else "",
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            **more,
        }
        return urlencode({name: value for name, value in pairs.items() if value})


def search_page(request: HttpRequest, edition: str) -> HttpResponse:
    chrome = edition_chrome(edition)
    asked = read_request(request, chrome)
    number = _page_asked(request.GET.get("page"))
    page, results = None, []
    if asked.query is not None and number > max_page(SEARCH_PER_PAGE):
        page = Page([], number, has_next=False)  # past every page served: says so, asks nothing
    elif asked.query is not None:
        stories = search(
            asked.query,
            filters_of(asked, chrome),
            offset=(number - 1) * SEARCH_PER_PAGE,
            limit=SEARCH_PER_PAGE + 1,
        )
        page = Page(stories[:SEARCH_PER_PAGE], number, len(stories) > SEARCH_PER_PAGE)
        results = [result_of(story, asked.query) for story in page.items]
    response = render_page(
        request,
        chrome,
        "search.html",
        asked=asked,
        page=page,
        results=results,
        date_fields=date_fields(asked, chrome.edition),
        max_query_chars=MAX_QUERY_CHARS,
        numbers_in_problems={"search_too_long": MAX_QUERY_CHARS, "search_cut": MAX_TERMS},
        comment_counts=approved_counts([story.pk for story in page.items]) if page else {},
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _page_asked(raw: str | None) -> int:
    """The page of results asked for. A reader's search is no list the site links to page by
    page, so nothing in `?page=` is an error: what is not a page number (0, -1, "abc") is the
    first page, and a number past the deepest page served is answered as past the end. A
    number in Persian or Arabic-Indic digits is that page ("۲" is 2)."""
    past_every_page = max_page(SEARCH_PER_PAGE) + 1
    if raw is None:
        return 1
    if raw.isdecimal() and written_number(raw) is None:
        return past_every_page  # too long to be read (int() refuses 4,300 digits)
    return min(written_number(raw) or 1, past_every_page)


def read_request(request: HttpRequest, chrome: EditionChrome) -> Asked:
    raw = request.GET.get("q", "")
    asked = Asked(text=_showable(raw[:MAX_QUERY_CHARS]))
    try:
        asked.query = parse_query(raw)
        if asked.query.cut:
            asked.problem("search_cut", "q")
    except QueryProblem as problem:
        if problem.reason == "long":
            asked.problem("search_too_long", "q")
        elif raw.strip():  # punctuation only: say how to search; a blank box needs no scolding
            asked.problem("search_help")
    if slug := request.GET.get("section"):
        # In capitals ("World"), as the section's page takes it too.
        asked.section = chrome.section(slug) or section_spelled_otherwise(chrome, slug)
        if asked.section is None:
            asked.problem("search_unknown_section")
    if slug := request.GET.get("tag"):
        asked.tag = public_tag(slug, chrome.edition)
        if asked.tag is None:
            asked.problem("search_unknown_tag")
    calendar = chrome.edition.calendar
    asked.since = _date("from", request, asked, calendar)
    asked.until = _date("to", request, asked, calendar)
    if asked.since and asked.until and asked.since > asked.until:
        asked.problem("search_dates_reversed", "from", "to")
    return asked


def _showable(text: str) -> str:
    """`text` fit to show again in a field: no control characters, spaces collapsed."""
    return " ".join(_UNSHOWN.sub(" ", text).split())


# Below it, a year in an edition of the Solar Hijri calendar is one of that calendar's (1405 is
# 2026): no news story is from a Gregorian year before 1700.
SOLAR_HIJRI_YEARS_BELOW = 1700


def _date(
    parameter: str, request: HttpRequest, asked: Asked, calendar: str
) -> datetime.date | None:
    """The day `parameter` gives as YYYY-MM-DD (what a date field sends; a slash and one-digit
    months and days too), in any digits; in an edition of the Solar Hijri calendar, a year
    below SOLAR_HIJRI_YEARS_BELOW is one of that calendar."""
    value = request.GET.get(parameter)
    if not value:
        return None
    # Persian or Arabic-Indic digits are fine.
    if not (match := _DATE.fullmatch(normalise(value.strip()))):
        return _unread(parameter, value, asked, "search_bad_date")
    year, month, day = map(int, match.groups())
    try:
        if calendar == Calendar.SOLAR_HIJRI and year < SOLAR_HIJRI_YEARS_BELOW:
            return jdatetime.date(year, month, day).togregorian()
        return datetime.date(year, month, day)
    except ValueError:  # written right, but a 30 February or a month 13
        return _unread(parameter, value, asked, "search_no_such_day")


def _unread(parameter: str, value: str, asked: Asked, problem: str) -> None:
    """No day from `parameter`: `problem` said, the value given back to be corrected."""
    asked.problem(problem, parameter)
    asked.unread[parameter] = _showable(value[:MOST_UNREAD_CHARS])


MOST_UNREAD_CHARS = 20  # of a date that could not be read, given back to be corrected
# The first Gregorian day of the Solar Hijri year SOLAR_HIJRI_YEARS_BELOW (21 March 2321):
# from it on, a Solar Hijri edition's date field shows the Gregorian day, which it reads back.
_SHOWN_GREGORIAN_FROM = jdatetime.date(SOLAR_HIJRI_YEARS_BELOW, 1, 1).togregorian()
# The day the Persian message's example names ("۱۴۰۵-۰۹-۰۸"), shown in the empty fields.
EXAMPLE_DAY = datetime.date(2026, 11, 29)


def date_fields(asked: Asked, edition: Edition) -> dict[str, dict[str, str]]:
    """The `from` and `to` fields' attributes. The browser's date field is Gregorian only
    (shown in the browser's language, sending ISO 8601), so an edition of the Solar Hijri
    calendar gets text fields in that calendar and the edition's digits, as `_date` reads
    them, giving back what it could not read to be corrected."""
    days = {"from": asked.since, "to": asked.until}
    if edition.calendar != Calendar.SOLAR_HIJRI:
        return {
            parameter: {"type": "date", "value": day.isoformat() if day else ""}
            for parameter, day in days.items()
        }

    def shown(day: datetime.date) -> str:
        solar = jdatetime.date.fromgregorian(date=day) if day < _SHOWN_GREGORIAN_FROM else day
        return format_numeric_date(solar, language=edition.language)

    return {
        parameter: {
            "type": "text",
            "placeholder": shown(EXAMPLE_DAY),
            "value": shown(day) if day else asked.unread.get(parameter, ""),
        }
        for parameter, day in days.items()
    }


def filters_of(asked: Asked, chrome: EditionChrome) -> Filters:
    since, until = days_between(asked.since, asked.until, chrome.edition.timezone)
    return Filters(
        edition_id=chrome.edition.pk,
        section_id=asked.section.pk if asked.section else None,
        tag_id=asked.tag.pk if asked.tag else None,
        since=since,
        until=until,
    )


@dataclass(frozen=True)
class Result:
    story: Story
    headline: str  # Markup: escaped, matches marked
    snippet: str


def result_of(story: Story, query: SearchQuery) -> Result:
    text = f"{story.lead} {plain_body(story)}"
    return Result(story, highlight(story.headline, query), snippet(text, query))
