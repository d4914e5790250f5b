"""`story_changed`: sent once per committed change; the one place a change fans out from.

Receivers are the surfaces (page caches, search and related indexes, wire deliveries). It is
sent after the transaction commits, so a receiver never sees a change that was rolled back.

`story_left_lists`: sent after the commit of a new version of a public story that no longer
carries a section or tags it carried: the pages listing those showed it, and the story, read
now, no longer names them (the page caches retire them).
"""

from django.dispatch import Signal

story_changed = Signal()  # kwargs: story, change
story_left_lists = Signal()  # kwargs: story, section (its slug, or None), tags (slugs)
