from django.core.exceptions import ValidationError

from dateline.copy.characters import has_visible_character, one_line
from dateline.stories.actions.changes import require_note_length, state_change
from dateline.stories.models import Status, Story, StoryChange


def kill_story(story: Story | int, *, by=None, reason: str) -> Story:
    """Withdraw a story for good: it leaves every public surface, its page answers 410 with a
    short notice, and nothing can publish it again (killed is a final state)."""
    reason = one_line(reason)
    if not has_visible_character(reason):
        raise ValidationError({"reason": "A kill needs a reason; it goes into the audit log."})
    require_note_length(reason, "reason", "A kill's reason")
    with state_change(story, StoryChange.Action.KILLED, by=by, note=reason) as current:
        current.status = Status.KILLED
        current.embargo_until = None
    return current
