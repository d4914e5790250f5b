"""Search over public stories: one interface, whichever index the database has
(`discovery.backends`). Pages and commands call these functions, never a backend.

The index holds public stories only and is kept current from the change log
(`discovery.indexing`); every result is read back through `Story.objects.public()` all the
same, so a stale entry (a write that failed, a story deleted outside the actions) can never
show a story readers may not see.
"""

import datetime
import html
import zoneinfo
from collections.abc import Callable, Iterable, Mapping

import nh3
from django.db import transaction

from dateline.discovery import story_words
from dateline.discovery.backends import Document, Filters, backend
from dateline.discovery.query import MAX_TERMS, SearchQuery, Term
from dateline.discovery.text import index_text, tokens
from dateline.stories.models import Story, Tag
from dateline.stories.tagging import tag_of_slug, tag_slug

# The index keeps this much of each field: a tsvector holds at most 1 MB, and a story's first
# hundred thousand characters say what it is about.
MAX_INDEXED_CHARS = 100_000
REINDEX_BATCH = 500
# "More like this" ranks every story holding any of its words: it leaves out its commonest
# words once the stories holding the rest would be more than this (decision 0030). Ranking is
# per story, so this bounds its cost at any size; a story's rarest words find its kin.
MORE_LIKE_THIS_MATCHES = 2_500
_INDEXED_FIELDS = (
    "pk",
    "edition_id",
    "section_id",
    "published_at",
    "headline",
    "lead",
    "body_html",
)


def plain_body(story: Story) -> str:
    """The body's text as readers see it: the rendered HTML without its tags."""
    return _plain(story.body_html)


def written_texts(codes: Iterable[int]) -> dict[int, str]:
    """The lead and body of those of `codes` that are stories, as written (the case kept, the
    body's tags dropped): what the model of the edition's words learns its names from."""
    rows = Story.objects.filter(pk__any_of=list(codes)).values_list("pk", "lead", "body_html")
    return {code: f"{lead}\n{_plain(body_html)}" for code, lead, body_html in rows}


def _plain(body_html: str) -> str:
    return html.unescape(nh3.clean(body_html, tags=set()))


def _documents(stories) -> list[Document]:
    """The index's documents of `stories` (a queryset): their fields as rows and their tags in
    one more query (model instances and a prefetch cost a 500-story import batch 0.1 s)."""

    def indexed(text: str) -> str:
        return index_text(text[:MAX_INDEXED_CHARS])

    rows = list(stories.values_list(*_INDEXED_FIELDS))
    tag_ids: dict[int, list[int]] = {}
    if rows:
        tagged = Story.tags.through.objects.filter(story_id__any_of=[row[0] for row in rows])
        for story_id, tag_id in tagged.values_list("story_id", "tag_id"):
            tag_ids.setdefault(story_id, []).append(tag_id)
    return [
        Document(
            code=code,
            edition_id=edition_id,
            section_id=section_id,
            published_at=published_at,
            headline=indexed(headline),
            lead=indexed(lead),
            body=indexed(_plain(body_html)),
            tag_ids=tuple(sorted(tag_ids.get(code, ()))),
        )
        for code, edition_id, section_id, published_at, headline, lead, body_html in rows
    ]


def public_documents(codes: Iterable[int]) -> list[Document]:
    """The index's documents of those of `codes` that are public stories."""
    return _documents(Story.objects.public().filter(pk__any_of=list(codes)))


def sync_stories(codes: Iterable[int]) -> None:
    """Make the index agree with the stories as stored now: the public ones (re)written, the
    others removed; Related News's word counts (`story_words`) with them. What the change
    log's receiver calls for every change."""
    codes = set(codes)
    public = public_documents(codes)
    index = backend()
    gone = sorted(codes - {document.code for document in public})
    # One transaction: FTS5 writes its pending entries once, at the commit.
    with transaction.atomic():
        index.remove(gone)
        story_words.remove(gone)
        if public:
            index.store(public)
            story_words.store(public)


