import datetime
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.utils import timezone

from dateline.stories.compiled import Compiled
from dateline.stories.headlines import HEADLINE_FIELDS

# A tag on at least FREQUENT_AMONG_RECENT of an edition's newest RECENT_STORIES public stories
# is frequent: a newest-first list of its stories is read by walking the edition's stories in
# that order and checking the tag on each, which finds a page within about those few. Any
# other tag's stories are read from its own rows and sorted. Each way is fast where the other
# is slow: at a million stories, sorting a country's 600,000 rows took seconds; a walk for a
# rare tag's few would read the whole edition.
RECENT_STORIES = 1_000
FREQUENT_AMONG_RECENT = 20
# How long a tag's frequency is taken as read, in the cache and then by each process that read
# it there: a tag turning frequent (or rare) is read the slower way at most twice this long.
FREQUENCY_SECONDS = 60


def frequent_tags(edition, tag_ids) -> set[int]:
    """Which of these tags are frequent in `edition` (an edition or its id), in one query
    that reads RECENT_STORIES stories and their tags whatever the sizes of the edition and of
    the tags (counting a tag's rows made PostgreSQL read all of them: 11 ms at a million)."""
    if not tag_ids:
        return set()
    edition_id = getattr(edition, "pk", edition)
    rows = _FREQUENT_TAGS.rows(
        literals={"recent": RECENT_STORIES},
        edition=edition_id,
        tags=list(tag_ids),
        now=timezone.now(),
        at_least=FREQUENT_AMONG_RECENT,
    )
    return {tag_id for (tag_id,) in rows}


# The answers this process read, each with when it stops taking it (`time.monotonic()`), the
# oldest dropped beyond KNOWN_MOST.
_known: OrderedDict[str, tuple[bool, float]] = OrderedDict()
KNOWN_MOST = 10_000


def kept_frequent_tags(edition, tag_ids) -> set[int]:
    """`frequent_tags`, each tag's answer kept in the cache for FREQUENCY_SECONDS: it chooses
    a plan, not an answer (both ways read the same stories), and asking cost a tag page, or an
    article's stand-in Related News, a query as dear as its list's (3 ms at a million). For the
    same reason each process keeps what it read for as long, without asking the cache again
    (a round trip to Redis on every rendered tag page)."""
    edition_id = getattr(edition, "pk", edition)
    keys = {tag_id: f"tag-frequency:{edition_id}:{tag_id}" for tag_id in tag_ids}
    now = time.monotonic()
    kept = {key: known[0] for key in keys.values() if (known := _known.get(key)) and known[1] > now}
    if len(kept) < len(keys):
        read = cache.get_many([key for key in keys.values() if key not in kept])
        unknown = [tag_id for tag_id, key in keys.items() if key not in kept and key not in read]
        if unknown:
            frequent = frequent_tags(edition_id, unknown)
            fresh = {keys[tag_id]: tag_id in frequent for tag_id in unknown}
            cache.set_many(fresh, FREQUENCY_SECONDS)
            read.update(fresh)
        for key, answer in read.items():
            _known[key] = (answer, now + FREQUENCY_SECONDS)
            _known.move_to_end(key)
        while len(_known) > KNOWN_MOST:
            _known.popitem(last=False)
        kept.update(read)
    return {tag_id for tag_id, key in keys.items() if kept[key]}


def is_frequent_tag(edition, tag) -> bool:
    """Whether `tag` is frequent in `edition`: which way to read its list (`kept_frequent_tags`)."""
    return tag.pk in kept_frequent_tags(edition, [tag.pk])


def _frequent_among(edition, tags, now, at_least, recent):
    from dateline.stories.models import Story

    newest = Story.objects.public(now=now).in_edition(edition).latest().values("pk")[:recent]
    carried = Story.tags.through.objects.filter(story_id__in=newest, tag_id__in=tags)
    counted = carried.values("tag_id").annotate(stories=models.Count("story_id"))
    return counted.filter(stories__gte=at_least).values_list("tag_id")


