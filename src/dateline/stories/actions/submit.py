from dateline.stories.actions.changes import state_change
from dateline.stories.models import Status, Story, StoryChange


def submit_story(story: Story | int, *, by=None, note: str = "") -> Story:
    """A reporter hands a draft to the editors."""
    with state_change(story, StoryChange.Action.SUBMITTED, by=by, note=note) as current:
        current.status = Status.SUBMITTED
    return current
