from dateline.stories.actions.changes import state_change
from dateline.stories.models import Story, StoryChange


def take_story(story: Story | int, *, by, note: str = "") -> Story:
    """A member takes up a draft (wire copy from the Incoming queue): it becomes theirs."""
    with state_change(story, StoryChange.Action.TAKEN, by=by, note=note) as current:
        current.owner = by
    return current
