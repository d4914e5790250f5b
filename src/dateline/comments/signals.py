"""What comments tell the rest of the system."""

from django.db import transaction
from django.dispatch import Signal

# Sent after the commit that changed which comments a story shows (a moderation decision, a
# comment published on arrival, a writer's deletion): kwargs story_codes, sorted. The HTTP
# cache in front listens (site.purge): a thread shown there must not wait for the page's
# lifetime. The page cache inside sees the ModerationEvent rows themselves.
comments_changed = Signal()


def announce_comments_changed(story_codes) -> None:
    """`comments_changed` for these stories, once the transaction commits (at once outside
    one)."""
    codes = sorted(story_codes)
    if codes:
        transaction.on_commit(lambda: comments_changed.send(sender=None, story_codes=codes))
