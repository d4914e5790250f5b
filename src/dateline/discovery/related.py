"""Related News, first rule: the latest public stories of the same edition sharing a tag or
the section. The ranking engine (its own issue) replaces this behind the same function."""

from django.db.models import Q

from dateline.stories.models import Story

RELATED_LIMIT = 5


def related_stories(story: Story, tag_ids: list[int], limit: int = RELATED_LIMIT) -> list[Story]:
    """Up to `limit` public stories related to `story`, newest first, in one query."""
    shares_tag = Q(pk__in=Story.tags.through.objects.filter(tag_id__in=tag_ids).values("story_id"))
    same_section = Q(section_id=story.section_id) if story.section_id else Q(pk__in=[])
    return list(
        Story.objects.public()
        .in_edition(story.edition_id)
        .filter(shares_tag | same_section)
        .exclude(pk=story.pk)
        .for_listing()[:limit]
    )
