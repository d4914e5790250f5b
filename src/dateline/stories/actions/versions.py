from collections.abc import Iterable

from django.utils import timezone

from dateline.stories.content import slug_for, unique_tags
from dateline.stories.models import Story, Tag
from dateline.stories.rendering import render_body
from dateline.stories.revisions import revision_of


def save_new_version(story: Story, content: dict, tags: Iterable[Tag] | None, *, by) -> dict | None:
    """Write `content` (from clean_content) as the story's next version, with its revision.
    `tags=None` keeps the story's tags. The caller holds the lock and logs the change, with
    what this returns as its `lists_left` (None: the story was not public, or left nothing).
    A version saved while the story is public is one readers see: `revised_at`."""
    now = timezone.now()
    carried = list(story.tags.all())
    kept = tags is None
    tags = carried if kept else unique_tags(tags)
    lists_left = None
    if Story.objects.public(now=now).filter(pk=story.pk).exists():
        story.revised_at = now
        lists_left = _lists_left(story, carried, tags)
    for field, value in content.items():
        setattr(story, field, value)
    story.slug = slug_for(story.headline)
    story.body_html = render_body(story.body)
    story.version += 1
    story.updated_at = now
    story.save()
    if not kept:
        story.tags.set(tags)
    revision_of(story, tags, by=by).save()
    return lists_left


def _lists_left(story: Story, carried: list[Tag], tags: list[Tag]) -> dict | None:
    """The slug of the section (as stored: the caller may have set another) and the slugs of
    the tags the public story stops carrying, as `StoryChange.lists_left` keeps them."""
    stored, slug = Story.objects.filter(pk=story.pk).values_list("section", "section__slug").get()
    section = slug if stored is not None and stored != story.section_id else None
    staying = set(tags)
    left = [tag.slug for tag in carried if tag not in staying]
    return {"section": section, "tags": left} if section or left else None
