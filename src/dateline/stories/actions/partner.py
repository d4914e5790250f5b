"""A newer version of a partner's item replaces the Incoming draft made from an older one."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dateline.stories.actions.changes import locked, mirror, record_changes
from dateline.stories.actions.versions import save_new_version
from dateline.stories.content import clean_content
from dateline.stories.models import Status, Story, StoryChange, Tag
from dateline.stories.workflow import require

Action = StoryChange.Action


class NotIncoming(Exception):
    """The draft was taken up (it has an owner) or has left the draft state: an editor's work
    is never overwritten by the partner's next version."""


def replace_incoming_copy(
    story: Story | int,
    *,
    source_name: str,
    tags: Iterable[Tag],
    note: str,
    hold_until: datetime.datetime | None = None,
    **content,
) -> Story:
    """Write the partner's newer version over an untouched Incoming draft, as its next version
    (with a revision and an `edited` change by the system, `note` saying which version); its
    embargo (`hold_until`, as `create_story` keeps it) replaces the earlier version's."""
    with transaction.atomic():
        current = locked(story)
        if current.owner_id is not None:
            raise NotIncoming(f"story {current.code} was taken up in the newsroom; not replaced")
        if current.status != Status.DRAFT:
            raise NotIncoming(
                f"story {current.code} is {current.get_status_display().lower()}; only an "
                "Incoming draft is replaced: an editor corrects it"
            )
        require(None, Action.EDITED, current)
        current.source_name = source_name  # saved with the version by save_new_version
        ahead = hold_until is not None and hold_until > timezone.now()
        current.embargo_until = hold_until if ahead else None
        save_new_version(current, clean_content(**content), tags, by=None)
        record_changes(current, [Action.EDITED], by=None, note=note)
    mirror(story, current)
    return current
