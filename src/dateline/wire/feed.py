"""The wire's change feed: items in the order of the change log, after a cursor.

The cursor is a StoryChange id. A story is an item once it has been out on the wire
(published, released or embargoed); it is listed at its newest change that matters to the wire
(`WIRE_ACTIONS`), once: an earlier change of it is passed over, as the item a client gets then
already shows it. One statement reads the changes, the subquery telling which is newest and
the story, so all three agree. Change ids commit in order (`stories.actions.changes`), so the
ids a reader sees are all the ids up to the newest it sees: a cursor never passes over an id
that commits later (decision 0024).
"""

from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from dateline.stories.models import Story, StoryChange, WireListing
from dateline.wire.models import Subscriber

Action = StoryChange.Action
OUT_ACTIONS = (Action.PUBLISHED, Action.RELEASED, Action.EMBARGOED)
WIRE_ACTIONS = (
    *OUT_ACTIONS,
    Action.EDITED,
    Action.CORRECTED,
    Action.RESTORED,
    Action.UNPUBLISHED,
    Action.KILLED,
)
MAX_CURSOR = 2**63 - 1


def scope(subscriber: Subscriber, prefix: str = "") -> Q:
    """The stories a subscriber takes: its editions, sections and tags (none chosen: any)."""
    editions, sections, tags = _filters(subscriber)
    wanted = Q()
    if editions:
        wanted &= Q(**{f"{prefix}edition__in": editions})
    if sections:
        wanted &= Q(**{f"{prefix}section__in": sections})
    if tags:
        tagged = Story.tags.through.objects.filter(story_id=_story(prefix), tag_id__in=tags)
        wanted &= Q(Exists(tagged))
    return wanted


def may_have(subscriber: Subscriber, prefix: str = "") -> Q:
    """The stories a subscriber may have had from the wire: of its editions, and listed under
    one of its sections and one of its tags while out (`WireListing`; each perhaps in another
    version of the story, as the rows do not say which). A superset of `scope` among stories
    that have been out."""
    editions, sections, tags = _filters(subscriber)
    wanted = Q()
    if editions:
        wanted &= Q(**{f"{prefix}edition__in": editions})
    listed = WireListing.objects.filter(story_id=_story(prefix))
    if sections:
        wanted &= Q(Exists(listed.filter(section_id__in=sections)))
    if tags:
        wanted &= Q(Exists(listed.filter(tag_id__in=tags)))
    return wanted


def taken_or_had(subscriber: Subscriber, prefix: str = "") -> Q:
    """The stories whose changes reach a subscriber: those its filters take as they are now,
    and those it `may_have` had, whatever an edit has made of them since (moved to another
    section, a tag dropped): a correction, a kill or a taking down of a story it ran must
    reach it."""
    within = scope(subscriber, prefix)
    if not within:  # no filter: every story (and `Q() | q` would be `q` alone)
        return within
    return within | may_have(subscriber, prefix)


def _filters(subscriber: Subscriber) -> tuple[list[int], list[int], list[int]]:
    # .all(), not values_list(): a caller that prefetched them spends no query here.
    return (
        [edition.pk for edition in subscriber.editions.all()],
        [section.pk for section in subscriber.sections.all()],
        [tag.pk for tag in subscriber.tags.all()],
    )


def _story(prefix: str) -> OuterRef:
    return OuterRef(f"{prefix}pk" if prefix else "pk")


def been_out(story_field: str = "pk") -> Exists:
    return Exists(
        StoryChange.objects.filter(story_id=OuterRef(story_field), action__in=OUT_ACTIONS)
    )


def wire_stories(subscriber: Subscriber) -> QuerySet[Story]:
    """Every story the subscriber may fetch: out on the wire at some time, and in its scope or
    one it may have had."""
    return Story.objects.filter(taken_or_had(subscriber)).filter(been_out())


@dataclass(frozen=True)
class Entry:
    change: StoryChange
    public: bool

    @property
    def story(self) -> Story:
        return self.change.story


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    cursor: int


class CursorAhead(Exception):
    """A cursor past the newest change: none was ever handed out (a typing slip, or one kept
    across a restore of the database to an earlier day). Accepted, it would page past every
    change until the log caught up with it, silently."""

    def __init__(self, after: int, newest: int):
        super().__init__(
            f"the cursor {after} is ahead of the change log (its newest change is {newest}): "
            f"ask again with after={newest} or less"
        )


def page_after(subscriber: Subscriber, after: int, limit: int) -> Page:
    """Up to `limit` items changed after `after`, and the cursor to ask with next. Raises
    CursorAhead for a cursor past the newest change."""
    # The horizon first: every id up to it has committed (or rolled back for good), so a page
    # that is not full may hand it out as the cursor without passing over anything.
    horizon = StoryChange.objects.aggregate(newest=Max("id"))["newest"] or 0
    if after > horizon:
        raise CursorAhead(after, horizon)
    newer = StoryChange.objects.filter(
        story_id=OuterRef("story_id"), id__gt=OuterRef("id"), action__in=WIRE_ACTIONS
    )
    changes = (
        StoryChange.objects.filter(id__gt=after, id__lte=horizon, action__in=WIRE_ACTIONS)
        .filter(taken_or_had(subscriber, "story__"), been_out("story_id"))
        .exclude(Exists(newer))
        .annotate(public=Exists(Story.objects.public().filter(pk=OuterRef("story_id"))))
        .select_related("story")
        .prefetch_related("story__tags")
        .order_by("id")[:limit]
    )
    entries = [Entry(change, change.public) for change in changes]
    if len(entries) == limit:
        return Page(entries, entries[-1].change.pk)
    return Page(entries, horizon)
