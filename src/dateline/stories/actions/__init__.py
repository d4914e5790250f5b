"""The only writers of stories: one module per state change (create, publish, …).

Views, the admin, the API and commands all call these, so the checks, the version counter and
the change log are applied the same way everywhere.
"""

from dateline.stories.actions.create import create_story
from dateline.stories.actions.publish import publish_story

__all__ = ["create_story", "publish_story"]
