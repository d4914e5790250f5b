import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from dateline.stories.actions.changes import state_change
from dateline.stories.models import Status, Story, StoryChange


def publish_story(
    story: Story | int, *, by=None, at: datetime.datetime | None = None, note: str = ""
) -> Story:
    """Make a story public now, or with an earlier publication time `at` (an archive's).

    A later time is a schedule (`schedule_story`), which the worker carries out. A killed
    story cannot be published again; a correction is a new version, not a re-publish.
    """
    now = timezone.now()
    if at is not None:
        if timezone.is_naive(at):
            raise ValidationError("The publication time must carry a time zone.")
        if at > now:
            raise ValidationError(
                "The publication time is in the future: schedule the story instead."
            )
    with state_change(story, StoryChange.Action.PUBLISHED, by=by, note=note) as current:
        current.status = Status.PUBLISHED
        current.published_at = at or now
        current.embargo_until = None
    return current
