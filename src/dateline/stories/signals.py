"""`story_changed`: sent once per committed change; the one place a change fans out from.

Receivers are the surfaces (page caches, search and related indexes, wire deliveries). It is
sent after the transaction commits, so a receiver never sees a change that was rolled back.
"""

from django.dispatch import Signal

story_changed = Signal()  # kwargs: story, change
