"""The search index follows the change log: a committed story change re-reads that story and
writes it to the index if it is public, or takes it out if it is not (a kill, an unpublish, an
embargo put back), in the same moment the change is announced. Related News follows it too, in
the background: the change queues the story's refresh for the worker."""

from django.db.models.signals import post_delete

from dateline.discovery.search import sync_stories
from dateline.discovery.tasks import refresh_related
from dateline.stories.models import Status, Story, StoryChange
from dateline.stories.signals import story_changes

# Changes that alter neither a story's words nor whether it is public: no need to look. A story
# created public is logged 'created' then 'published', and the second is looked at.
_UNSEEN = frozenset(
    {StoryChange.Action.CREATED, StoryChange.Action.TAKEN, StoryChange.Action.COMMENTS}
)


# Changes after which a story may enter or leave Related News, or read differently. An
# embargo or a schedule is never laid on a public story: no list changes then.
_PUBLIC_OR_NOT = frozenset(
    {
        StoryChange.Action.PUBLISHED,
        StoryChange.Action.RELEASED,
        StoryChange.Action.CORRECTED,
        StoryChange.Action.UNPUBLISHED,
        StoryChange.Action.KILLED,
    }
)
_REWORDED = frozenset({StoryChange.Action.EDITED, StoryChange.Action.RESTORED})


def story_changes_receiver(sender, changes: list[tuple[Story, StoryChange]], **kwargs) -> None:
    """The stories of a batch of changes indexed at once (an import's 500 in one write, not
    500), then their Related News queued, as one task: a refresh reads the words the index
    stores."""
    if seen := {story.pk for story, change in changes if change.action not in _UNSEEN}:
        sync_stories(seen)
    to_refresh = {
        story.pk: None
        for story, change in changes
        if change.action in _PUBLIC_OR_NOT
        or (change.action in _REWORDED and story.status == Status.PUBLISHED)
    }
    if to_refresh:
        refresh_related.enqueue(*to_refresh)


def story_deleted_receiver(sender, instance: Story, **kwargs) -> None:
    sync_stories([instance.pk])


def connect() -> None:
    story_changes.connect(story_changes_receiver, dispatch_uid="discovery.search_index")
    post_delete.connect(story_deleted_receiver, sender=Story, dispatch_uid="discovery.deleted")
