from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

PER_PAGE = 20


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(queryset: QuerySet, raw_number: str | None, per_page: int = PER_PAGE) -> Page:
    """One page of a list, without a COUNT(*): fetch one row more than shown to see if more
    follow. A malformed page number, or one past the end, is a 404."""
    try:
        number = int(raw_number or "1")
    except ValueError:
        raise Http404("No such page") from None
    if number < 1:
        raise Http404("No such page")
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        raise Http404("No such page")
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)
