"""Editors' choices in a story's Related News: a pick (shown first, in the order picked) or an
exclusion (never shown), and taking either back. Each is a story change, logged, so the
story's cached pages are retired and its history says who chose what."""

from django.core.exceptions import ValidationError

from dateline.discovery.models import RelatedChoice
from dateline.stories.actions.changes import state_change
from dateline.stories.models import Story, StoryChange

Kind = RelatedChoice.Kind


def choose_related(story: Story | int, other: int, kind: str, *, by=None, note: str = "") -> Story:
    """Pick story `other` (a news code of the same edition) for `story`'s Related News, or
    exclude it (`kind`: 'pick' or 'exclude'); a choice made before is replaced."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown choice {kind!r}: expected one of {', '.join(Kind.values)}.")
    label = "picked" if kind == Kind.PICK else "excluded"
    with state_change(
        story, StoryChange.Action.RELATED, by=by, note=note or f"related: {label} {other}"
    ) as current:
        if other == current.pk:
            raise ValidationError({"other": f"Story {current.pk} cannot be related to itself."})
        if not Story.objects.filter(pk=other, edition_id=current.edition_id).exists():
            raise ValidationError(
                {"other": f"No story {other} in the {current.edition.name} edition."}
            )
        RelatedChoice.objects.update_or_create(
            story=current, other_id=other, defaults={"kind": kind, "by": by}
        )
    return current


def clear_related(story: Story | int, other: int, *, by=None, note: str = "") -> Story:
    """Take back the pick or exclusion of `other` in `story`'s Related News."""
    with state_change(
        story, StoryChange.Action.RELATED, by=by, note=note or f"related: cleared {other}"
    ) as current:
        deleted, _ = RelatedChoice.objects.filter(story=current, other_id=other).delete()
        if not deleted:
            raise ValidationError({"other": f"Story {other} is neither picked nor excluded."})
    return current
