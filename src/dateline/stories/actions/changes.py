from django.db import transaction

from dateline.stories.models import Story, StoryChange
from dateline.stories.signals import story_changed


def record_change(story: Story, action: StoryChange.Action) -> StoryChange:
    """Log the change (its id is the sequence number) and fan it out once the write commits."""
    change = StoryChange.objects.create(story=story, version=story.version, action=action)
    transaction.on_commit(
        lambda: story_changed.send(sender=Story, story=story, change=change), robust=True
    )
    return change
