from dateline.stories.actions.changes import state_change
from dateline.stories.models import Status, Story, StoryChange


def unpublish_story(story: Story | int, *, by=None, note: str = "") -> Story:
    """Take a story off the site (or off the schedule) without killing it: it can be published
    again. Its page then answers 404, as for any story that is not public. An embargo that has
    not ended stays with it: published again, it reaches readers no sooner (decision 0014)."""
    with state_change(story, StoryChange.Action.UNPUBLISHED, by=by, note=note) as current:
        current.status = Status.UNPUBLISHED
        if not current.is_embargoed:
            current.embargo_until = None
    return current
