from collections.abc import Iterable

from django.db import transaction

from dateline.stories.actions.changes import locked, mirror, record_changes
from dateline.stories.actions.versions import save_new_version
from dateline.stories.content import check_section, clean_content
from dateline.stories.models import Section, Story, StoryChange, Tag
from dateline.stories.revisions import CONTENT_FIELDS
from dateline.stories.workflow import EditConflict, require

Action = StoryChange.Action
_UNSET = object()


def edit_story(
    story: Story | int,
    *,
    base_version: int,
    by=None,
    tags: Iterable[Tag] | None = None,
    section: Section | None = _UNSET,
    note: str = "",
    **content,
) -> Story:
    """Save new content as the next version. `base_version` is the version the writer started
    from: if another save landed since, nothing is written and EditConflict says so (never
    last-write-wins). Content fields left out keep their current values."""
    with transaction.atomic():
        current = locked(story)
        require(by, Action.EDITED, current)
        if current.version != base_version:
            raise EditConflict(current, base_version)
        merged = {field: getattr(current, field) for field in CONTENT_FIELDS}
        merged.update(content)
        cleaned = clean_content(**merged)
        if section is not _UNSET:
            check_section(section, current.edition)
            current.section = section
        left = save_new_version(current, cleaned, tags, by=by)
        record_changes(current, [Action.EDITED], by=by, note=note, lists_left=left)
    mirror(story, current)
    return current
