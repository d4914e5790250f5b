"""The clock's changes: scheduled stories go public and embargoes lift, each exactly once.

Every release is a conditional UPDATE ("still scheduled, and due"), so however many workers
race, or however often a killed worker's task is retried and the sweep runs, one of them makes
the change and logs it; the others update no row and log nothing. The log entry is what tells
the page cache, search and the wire that the story is out.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dateline.stories.actions.changes import record_changes
from dateline.stories.models import Status, Story, StoryChange

SCHEDULED_NOTE = "scheduled time reached"
EMBARGO_NOTE = "embargo lifted"


def queue_release(story: Story, at: datetime.datetime) -> None:
    """Ask the worker to release `story` at `at`, once this change commits. A task that is lost
    or runs late is harmless: the sweep releases whatever is due."""
    from dateline.stories.tasks import release_story

    transaction.on_commit(lambda: release_story.using(run_after=at).enqueue(story.pk))


def release_due(
    codes: Iterable[int] | None = None, *, now: datetime.datetime | None = None
) -> list[StoryChange]:
    """Release every due story (or the due ones among `codes`); returns the changes logged."""
    now = now or timezone.now()
    scheduled = Story.objects.filter(status=Status.SCHEDULED, published_at__lte=now)
    embargoed = Story.objects.filter(status=Status.PUBLISHED, embargo_until__lte=now)
    if codes is not None:
        codes = list(codes)
        scheduled, embargoed = scheduled.filter(pk__in=codes), embargoed.filter(pk__in=codes)
    changes = []
    for code in scheduled.values_list("pk", flat=True):
        changes += _release(
            code,
            scheduled.filter(pk=code),
            {"status": Status.PUBLISHED},
            StoryChange.Action.PUBLISHED,
            SCHEDULED_NOTE,
        )
    for code in embargoed.values_list("pk", flat=True):
        changes += _release(
            code,
            embargoed.filter(pk=code),
            {"embargo_until": None},
            StoryChange.Action.RELEASED,
            EMBARGO_NOTE,
        )
    return changes


def _release(code: int, due, fields: dict, action: str, note: str) -> list[StoryChange]:
    with transaction.atomic():
        if not due.update(updated_at=timezone.now(), **fields):
            return []  # another worker, or an earlier run, released it first
        return record_changes(Story.objects.get(pk=code), [action], note=note)


def overdue(*, grace: datetime.timedelta = datetime.timedelta(minutes=1)):
    """Scheduled stories still waiting well past their time: the worker is down or behind."""
    return Story.objects.filter(
        status=Status.SCHEDULED, published_at__lte=timezone.now() - grace
    ).order_by("published_at")
