from dateline.editions.models import CommentPolicy
from dateline.stories.actions.changes import state_change
from dateline.stories.models import Story, StoryChange


def set_comment_policy(story: Story | int, policy: str, *, by=None, note: str = "") -> Story:
    """Open, pre- or post-moderate, or close a story's comments ('' = as its section or edition
    says). Logged as a story change, so cached pages showing the form or not are retired."""
    if policy and policy not in CommentPolicy.values:
        choices = ", ".join(CommentPolicy.values)
        raise ValueError(f"Unknown comment policy {policy!r}: expected one of {choices} or ''.")
    with state_change(story, StoryChange.Action.COMMENTS, by=by, note=note) as current:
        current.comment_policy = policy
    return current
