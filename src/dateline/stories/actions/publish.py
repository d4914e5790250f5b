import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dateline.stories.actions.changes import record_changes
from dateline.stories.models import Status, Story, StoryChange


def publish_story(story: Story, *, at: datetime.datetime | None = None) -> Story:
    """Make a story public now, or with a publication time `at` (an archive's original time).

    A killed story cannot be published again; a correction is a new version, not a re-publish.
    """
    if story.status == Status.KILLED:
        raise ValidationError(f"Story {story.code} was killed and cannot be published again.")
    if at is not None and timezone.is_naive(at):
        raise ValidationError("The publication time must carry a time zone.")
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        story.status = Status.PUBLISHED
        story.published_at = at or now
        story.updated_at = now
        story.save(update_fields=["status", "published_at", "updated_at"])
        record_changes(story, [StoryChange.Action.PUBLISHED])
    return story
