import datetime
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from dateline.copy.characters import one_line
from dateline.stories.actions import bulk
from dateline.stories.models import PendingFanOut, Status, Story, StoryChange, WireListing
from dateline.stories.signals import story_changed, story_changes
from dateline.stories.workflow import require

logger = logging.getLogger(__name__)

# How old a change whose fan-out is pending must be before the worker's sweep sends it again.
# The process that made it sends it right after its commit (an import's batch of 500 in a few
# seconds), so a row this old was left by a process that stopped on the way (decision 0050).
FAN_OUT_GRACE = datetime.timedelta(seconds=60)
# Pending changes sent again per round of `fan_out_pending`, the stories read with them.
CATCH_UP_BATCH = 500
Action = StoryChange.Action
# A change's note (a workflow button's, a correction's, a kill's reason): a sentence or two,
# not a story pasted in the wrong box. A correction's is shown to readers under the story.
MAX_NOTE_CHARS = 1000
# The changes after which a story out on the wire may be listed under a section or a tag it
# was not before: it went out, or its content changed.
_LISTED_ANEW = {
    Action.PUBLISHED,
    Action.RELEASED,
    Action.EMBARGOED,
    Action.EDITED,
    Action.CORRECTED,
    Action.RESTORED,
}


def record_changes(
    story: Story,
    actions: Sequence[StoryChange.Action],
    *,
    by=None,
    note: str = "",
    lists_left: dict | None = None,
) -> list[StoryChange]:
    """Log the changes in order (their ids are the sequence numbers), in one insert, and fan
    each out once the write commits. `by` is who made them (None: the system), `note` why
    (one line: subscribers and the newsroom show it among other words), `lists_left` what
    the story's new version stopped being listed in (`save_new_version` says)."""
    changes = [(story, action) for action in actions]
    return record_changes_of(changes, by=by, note=note, lists_left=lists_left)


def record_changes_of(
    changes: Sequence[tuple[Story, StoryChange.Action]],
    *,
    by=None,
    note: str = "",
    lists_left: dict | None = None,
) -> list[StoryChange]:
    """`record_changes` for changes of many stories at once (an import's batch): one insert
    for all, ids increasing in the order given, one `story_changed` per change on commit.

    Each change is also put in the outbox (`PendingFanOut`) in the same transaction, and taken
    out once its `story_changed` has gone: a process that stops in between leaves it for the
    worker's sweep (`fan_out_pending`), so no committed change goes unannounced."""
    actor = by.pk if by is not None else None
    note = one_line(note)
    now = timezone.now()
    logged = [
        bulk.build(
            StoryChange,
            {"story": story, "actor": by},
            story_id=story.pk,
            version=story.version,
            action=action,
            at=now,
            actor_id=actor,
            note=note,
            lists_left=lists_left,
        )
        for story, action in changes
    ]
    _commit_in_order()
    bulk.insert(logged)  # the ids come back in order
    bulk.insert_rows(PendingFanOut, ["change"], [(change.pk,) for change in logged])
    _note_wire_listings([story for story, action in changes if action in _LISTED_ANEW])
    fan_out = [(story, change) for (story, _), change in zip(changes, logged, strict=True)]
    # One callback for the lot: registering one per change costs more than the insert.
    transaction.on_commit(lambda: _send_and_clear(fan_out), robust=True)
    return logged


def require_note_length(note: str, field: str, what: str) -> None:
    """Refuse a note over MAX_NOTE_CHARS, naming `what` it is, on `field`."""
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError(
            {field: f"{what} is at most {MAX_NOTE_CHARS:,} characters; this one has {len(note):,}."}
        )


def _note_wire_listings(stories: list[Story]) -> None:
    """The section and tags of each story out on the wire (published; embargoed ones are too),
    as `WireListing` rows: two statements for a batch, whatever its size."""
    out = {story.pk: story for story in stories if story.status == Status.PUBLISHED}
    if not out:
        return
    links = Story.tags.through.objects.filter(story_id__any_of=sorted(out))
    listings = [
        WireListing(story_id=code, section_id=story.section_id)
        for code, story in out.items()
        if story.section_id is not None
    ]
    listings += [
        WireListing(story_id=code, tag_id=tag)
        for code, tag in links.values_list("story_id", "tag_id")
    ]
    WireListing.objects.bulk_create(listings, ignore_conflicts=True)


# Any constant: the key of the one transaction-level advisory lock below.
_CHANGE_LOG_LOCK = 0x446C4368  # "DlCh"


def _commit_in_order() -> None:
    """Make change ids commit in the order they are drawn: on PostgreSQL, a transaction holds
    this lock from drawing its ids until it ends, so a reader that sees id N sees every id
    below it (the wire's cursor relies on it: decision 0024). SQLite writes one transaction
    at a time already (BEGIN IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHANGE_LOG_LOCK])


def fan_out_pending(
    *, grace: datetime.timedelta = FAN_OUT_GRACE, now: datetime.datetime | None = None
) -> int:
    """Send `story_changed` again for each change still in the outbox whose time is `grace`
    or more before `now`, in change order, with its story as it is now; take them out; return
    how many. The receivers take a change sent twice in their stride (the index and Related
    News write the story as it is, a webhook delivery is one per subscriber and change), so a
    change whose fan-out had half run, or that another worker sends at the same moment, comes
    to no harm."""
    cutoff = (now or timezone.now()) - grace
    sent = last = 0
    while True:
        # Onwards from the last change sent, not from the first row left: a row its round
        # left behind cannot keep this call going round for ever.
        due = list(
            PendingFanOut.objects.filter(change__at__lte=cutoff, change_id__gt=last)
            .order_by("change_id")
            .values_list("change_id", flat=True)[:CATCH_UP_BATCH]
        )
        if not due:
            return sent
        changes = StoryChange.objects.filter(pk__any_of=due).select_related("story__edition")
        _send_and_clear([(change.story, change) for change in changes.order_by("pk")])
        sent, last = sent + len(due), due[-1]


def _send_and_clear(fan_out: list[tuple[Story, StoryChange]]) -> None:
    _send_each(fan_out)
    # Only now: a process stopped before here leaves the rows for `fan_out_pending`. A change
    # a receiver failed on is taken out too (it was logged): sending it again every sweep
    # would fail again.
    PendingFanOut.objects.filter(change_id__any_of=[change.pk for _, change in fan_out]).delete()


def _send_each(fan_out: list[tuple[Story, StoryChange]]) -> None:
    """`story_changes` for the lot, then `story_changed` for each change in order. A receiver
    that raises is logged and the rest still go out, as with one robust on_commit callback per
    change."""
    try:
        story_changes.send(sender=Story, changes=fan_out)
    except Exception:
        first, last = fan_out[0][1].pk, fan_out[-1][1].pk
        logger.exception("a story_changes receiver failed on changes %s to %s", first, last)
    for story, change in fan_out:
        try:
            story_changed.send(sender=Story, story=story, change=change)
        except Exception:
            logger.exception("a story_changed receiver failed on change %s", change.pk)


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
