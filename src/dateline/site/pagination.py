import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NoReturn

from django.db.models import QuerySet
from django.http import Http404

PER_PAGE = 20
# No list is paged deeper than this many rows: an OFFSET that large is slow on any database,
# and a page number from a URL must never reach the database as an out-of-range integer.
MAX_OFFSET = 100_000
# What the site links to: ASCII digits, no sign, no spaces, no leading zero, no "1_000", no
# Persian or Arabic-Indic digits (int() takes all of those; each would be one more cache entry
# and one more URL for the same page).
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


class PageNumberWrittenOtherwise(Http404):
    """A page number as the site would not write it, in other digits or with leading zeros
    ("۲", "02"): the 404 handler moves the reader to the address with the number the site
    writes (`site.views.page_not_found`), so a typed number is no dead end and no second
    address of the page."""

    def __init__(self, written: str, number: int):
        super().__init__("Page number written otherwise")
        self.written, self.number = written, number


def written_number(raw: str) -> int | None:
    """The number `raw` writes in decimal digits of any script, leading zeros and all ("۲",
    "٠٣", "02"); None for anything else (signs, spaces, underscores) or more than 12 digits."""
    return int(raw) if raw.isdecimal() and len(raw) <= 12 else None


def refuse_page_number(raw: str, deepest: int) -> NoReturn:
    """Raise the 404 for a page number that `PAGE_NUMBER` does not match: a move to the same
    page's number when `raw` writes a number up to `deepest` otherwise."""
    number = written_number(raw)
    if number and number <= deepest:
        raise PageNumberWrittenOtherwise(raw, number)
    raise Http404("No such page")


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def max_page(per_page: int) -> int:
    """The deepest page a list of `per_page` rows a page is served to."""
    return MAX_OFFSET // per_page + 1


def page_number(raw_number: str | None, per_page: int = PER_PAGE) -> int:
    """The page a `?page=` value asks for (1 when absent). Anything else the site would not
    link to (malformed, 0, past the deepest page) is a 404, decided without a query; a number
    written otherwise moves to the page (`PageNumberWrittenOtherwise`)."""
    if raw_number is None:
        return 1
    if not PAGE_NUMBER.fullmatch(raw_number):
        refuse_page_number(raw_number, max_page(per_page))
    number = int(raw_number)
    if number > max_page(per_page):
        raise Http404("No such page")
    return number


def page_of(queryset: QuerySet, raw_number: str | None, per_page: int = PER_PAGE) -> Page:
    """One page of a list, without a COUNT(*): fetch one row more than shown to see if more
    follow. A malformed page number, or one past the end, is a 404."""
    return page_from(lambda start, stop: queryset[start:stop], raw_number, per_page)


def page_from(
    rows: Callable[[int, int], Iterable], raw_number: str | None, per_page: int = PER_PAGE
) -> Page:
    """`page_of` a list read by `rows(start, stop)` (its rows from `start` up to `stop`)."""
    number = page_number(raw_number, per_page)
    start = (number - 1) * per_page
    found = list(rows(start, start + per_page + 1))
    if not found and number > 1:
        raise Http404("No such page")
    has_next = len(found) > per_page and number < max_page(per_page)
    return Page(items=found[:per_page], number=number, has_next=has_next)
