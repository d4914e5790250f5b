from django.db import transaction

from dateline.stories.actions.changes import locked, mirror, record_changes
from dateline.stories.actions.versions import save_new_version
from dateline.stories.content import clean_content
from dateline.stories.models import Correction, Story, StoryChange
from dateline.stories.revisions import CONTENT_FIELDS
from dateline.stories.tagging import tags_for
from dateline.stories.workflow import IllegalTransition, require


def restore_revision(story: Story | int, *, version: int, by=None, note: str = "") -> Story:
    """Bring back the content of an earlier version (its text, keywords and section) as a new
    version; nothing is overwritten, the history keeps every step."""
    with transaction.atomic():
        current = locked(story)
        require(by, StoryChange.Action.RESTORED, current)
        revision = current.revisions.filter(version=version).first()
        if revision is None:
            raise IllegalTransition(f"Story {current.code} has no version {version}.")
        if version == current.version:
            raise IllegalTransition(f"Version {version} is the current version of {current.code}.")
        _require_not_before_a_correction(current, version)
        content = clean_content(**{field: getattr(revision, field) for field in CONTENT_FIELDS})
        tags = tags_for((vocabulary, name) for vocabulary, name in revision.tags)
        current.section_id = revision.section_id
        left = save_new_version(current, content, tags, by=by)
        record_changes(
            current,
            [StoryChange.Action.RESTORED],
            by=by,
            note=note or f"restored version {version}",
            lists_left=left,
        )
    mirror(story, current)
    return current


def _require_not_before_a_correction(story: Story, version: int) -> None:
    """A version older than a correction would show readers again what was corrected, under
    the note saying it was: a correction is undone only by another, which says so."""
    correction = (
        Correction.objects.filter(story=story, version__gt=version).order_by("-version").first()
    )
    if correction is not None:
        raise IllegalTransition(
            f"Version {version} of story {story.code} is from before its correction in version "
            f"{correction.version} (“{correction.note[:80]}”): restored, it would show readers "
            "what was corrected. Correct the story instead, saying what changed."
        )
