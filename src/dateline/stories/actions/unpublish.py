from dateline.stories.actions.changes import state_change
from dateline.stories.models import Status, Story, StoryChange


def unpublish_story(story: Story | int, *, by=None, note: str = "") -> Story:
    """Take a story off the site (or off the schedule) without killing it: it can be published
    again. Its page then answers 404, as for any story that is not public."""
    with state_change(story, StoryChange.Action.UNPUBLISHED, by=by, note=note) as current:
        current.status = Status.UNPUBLISHED
        current.embargo_until = None
    return current
