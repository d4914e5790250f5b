"""Editors' choices in a story's Related News: a pick (shown first, in the order picked), an
exclusion (never shown), or taking either back. Each is a story change, logged, so the story's
cached pages are retired and its history says who chose what."""

from django.core.exceptions import ValidationError

from dateline.discovery.models import RelatedChoice
from dateline.stories.actions.changes import state_change
from dateline.stories.models import Status, Story, StoryChange

CLEAR = "clear"
CHOICES = (*RelatedChoice.Kind.values, CLEAR)
_DONE = {
    RelatedChoice.Kind.PICK: "picked",
    RelatedChoice.Kind.EXCLUDE: "excluded",
    CLEAR: "cleared",
}


def choose_related(
    story: Story | int, other: int, choice: str, *, by=None, note: str = ""
) -> Story:
    """Pick story `other` (a news code of the same edition, not killed) for `story`'s Related
    News, exclude it, or clear the choice made before (`choice`: 'pick', 'exclude' or
    'clear')."""
    if choice not in CHOICES:
        raise ValidationError(
            {"choice": f"Unknown choice {choice!r}: one of {', '.join(CHOICES)}."}
        )
    note = note or f"related: {_DONE[choice]} {other}"
    with state_change(story, StoryChange.Action.RELATED, by=by, note=note) as current:
        chosen = RelatedChoice.objects.filter(story=current, other_id=other)
        if choice == CLEAR:
            if not chosen.delete()[0]:
                raise ValidationError({"other": f"Story {other} is neither picked nor excluded."})
            return current
        if other == current.pk:
            raise ValidationError({"other": f"Story {current.pk} cannot be related to itself."})
        status = (
            Story.objects.filter(pk=other, edition_id=current.edition_id)
            .values_list("status", flat=True)
            .first()
        )
        if status is None:
            raise ValidationError(
                {"other": f"No story {other} in the {current.edition.name} edition."}
            )
        if choice == RelatedChoice.Kind.PICK and status == Status.KILLED:
            killed = f"Story {other} is killed: it is never shown, so it cannot be picked."
            raise ValidationError({"other": killed})
        RelatedChoice.objects.update_or_create(
            story=current, other_id=other, defaults={"kind": choice, "by": by}
        )
    return current
