"""The only writers of stories: one module per state change (create, edit, submit, approve,
publish, schedule, embargo, release, unpublish, correct, kill, restore, take, the comment
policy, linking translations, and editors' Related News choices).

Views, the admin, the API and commands all call these, so the role and state checks, the
version counter, the revisions and the change log are applied the same way everywhere.
"""

from dateline.stories.actions.approve import approve_story
from dateline.stories.actions.comment_policy import set_comment_policy
from dateline.stories.actions.correct import correct_story
from dateline.stories.actions.create import create_story
from dateline.stories.actions.edit import edit_story
from dateline.stories.actions.embargo import embargo_story
from dateline.stories.actions.kill import kill_story
from dateline.stories.actions.publish import publish_story
from dateline.stories.actions.related import choose_related
from dateline.stories.actions.release import release_due
from dateline.stories.actions.restore import restore_revision
from dateline.stories.actions.schedule import schedule_story
from dateline.stories.actions.submit import submit_story
from dateline.stories.actions.take import take_story
from dateline.stories.actions.translations import link_translation, unlink_translation
from dateline.stories.actions.unpublish import unpublish_story

__all__ = [
    "approve_story",
    "choose_related",
    "correct_story",
    "create_story",
    "edit_story",
    "embargo_story",
    "kill_story",
    "link_translation",
    "publish_story",
    "release_due",
    "restore_revision",
    "schedule_story",
    "set_comment_policy",
    "submit_story",
    "take_story",
    "unlink_translation",
    "unpublish_story",
]
