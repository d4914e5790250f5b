import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from dateline.stories.actions.changes import state_change
from dateline.stories.actions.schedule import require_no_embargo_before
from dateline.stories.models import Status, Story, StoryChange


def publish_story(
    story: Story | int, *, by=None, at: datetime.datetime | None = None, note: str = ""
) -> Story:
    """Make a story public now, or with an earlier publication time `at` (an archive's).

    A later time is a schedule (`schedule_story`), which the worker carries out. A killed
    story cannot be published again; a correction is a new version, not a re-publish. A story
    readers saw before it was unpublished keeps the time they first saw it (its pages, feeds
    and structured data give it as first published), unless `at` says otherwise.
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
        require_no_embargo_before(current, now, "published_at")
        seen_since = _seen_since(current, now)
        if seen_since is not None and at is None:
            current.revised_at = now  # back, as it is now: readers see it again from now
        current.published_at = at or seen_since or now
        current.status = Status.PUBLISHED
        current.embargo_until = None
    return current


def _seen_since(story: Story, now: datetime.datetime) -> datetime.datetime | None:
    """The publication time of an unpublished story readers saw (it was published, or
    released from a schedule or an embargo, and that time has come); None for one they never
    saw (unpublished before its schedule or its embargo's end)."""
    if story.status != Status.UNPUBLISHED or story.published_at is None:
        return None
    Action = StoryChange.Action
    seen = story.changes.filter(action__in=(Action.PUBLISHED, Action.RELEASED))
    return story.published_at if story.published_at <= now and seen.exists() else None
