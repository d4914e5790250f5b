from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dateline.stories.content import slug_for, unique_tags
from dateline.stories.models import Revision, Section, Story, Tag
from dateline.stories.rendering import render_body
from dateline.stories.revisions import revision_of
from dateline.stories.signals import story_left_lists


def save_new_version(story: Story, content: dict, tags: Iterable[Tag] | None, *, by) -> Revision:
    """Write `content` (from clean_content) as the story's next version, with its revision.
    `tags=None` keeps the story's tags. The caller holds the lock and logs the change. A
    version saved while the story is public is one readers see: `revised_at`."""
    now = timezone.now()
    carried = list(story.tags.all())
    tags = carried if tags is None else unique_tags(tags)
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
    if tags is not carried:
        story.tags.set(tags)
    revision = revision_of(story, tags, by=by)
    revision.save()
    return revision


def _announce_lists_left(story: Story, carried: list[Tag], tags: list[Tag]) -> None:
    """On commit, `story_left_lists` for the section (as stored: the caller may have set
    another) and the tags the public story stops carrying."""
    stored = Story.objects.filter(pk=story.pk).values_list("section", flat=True).get()
    section = None
    if stored is not None and stored != story.section_id:
        section = Section.objects.select_related("edition").get(pk=stored)
    left = [tag for tag in carried if tag not in set(tags)]
    if section or left:
        transaction.on_commit(
            lambda: story_left_lists.send(sender=Story, story=story, section=section, tags=left),
            robust=True,
        )
