"""The clock's changes: scheduled stories go public and embargoes lift, each exactly once.

Every release is a conditional UPDATE ("still scheduled, and due"), so however many workers
race, or however often a killed worker's task is retried and the sweep runs, one of them makes
the change and logs it; the others update no row and log nothing. The log entry is what tells
the page cache, search and the wire that the story is out. Why per-story tasks and a sweep, and
what a SIGKILL at each moment leaves: docs/decisions/0012-scheduled-release-exactly-once.md.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from dateline.editions.models import Edition
from dateline.stories.actions.changes import record_changes
from dateline.stories.models import Status, Story, StoryChange

SCHEDULED_NOTE = "scheduled time reached"
EMBARGO_NOTE = "embargo lifted"


def queue_release(story: Story, at: datetime.datetime) -> None:
    """Ask the worker to release `story` at `at`, once this change commits. A task that is lost
    or runs late is harmless: the sweep releases whatever is due."""
    from dateline.stories.tasks import release_story

    transaction.on_commit(lambda: release_story.using(run_after=at).enqueue(story.pk))


@dataclass(frozen=True)
class _Hold:
    """A story held until a time: the state it waits in, the time, what its release writes."""

    status: str
    time_field: str
    release: dict
    action: str
    note: str
    # Read edition by edition, along the index of each edition's stories by state and time
    # (scheduled stories have no index of their own: decision 0057).
    by_edition: bool = False

    def is_due(self, now: datetime.datetime) -> Q:
        return Q(status=self.status, **{f"{self.time_field}__lte": now})

    def due(self, now: datetime.datetime):
        due = Story.objects.filter(self.is_due(now))
        if not self.by_edition:
            return due
        # The editions' keys as values, not a subquery: PostgreSQL then reads each edition's
        # range through the index even inside an OR (`overdue`), where a subquery made it read
        # every story (63 ms at 300,000).
        return due.filter(edition__in=list(Edition.objects.values_list("pk", flat=True)))


_SCHEDULED = _Hold(
    Status.SCHEDULED,
    "published_at",
    {"status": Status.PUBLISHED},
    StoryChange.Action.PUBLISHED,
    SCHEDULED_NOTE,
    by_edition=True,
)
_EMBARGOED = _Hold(
    Status.PUBLISHED,
    "embargo_until",
    {"embargo_until": None},
    StoryChange.Action.RELEASED,
    EMBARGO_NOTE,
)


def release_due(
    codes: Iterable[int] | None = None, *, now: datetime.datetime | None = None
) -> list[StoryChange]:
    """Release every due story (or the due ones among `codes`), the longest waiting first, so
    that the change log tells them in the order they fell due; returns the changes logged."""
    now = now or timezone.now()
    codes = None if codes is None else list(codes)
    waiting = []
    for hold in (_SCHEDULED, _EMBARGOED):
        due = hold.due(now) if codes is None else hold.due(now).filter(pk__in=codes)
        waiting += [(at, code, hold) for code, at in due.values_list("pk", hold.time_field)]
    changes = []
    for _at, code, hold in sorted(waiting, key=lambda waits: waits[:2]):
        changes += _release(code, hold, now)
    return changes


def _release(code: int, hold: _Hold, now: datetime.datetime) -> list[StoryChange]:
    """Release one story if it is still due. The UPDATE's own conditions decide, in the one
    statement that writes, so of any number of tries, in any processes, exactly one updates
    the row and logs the change; the others update nothing and log nothing."""
    with transaction.atomic():
        still_due = Story.objects.filter(hold.is_due(now), pk=code)  # by its key: no edition
        if not still_due.update(updated_at=timezone.now(), **hold.release):
            return []  # another worker, or an earlier run, released it first
        return record_changes(Story.objects.get(pk=code), [hold.action], note=hold.note)


def overdue(*, grace: datetime.timedelta = datetime.timedelta(minutes=1)):
    """Stories whose publication or embargo time passed more than `grace` ago and that are
    still not released, the longest waiting first: the worker is down or behind."""
    cutoff = timezone.now() - grace
    late = _SCHEDULED.due(cutoff) | _EMBARGOED.due(cutoff)
    return late.order_by(Coalesce("embargo_until", "published_at"), "pk")
