import functools
import operator

from django.db import connection, models
from django.utils import timezone

# A tag on more stories than this is common. A list of a common tag's stories walks the
# edition's stories newest first and checks the tag on each (its stories come soon, and the walk
# stops at the page); a rarer tag's stories are read from its own rows and sorted. Each way is
# fast where the other is slow: at a million stories, sorting a country's 300,000 rows took
# 3 s, and walking a million stories for a rare tag's few would take as long.
COMMON_TAG_STORIES = 2_000


def common_tags(tag_ids) -> set[int]:
    """Which of these tags are common, in one query that counts no tag past the threshold."""
    from dateline.stories.models import Story, Tag

    tag_rows = Story.tags.through.objects.filter(tag_id=models.OuterRef("pk")).order_by()
    past_threshold = tag_rows[COMMON_TAG_STORIES : COMMON_TAG_STORIES + 1]
    common = Tag.objects.filter(pk__in=tag_ids).filter(models.Exists(past_threshold))
    return set(common.values_list("pk", flat=True))


class StoryQuerySet(models.QuerySet):
    def public(self) -> "StoryQuerySet":
        """Stories readers may see: published, not killed, embargo passed.

        The one definition of "public": every page, list, feed, sitemap, search result, related
        list and API response starts from here, so a draft, scheduled, embargoed or killed story
        can appear nowhere.
        """
        from dateline.stories.models import Status

        now = timezone.now()
        return self.filter(status=Status.PUBLISHED, published_at__lte=now).filter(
            models.Q(embargo_until__isnull=True) | models.Q(embargo_until__lte=now)
        )

    def in_edition(self, edition) -> "StoryQuerySet":
        return self.filter(edition=edition)

    def in_section(self, section) -> "StoryQuerySet":
        return self.filter(section=section)

    def tagged(self, tag, *, common: bool | None = None) -> "StoryQuerySet":
        """Stories that carry `tag` (a tag or its id), written for the shorter way to a
        newest-first page (`COMMON_TAG_STORIES`); `common` when the caller knows it already,
        else one bounded query tells."""
        tag_id = getattr(tag, "pk", tag)
        if common is None:
            common = tag_id in common_tags([tag_id])
        if not common:
            return self.filter(tags=tag_id)
        from dateline.stories.models import Story

        carries = Story.tags.through.objects.filter(story_id=models.OuterRef("pk"), tag_id=tag_id)
        return self.filter(models.Exists(carries))

    def latest(self) -> "StoryQuerySet":
        return self.order_by("-published_at", "-code")

    def for_listing(self) -> "StoryQuerySet":
        """Only the columns a list of headlines shows, newest first, section joined."""
        return (
            self.latest()
            .select_related("section")
            .only(
                "code",
                "slug",
                "headline",
                "lead",
                "byline",
                "language",
                "published_at",
                "edition_id",
                "section__slug",
                "section__name",
                "section__edition_id",
            )
        )

    def latest_per_section(self, section_ids, per_section: int) -> "StoryQuerySet":
        """The newest `per_section` stories of each of these sections, in one query (a window
        function ranking every story of the edition instead took 8 s at a million)."""
        sections = [self.filter(section_id=s) for s in section_ids]
        return self.newest_of_each(sections, per_section).for_listing()

    def newest_of_each(self, lists: list["StoryQuerySet"], count: int) -> "StoryQuerySet":
        """The stories among the newest `count` of each of `lists`, in one query of one bounded
        read per list, each along its own index. PostgreSQL gets the reads as one UNION ALL
        (offered them OR-ed, it scanned the whole table against each); SQLite, which allows
        no LIMIT inside a compound query, gets them OR-ed, which it reads index by index."""
        newest = [stories.latest().values("pk")[:count] for stories in lists]
        if not newest:
            return self.none()
        if connection.features.supports_slicing_ordering_in_compound:
            return self.filter(pk__in=newest[0].union(*newest[1:], all=True))
        return self.filter(functools.reduce(operator.or_, (models.Q(pk__in=n) for n in newest)))
