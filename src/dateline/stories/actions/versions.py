from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dateline.stories.content import slug_for, unique_tags
from dateline.stories.models import Revision, Story, Tag
from dateline.stories.rendering import render_body
from dateline.stories.revisions import revision_of
from dateline.stories.signals import story_left_lists


def save_new_version(story: Story, content: dict, tags: Iterable[Tag] | None, *, by) -> Revision:
    """Write `content` (from clean_content) as the story's next version, with its revision.
    `tags=None` keeps the story's tags. The caller holds the lock and logs the change. A
    version saved while the story is public is one readers see: `revised_at`."""
    now = timezone.now()
    carried = list(story.tags.all())
    kept = tags is None
    tags = carried if kept else unique_tags(tags)
    if Story.objects.public(now=now).filter(pk=story.pk).exists():
        story.revised_at = now
        _announce_lists_left(story, carried, tags)
    for field, value in content.items():
        setattr(story, field, value)
    story.slug = slug_for(story.headline)
    story.body_html = render_body(story.body)
    story.version += 1
    story.updated_at = now
    story.save()
    if not kept:
        story.tags.set(tags)
    revision = revision_of(story, tags, by=by)
    revision.save()
    return revision


def _announce_lists_left(story: Story, carried: list[Tag], tags: list[Tag]) -> None:
    """On commit, `story_left_lists` with the slugs of the section (as stored: the caller may
    have set another) and of the tags the public story stops carrying."""
    stored, slug = Story.objects.filter(pk=story.pk).values_list("section", "section__slug").get()
    section = slug if stored is not None and stored != story.section_id else None
    staying = set(tags)
    left = [tag.slug for tag in carried if tag not in staying]
    if section or left:
        transaction.on_commit(
            lambda: story_left_lists.send(sender=Story, story=story, section=section, tags=left),
            robust=True,
        )
