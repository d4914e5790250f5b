from collections.abc import Iterable

from django.utils import timezone

from dateline.stories.content import slug_for, unique_tags
from dateline.stories.models import Revision, Story, Tag
from dateline.stories.rendering import render_body
from dateline.stories.revisions import revision_of


def save_new_version(story: Story, content: dict, tags: Iterable[Tag] | None, *, by) -> Revision:
    """Write `content` (from clean_content) as the story's next version, with its revision.
    `tags=None` keeps the story's tags. The caller holds the lock and logs the change. A
    version saved while the story is public is one readers see: `revised_at`."""
    now = timezone.now()
    if Story.objects.public(now=now).filter(pk=story.pk).exists():
        story.revised_at = now
    for field, value in content.items():
        setattr(story, field, value)
    story.slug = slug_for(story.headline)
    story.body_html = render_body(story.body)
    story.version += 1
    story.updated_at = now
    story.save()
    if tags is None:
        tags = list(story.tags.all())
    else:
        tags = unique_tags(tags)
        story.tags.set(tags)
    revision = revision_of(story, tags, by=by)
    revision.save()
    return revision
