"""Related News is computed by the worker (`dateline worker`), never in the request that
published, corrected, unpublished or killed a story."""

from django.tasks import task

from dateline.discovery import related


@task
def refresh_related(*codes: int) -> int:
    """Each story's list, and its place in the lists of its candidates (or out of every list
    if it is no longer public), in the order given. One task for a batch of changes: queueing
    a task per story cost an import of 500 stories 1.6 s of its 3 (django-tasks-db writes a
    row per task). Returns how many lists were written."""
    profiles = related.Profiles()  # a story read for one refresh serves the next
    written = 0
    for code in codes:
        written += related.refresh(code, profiles)
        profiles.forget_if_over(related.PROFILES_KEPT)
    return written
