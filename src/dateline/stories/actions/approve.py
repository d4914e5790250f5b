from dateline.stories.actions.changes import state_change
from dateline.stories.models import Status, Story, StoryChange


def approve_story(story: Story | int, *, by=None, note: str = "") -> Story:
    """An editor accepts a submitted story; publishing, scheduling or embargoing follows."""
    with state_change(story, StoryChange.Action.APPROVED, by=by, note=note) as current:
        current.status = Status.APPROVED
    return current
