"""Linking a story with its versions in other editions, and unlinking it.

A translation group holds at most one story per edition (a database constraint says so too).
Every member whose set of translations changes gets a StoryChange: its page shows the others,
so its history says when its links changed, and the change retires the cached pages.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dateline.stories.actions.changes import locked, mirror, record_changes_of
from dateline.stories.models import Story, StoryChange, TranslationGroup
from dateline.stories.workflow import require, works_on

Action = StoryChange.Action
LARGEST_CODE = 2**63 - 1  # a news code is a 64-bit integer in every database


def link_translation(story: Story | int, other: Story | int, *, by=None, note: str = "") -> Story:
    """Make `story` and `other` (a news code) versions of each other, with whatever versions
    either has already. Refused, naming why: the story itself, an unknown code (or one of an
    edition `by` does not work on), two stories of one edition, or a group that would then
    hold two stories of one edition."""
    other_code = other.pk if isinstance(other, Story) else other
    with transaction.atomic():
        _lock_in_code_order(story, other_code)
        current = locked(story)
        require(by, Action.LINKED, current)
        if other_code == current.pk:
            raise ValidationError({"other": f"Story {current.pk} cannot be its own translation."})
        partner = _partner(other_code, by)
        require(by, Action.LINKED, partner)
        if partner.edition_id == current.edition_id:
            raise ValidationError(
                {
                    "other": f"Stories {current.pk} and {partner.pk} are both in the "
                    f"{current.edition.name} edition: a translation is in another edition."
                }
            )
        if current.translation_group_id and (
            current.translation_group_id == partner.translation_group_id
        ):
            raise ValidationError(
                {"other": f"Stories {current.pk} and {partner.pk} are linked already."}
            )
        members = sorted(_members(current) + _members(partner), key=lambda member: member.pk)
        _refuse_two_of_one_edition(members)
        groups = {current.translation_group_id, partner.translation_group_id} - {None}
        group = TranslationGroup.objects.get(pk=min(groups)) if groups else None
        group = group or TranslationGroup.objects.create()
        _move(members, group)
        # Two groups joined: the other one is left empty.
        TranslationGroup.objects.filter(pk__in=groups - {group.pk}).delete()
        record_changes_of(
            [(member, Action.LINKED) for member in members],
            by=by,
            note=_note(f"translations: {_names(members)}", note),
        )
    mirror(story, current)
    return current


def unlink_translation(story: Story | int, *, by=None, note: str = "") -> Story:
    """Take `story` out of its translation group. A group left with one story is dissolved."""
    with transaction.atomic():
        current = locked(story)
        require(by, Action.UNLINKED, current)
        members = _members(current)
        others = [member for member in members if member.pk != current.pk]
        group_id = current.translation_group_id
        _move([current, *others] if len(others) == 1 else [current], None)
        TranslationGroup.objects.filter(pk=group_id, stories__isnull=True).delete()
        record_changes_of(
            [(member, Action.UNLINKED) for member in members],
            by=by,
            note=_note(f"{_names([current])} unlinked from {_names(others)}", note),
        )
    mirror(story, current)
    return current


def _lock_in_code_order(story: Story | int, other_code) -> None:
    """Both rows, the lower code first: two links of one pair made from either end at once
    wait for each other instead of deadlocking."""
    codes = [story.pk if isinstance(story, Story) else story]
    if _is_code(other_code):
        codes.append(other_code)
    list(Story.objects.select_for_update(of=("self",)).filter(pk__in=codes).order_by("pk"))


def _is_code(value) -> bool:
    return isinstance(value, int) and 0 < value <= LARGEST_CODE


def _partner(code: int, by) -> Story:
    """The other story, locked; unknown to a member who does not work on its edition."""
    found = None
    if _is_code(code):
        found = Story.objects.filter(pk=code).select_related("edition").first()
    if found is None or (by is not None and not works_on(by, found.edition)):
        where = "" if by is None else " in your editions"
        raise ValidationError({"other": f"There is no story with news code {code}{where}."})
    return locked(found)


def _members(story: Story) -> list[Story]:
    """The story's group as stored now, rows locked, the story itself as given."""
    if story.translation_group_id is None:
        return [story]
    group = (
        Story.objects.select_for_update(of=("self",))
        .select_related("edition")
        .filter(translation_group_id=story.translation_group_id)
        .order_by("code")
    )
    return [story if member.pk == story.pk else member for member in group]


def _refuse_two_of_one_edition(members: list[Story]) -> None:
    seen: dict[int, Story] = {}
    for member in members:
        earlier = seen.setdefault(member.edition_id, member)
        if earlier is not member:
            raise ValidationError(
                {
                    "other": f"Stories {earlier.pk} and {member.pk} would both be the "
                    f"{member.edition.name} version: a group holds one story per edition. "
                    "Unlink one of them first."
                }
            )


def _move(members: list[Story], group: TranslationGroup | None) -> None:
    now = timezone.now()
    Story.objects.filter(pk__in=[member.pk for member in members]).update(
        translation_group=group, updated_at=now
    )
    for member in members:
        member.translation_group = group
        member.updated_at = now


def _names(members: list[Story]) -> str:
    return ", ".join(f"{member.pk} ({member.edition.code})" for member in members)


def _note(what: str, why: str) -> str:
    why = " ".join(why.split())
    return f"{what}; {why}" if why else what