_FREQUENT_TAGS = Compiled(_frequent_among)  # built and compiled once (decision 0039)


class StoryQuerySet(models.QuerySet):
    def public(self, now: datetime.datetime | None = None) -> "StoryQuerySet":
        """Stories readers may see at `now` (by default, now): published, not killed, embargo
        passed.

        The one definition of "public": every page, list, feed, sitemap, search result, related
        list and API response starts from here, so a draft, scheduled, embargoed or killed story
        can appear nowhere.
        """
        from dateline.stories.models import Status

        now = now or timezone.now()
        return self.filter(status=Status.PUBLISHED, published_at__lte=now).filter(
            models.Q(embargo_until__isnull=True) | models.Q(embargo_until__lte=now)
        )

    def withdrawn(self) -> "StoryQuerySet":
        """Stories given a publication time and then killed or unpublished: what a list, a
        feed or a sitemap may have shown and shows no longer (their `updated_at` is when)."""
        from dateline.stories.models import Status

        return self.filter(
            status__in=(Status.KILLED, Status.UNPUBLISHED), published_at__isnull=False
        )

    def in_edition(self, edition) -> "StoryQuerySet":
        return self.filter(edition=edition)

    def in_section(self, section) -> "StoryQuerySet":
        return self.filter(section=section)

    def tagged(self, tag, *, frequent: bool = False) -> "StoryQuerySet":
        """Stories that carry `tag` (a tag or its id), written for the shorter way to a
        newest-first page: a `frequent` tag (`frequent_tags`) checked on each story of the
        walk, any other read from its own rows."""
        tag_id = getattr(tag, "pk", tag)
        if not frequent:
            return self.filter(tags=tag_id)
        from dateline.stories.models import Story

        carries = Story.tags.through.objects.filter(story_id=models.OuterRef("pk"), tag_id=tag_id)
        return self.filter(models.Exists(carries))

    def latest(self) -> "StoryQuerySet":
        return self.order_by("-published_at", "-code")

    def headlines(self) -> "StoryQuerySet":
        """Rows of the columns a list of headlines shows (`HEADLINE_FIELDS`, for `Headline`),
        newest first; not their sections (from the edition's furniture:
        `EditionChrome.with_sections`)."""
        return self.latest().values_list(*HEADLINE_FIELDS)

    def latest_per_section(self, section_ids, per_section: int) -> "StoryQuerySet":
        """The newest `per_section` stories of each of these sections, in one query (a window
        function ranking every story of the edition instead took 8 s at a million)."""
        sections = [self.filter(section_id=s) for s in section_ids]
        return self.newest_of_each(sections, per_section).headlines()

    def newest_of_each(self, lists: list["StoryQuerySet"], count: int) -> "StoryQuerySet":
        """The stories among the newest `count` of each of `lists`, in one query of one bounded
        read per list, each along its own index, as one UNION ALL (offered them OR-ed,
        PostgreSQL scanned the whole table against each, and SQLite, though it read them index
        by index, spent 0.24 ms merging five). Unordered and unshaped: the caller orders and
        shapes them (`headlines()`)."""
        newest = [stories.latest().values("pk")[:count] for stories in lists]
        if not newest:
            return self.none()
        # The reads alone, not `self`'s conditions again (each read has them): offered the
        # edition's conditions beside them, SQLite walked the edition's index and tested each
        # story against the lists (2.3 ms at 10,000 stories, growing with the edition).
        chosen = self.model.objects.using(self.db)
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            return chosen.filter(pk__in=newest[0].union(*newest[1:], all=True))
        # SQLite takes a LIMIT in a compound query's members only inside a subquery of their
        # own, which Django does not write: each read compiled alone, then joined (the ORM's
        # SQL, every value still a parameter).
        reads = [n.query.get_compiler(using=self.db).as_sql() for n in newest]
        union = " UNION ALL ".join(f"SELECT * FROM ({sql})" for sql, _ in reads)  # noqa: S608
        params = [p for _, read_params in reads for p in read_params]
        return chosen.filter(pk__in=RawSQL(union, params))  # noqa: S611
