from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from dateline.stories.models import Story, StoryChange
from dateline.stories.signals import story_changed
from dateline.stories.workflow import require


def record_changes(
    story: Story, actions: Sequence[StoryChange.Action], *, by=None, note: str = ""
) -> list[StoryChange]:
    """Log the changes in order (their ids are the sequence numbers), in one insert, and fan
    each out once the write commits. `by` is who made them (None: the system), `note` why."""
    changes = StoryChange.objects.bulk_create(
        StoryChange(story=story, version=story.version, action=action, actor=by, note=note)
        for action in actions
    )
    for change in changes:
        transaction.on_commit(
            lambda change=change: story_changed.send(sender=Story, story=story, change=change),
            robust=True,
        )
    return changes


def locked(story: Story | int) -> Story:
    """The story as stored now, its row locked until the transaction ends (PostgreSQL; SQLite
    holds the whole database from BEGIN IMMEDIATE), so checks and writes see one state."""
    code = story.pk if isinstance(story, Story) else story
    return Story.objects.select_for_update(of=("self",)).select_related("edition").get(pk=code)


def mirror(target: Story | int, current: Story) -> None:
    """Let a caller's Story object show what was written, as if it had been saved itself."""
    if isinstance(target, Story) and target is not current:
        for field in Story._meta.concrete_fields:
            setattr(target, field.attname, getattr(current, field.attname))


@contextmanager
def state_change(story: Story | int, action: str, *, by=None, note: str = "") -> Iterator[Story]:
    """Check, write and log one change, all or nothing.

    Yields the locked, current story after the role and state checks; the caller sets the
    fields that change; on leaving, the story is saved and the change logged.
    """
    with transaction.atomic():
        current = locked(story)
        require(by, action, current)
        yield current
        current.updated_at = timezone.now()
        current.save()
        record_changes(current, [action], by=by, note=note)
    mirror(story, current)
