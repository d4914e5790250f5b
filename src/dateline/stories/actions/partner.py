"""A newer version of a partner's item replaces the Incoming draft made from an older one."""

import datetime
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dateline.stories.actions.changes import locked, mirror, record_changes
from dateline.stories.actions.versions import save_new_version
from dateline.stories.content import clean_content
from dateline.stories.models import Status, Story, StoryChange, Tag
from dateline.stories.workflow import require

Action = StoryChange.Action
_STORED_VERSION = re.compile(r"\(version (\d+)\)$")


class NotIncoming(Exception):
    """The draft was taken up (it has an owner) or has left the draft state: an editor's work
    is never overwritten by the partner's next version."""


class NotNewer(Exception):
    """The draft holds the same or a newer version already (another import stored it first)."""

    def __init__(self, stored: int):
        super().__init__(f"version {stored} is stored")
        self.stored = stored


def stored_version(source_name: str) -> int | None:
    """The partner version a story's source name ends with, "… (version 3)", or None."""
    match = _STORED_VERSION.search(source_name)
    return int(match[1]) if match else None


def replace_incoming_copy(
    story: Story | int,
    *,
    version: int,
    source_name: str,
    tags: Iterable[Tag],
    credit: str = "",
    note: str,
    hold_until: datetime.datetime | None = None,
    **content,
) -> Story:
    """Write the partner's `version` over an untouched Incoming draft holding an older one, as
    its next version (with a revision and an `edited` change by the system, `note` saying which
    version); its embargo (`hold_until`, as `create_story` keeps it) replaces the earlier
    version's. The stored version is read under the row lock: of two imports at once, an older
    version that comes second raises NotNewer instead of overwriting the newer."""
    with transaction.atomic():
        current = locked(story)
        stored = stored_version(current.source_name)
        if stored is not None and version <= stored:
            raise NotNewer(stored)
        if current.owner_id is not None:
            raise NotIncoming(f"story {current.code} was taken up in the newsroom; not replaced")
        if current.status != Status.DRAFT:
            raise NotIncoming(
                f"story {current.code} is {current.get_status_display().lower()}; only an "
                "Incoming draft is replaced: an editor corrects it"
            )
        require(None, Action.EDITED, current)
        current.source_name = source_name  # saved with the version by save_new_version
        current.credit = credit
        ahead = hold_until is not None and hold_until > timezone.now()
        current.embargo_until = hold_until if ahead else None
        left = save_new_version(current, clean_content(**content), tags, by=None)
        record_changes(current, [Action.EDITED], by=None, note=note, lists_left=left)
    mirror(story, current)
    return current
