"""`story_changed`: sent once per committed change; the one place a change fans out from.

Receivers are the surfaces (page caches, search and related indexes, wire deliveries). It is
sent after the transaction commits, so a receiver never sees a change that was rolled back.

`story_changes`: sent once per committed batch of changes (one change, or an import's batch of
hundreds), before the batch's `story_changed`s, with `changes`: the (story, change) pairs in
order. For receivers whose work is cheaper done for many stories at once (the search index,
webhook deliveries); what they do must not depend on seeing the changes one by one.

A public story that stops carrying a section or tags says so in its change
(`StoryChange.lists_left`): the pages listing those showed it, and the story, read now, no
longer names them.
"""

from django.dispatch import Signal

story_changed = Signal()  # kwargs: story, change
story_changes = Signal()  # kwargs: changes (a list of (story, change) pairs, in order)
