from django.db import models
from django.db.models.functions import RowNumber
from django.utils import timezone


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

    def tagged(self, tag) -> "StoryQuerySet":
        return self.filter(tags=tag)

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

    def latest_per_section(self, per_section: int) -> "StoryQuerySet":
        """The newest `per_section` stories of every section, in one query (a window function,
        which SQLite and PostgreSQL both run)."""
        newest_first = [models.F("published_at").desc(), models.F("code").desc()]
        return (
            self.filter(section__isnull=False)
            .annotate(
                rank=models.Window(RowNumber(), partition_by="section_id", order_by=newest_first)
            )
            .filter(rank__lte=per_section)
            .for_listing()
        )
