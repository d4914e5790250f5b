from dateline.stories.actions.changes import state_change
from dateline.stories.models import Story, StoryChange
from dateline.stories.workflow import IllegalTransition

_ANYONE = object()


def take_story(story: Story | int, *, by, note: str = "", owner=_ANYONE) -> Story:
    """A member takes up a draft (wire copy from the Incoming queue): it becomes theirs.

    `owner`, when given, is whose the member saw it was (None: nobody's, as Incoming shows
    it): taken up by someone else since, it is refused, not taken from them unawares."""
    with state_change(story, StoryChange.Action.TAKEN, by=by, note=note) as current:
        if owner is not _ANYONE and current.owner_id != owner:
            raise IllegalTransition(
                f"Story {current.code} was taken up by {current.owner} meanwhile: it is theirs "
                "now. Take it over from them on its screen if you mean to."
            )
        current.owner = by
    return current
