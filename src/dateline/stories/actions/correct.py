from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from dateline.copy.characters import has_visible_character, one_line
from dateline.stories.actions.changes import (
    locked,
    mirror,
    record_changes,
    require_note_length,
)
from dateline.stories.actions.schedule import moment
from dateline.stories.actions.versions import save_new_version
from dateline.stories.content import clean_content
from dateline.stories.models import Correction, Story, StoryChange, Tag
from dateline.stories.revisions import CONTENT_FIELDS
from dateline.stories.workflow import EditConflict, IllegalTransition, require


def correct_story(
    story: Story | int,
    *,
    note: str,
    by=None,
    base_version: int | None = None,
    tags: Iterable[Tag] | None = None,
    **content,
) -> Story:
    """Change a published story and say so on its page: a dated correction note readers see,
    a new version, and a 'corrected' change carrying the note. `base_version`, when given,
    guards against a save that landed in between, as for an edit."""
    note = one_line(note)
    if not has_visible_character(note):
        raise ValidationError({"note": "A correction needs a note saying what was corrected."})
    require_note_length(note, "note", "A correction note")
    with transaction.atomic():
        current = locked(story)
        require(by, StoryChange.Action.CORRECTED, current)
        if current.is_embargoed:  # the note would be dated before readers first see the story
            until = moment(current.embargo_until)
            raise IllegalTransition(
                f"Story {current.code} is under embargo until {until}: readers have not seen "
                "it, so there is nothing to correct yet. Edit it instead."
            )
        if base_version is not None and current.version != base_version:
            raise EditConflict(current, base_version)
        merged = {field: getattr(current, field) for field in CONTENT_FIELDS}
        merged.update(content)
        left = save_new_version(current, clean_content(**merged), tags, by=by)
        # Dated as the version readers see, when they see it now (the page's "Updated").
        at = {"at": current.revised_at} if current.revised_at else {}
        Correction.objects.create(story=current, version=current.version, note=note, **at)
        record_changes(current, [StoryChange.Action.CORRECTED], by=by, note=note, lists_left=left)
    mirror(story, current)
    return current