def reindex(edition=None, *, progress: Callable[[int], None] = lambda done: None) -> int:
    """Rebuild the index (of one edition, or all) from the public stories, REINDEX_BATCH at a
    time by news code, each batch in its own transaction: the entries of that range of codes
    are replaced by the public stories in it, so searches go on finding the rest meanwhile.
    `progress` hears the count so far after each batch. Returns how many were indexed.
    Related News's word counts (`story_words`) are rewritten with the entries."""
    index = backend()
    edition_id = edition.pk if edition is not None else None
    stories = Story.objects.public().order_by("pk")
    if edition is not None:
        stories = stories.in_edition(edition)
    done, after = 0, 0
    while documents := _documents(stories.filter(pk__gt=after)[:REINDEX_BATCH]):
        upto = documents[-1].code
        with transaction.atomic():
            index.replace_range(documents, after, upto, edition_id)
            story_words.replace_range(documents, after, upto, edition_id)
        done += len(documents)
        after = upto
        progress(done)
    with transaction.atomic():
        index.replace_range([], after, None, edition_id)  # past the last public story
        story_words.replace_range([], after, None, edition_id)
    index.settle()
    return done


def search(query: SearchQuery, filters: Filters, *, offset: int, limit: int) -> list[Story]:
    """Up to `limit` public stories matching every term of `query`, best first (text
    relevance, headline above lead above body, boosted for recency), after `offset`. Ask for
    one more than a page shows to know whether another follows: nothing counts all matches."""
    codes = backend().ranked(query, filters, limit=limit, offset=offset)
    return _public_in_order(codes, Story.objects.public().select_related("section"))


def best_matches(
    terms: Mapping[str, float], filters: Filters, *, limit: int = 5, offset: int = 0
) -> list[int]:
    """The codes of the indexed stories that best match any of `terms` ("more like this"):
    the MAX_TERMS heaviest terms are asked for, and relevance ranks the stories that have any
    of them; of those terms, the rarest are kept while the stories holding them number at most
    MORE_LIKE_THIS_MATCHES (the rarest always). Terms are normalised as queries are.

    The index holds public stories, but one may have stopped being public since its entry
    was last synced: the caller reads the stories through `public()` (Related News reads
    their words so), once, rather than this asking the stories table a second time."""
    heaviest = sorted(terms, key=lambda term: -terms[term])
    asked = [Term(words) for term in heaviest if (words := tuple(tokens(term)))][:MAX_TERMS]
    if not asked:
        return []
    asked = _within_budget(asked)
    return backend().ranked(
        SearchQuery(tuple(asked)), filters, limit=limit, offset=offset, any_term=True
    )


def _within_budget(terms: list[Term]) -> list[Term]:
    """The rarest of `terms` while the stories holding them add up to MORE_LIKE_THIS_MATCHES
    at most (at least the rarest one), in their order. A phrase counts as its rarest word."""
    _, counts = backend().word_counts(sorted({word for term in terms for word in term.words}))

    def holding(term: Term) -> int:
        return min(counts.get(word, 0) for word in term.words)

    kept, total = set(), 0
    for term in sorted(terms, key=holding):
        total += holding(term)
        if kept and total > MORE_LIKE_THIS_MATCHES:
            break
        kept.add(term)
    return [term for term in terms if term in kept]


def _public_in_order(codes: list[int], public) -> list[Story]:
    """The stories of `codes` that `public` (a `public()` queryset) has, in the same order."""
    if not codes:
        return []
    found = {story.pk: story for story in public.filter(pk__in=codes)}
    return [found[code] for code in codes if code in found]


def public_tag(slug: str, edition) -> Tag | None:
    """The tag of `slug` (in another spelling too: "اوپك" is "اوپک", `tag_slug`) if a public
    story of `edition` carries it: as on the tag page, a tag only hidden stories carry must not
    show that they exist. Nothing a slug could not hold (a NUL, say) reaches the query."""
    if not (slug := tag_slug(slug)):
        return None
    tag = tag_of_slug(slug)
    if tag is None:
        return None
    return tag if Story.objects.public().in_edition(edition).tagged(tag).exists() else None


def days_between(
    since: datetime.date | None, until: datetime.date | None, zone: str
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The moments a search from the day `since` to the day `until` (both inclusive, in the
    time zone `zone`) spans: from since's midnight, up to (not including) the midnight after
    until. The calendar's first and last days bound nothing: their midnights east or west of
    UTC fall outside what a datetime can hold once the database asks for them in UTC."""
    tz = zoneinfo.ZoneInfo(zone)

    def midnight(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=tz)

    start = midnight(since) if since is not None and since > datetime.date.min else None
    end = None
    if until is not None and until < datetime.date.max:
        end = midnight(until + datetime.timedelta(days=1))
    return start, end
