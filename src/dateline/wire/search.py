"""Search for subscribers (`GET /api/v1/search`): the site's search (`discovery.search`), over
the public stories a key takes (`feed.scope`), as items.

A key's filters (editions, sections, tags) are not all filters the index knows, so matches are
read in the index's order a chunk at a time and those outside the key's scope passed over.
The answer says where in that order the next page starts (`next_offset`): no item is
repeated or missed from page to page, and a page may hold fewer than `limit` items when
most matches are outside the key's scope, never an unbounded walk (MOST_READ).
"""

import datetime
from dataclasses import dataclass

from dateline.discovery.backends import RANKED_MATCHES, Filters, backend
from dateline.discovery.highlight import highlight, snippet
from dateline.discovery.query import SearchQuery
from dateline.discovery.search import days_between, plain_body, public_tag
from dateline.editions.models import Edition
from dateline.stories.models import Section, Story
from dateline.wire import feed
from dateline.wire.models import Subscriber

# Matches read from the index at a time, and at most for one answer.
CHUNK = 50
MOST_READ = 500
# A search ranks the RANKED_MATCHES newest matching stories of an edition; no offset lies past.
MAX_OFFSET = RANKED_MATCHES


class Refused(ValueError):
    """A search that cannot be run: `parameter` names what to change, `kind` the problem."""

    def __init__(self, parameter: str, kind: str, message: str):
        super().__init__(message)
        self.parameter, self.kind = parameter, kind


@dataclass(frozen=True)
class Asked:
    edition: Edition
    section: Section | None
    tag_id: int | None
    since: datetime.datetime | None
    until: datetime.datetime | None

    def filters(self) -> Filters:
        return Filters(
            edition_id=self.edition.pk,
            section_id=self.section.pk if self.section else None,
            tag_id=self.tag_id,
            since=self.since,
            until=self.until,
        )


def asked_of(
    subscriber: Subscriber,
    *,
    edition: str | None,
    section: str | None,
    tag: str | None,
    since: datetime.date | None,
    until: datetime.date | None,
) -> Asked:
    """The search's filters, each checked; Refused names the first that cannot be used."""
    chosen = _edition(subscriber, edition)
    where = None
    if section:
        where = Section.objects.filter(edition=chosen, slug=section.lower()).first()
        if where is None:
            raise Refused(
                "section", "unknown_section", f"edition {chosen.code} has no section {section!r}"
            )
    carried = None
    if tag:
        carried = public_tag(tag, chosen)
        if carried is None:
            # Not naming it again: whether a tag exists that only hidden stories carry stays
            # unsaid, whatever the answer is shown beside.
            why = f"no public story of edition {chosen.code} has this tag"
            raise Refused("tag", "unknown_tag", why)
    if since and until and since > until:
        raise Refused("from", "dates_reversed", f"from ({since}) is after to ({until})")
    start, end = days_between(since, until, chosen.timezone)
    return Asked(chosen, where, carried.pk if carried else None, start, end)


def _edition(subscriber: Subscriber, code: str | None) -> Edition:
    """The edition searched: the one named, which the key must take; else the only one the key
    takes (or that there is)."""
    taken = list(subscriber.editions.order_by("code")) or list(Edition.objects.order_by("code"))
    codes = ", ".join(edition.code for edition in taken) or "none"
    if code is None:
        if len(taken) == 1:
            return taken[0]
        raise Refused("edition", "edition_needed", f"name the edition to search: one of {codes}")
    found = next((edition for edition in taken if edition.code == code), None)
    if found is None:
        raise Refused(
            "edition", "unknown_edition", f"this key searches editions {codes}, not {code!r}"
        )
    return found


@dataclass(frozen=True)
class Result:
    story: Story
    headline_html: str  # escaped, the matching words marked
    snippet_html: str


@dataclass(frozen=True)
class Results:
    results: list[Result]
    next_offset: int | None  # where the next page starts; None: no more matches


def search(
    subscriber: Subscriber, query: SearchQuery, asked: Asked, *, offset: int, limit: int
) -> Results:
    """Up to `limit` public stories in the key's scope matching `query`, best first, from the
    index's `offset`-th match."""
    in_scope = (
        Story.objects.public().filter(feed.scope(subscriber)).select_related("edition", "section")
    )
    taken: list[tuple[int, Story]] = []  # (place in the index's order, story)
    place, finished = offset, False
    while len(taken) <= limit and place - offset < MOST_READ and place < MAX_OFFSET:
        codes = backend().ranked(query, asked.filters(), limit=CHUNK, offset=place)
        found = in_scope.filter(pk__in=codes).prefetch_related("tags").in_bulk()
        taken += [(place + n, found[code]) for n, code in enumerate(codes) if code in found]
        place += len(codes)
        if len(codes) < CHUNK:
            finished = True
            break
    if len(taken) > limit:
        following = taken[limit][0]
    else:
        following = None if finished or place >= MAX_OFFSET else place
    stories = [story for _, story in taken[:limit]]
    return Results([_result(story, query) for story in stories], following)


def _result(story: Story, query: SearchQuery) -> Result:
    text = f"{story.lead} {plain_body(story)}"
    return Result(story, str(highlight(story.headline, query)), str(snippet(text, query)))
