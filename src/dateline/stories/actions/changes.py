from collections.abc import Sequence

from django.db import transaction

from dateline.stories.models import Story, StoryChange
from dateline.stories.signals import story_changed


def record_changes(story: Story, actions: Sequence[StoryChange.Action]) -> list[StoryChange]:
    """Log the changes in order (their ids are the sequence numbers), in one insert, and fan
    each out once the write commits."""
    changes = StoryChange.objects.bulk_create(
        StoryChange(story=story, version=story.version, action=action) for action in actions
    )
    for change in changes:
        transaction.on_commit(
            lambda change=change: story_changed.send(sender=Story, story=story, change=change),
            robust=True,
        )
    return changes
