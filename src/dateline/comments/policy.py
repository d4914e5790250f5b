"""Whether a story takes comments now, and whether they wait for a moderator.

The edition sets the policy; a section may override it, and a story may override both. Comments
also close on their own a set number of days after publication (the edition's setting).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from dateline.editions.models import CommentPolicy, Edition
from dateline.stories.models import Story


@dataclass(frozen=True)
class Effective:
    policy: str  # a CommentPolicy value
    closes_at: datetime.datetime | None  # None: never closes by time

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        if self.policy == CommentPolicy.CLOSED:
            return False
        return self.closes_at is None or (now or timezone.now()) < self.closes_at

    @property
    def premoderated(self) -> bool:
        return self.policy == CommentPolicy.PRE


def effective_policy(story: Story, edition: Edition | None = None) -> Effective:
    """The policy in force for `story` (its section should be loaded with it: no query then)."""
    edition = edition or story.edition
    section_policy = story.section.comment_policy if story.section_id else ""
    policy = story.comment_policy or section_policy or edition.comment_policy
    closes_at = None
    days = edition.comments_close_after_days
    if days and story.published_at is not None:
        closes_at = story.published_at + datetime.timedelta(days=days)
    return Effective(policy, closes_at)
