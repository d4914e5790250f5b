import datetime

from dateline.stories.actions.changes import state_change
from dateline.stories.actions.release import queue_release
from dateline.stories.actions.schedule import require_future, require_no_embargo_before
from dateline.stories.models import Status, Story, StoryChange


def embargo_story(
    story: Story | int, *, until: datetime.datetime, by=None, note: str = ""
) -> Story:
    """Published for the wire now, public nowhere before `until`; at `until` the worker logs
    the release, so cached pages show the story at once. A story already public cannot be
    embargoed (stories.workflow); a pending embargo can be moved."""
    until = require_future(until, "until")
    with state_change(story, StoryChange.Action.EMBARGOED, by=by, note=note) as current:
        if current.status != Status.PUBLISHED:  # moving the desk's own pending embargo is free
            require_no_embargo_before(current, until, "until")
        current.status = Status.PUBLISHED
        current.published_at = until
        current.embargo_until = until
    queue_release(current, until)
    return current
