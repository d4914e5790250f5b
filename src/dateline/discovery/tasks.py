"""Related News is computed by the worker (`dateline worker`), never in the request that
published, corrected, unpublished or killed a story."""

from django.tasks import task

from dateline.discovery import related


@task
def refresh_related(code: int) -> int:
    """The story's list, and its place in the lists of its candidates (or out of every list
    if it is no longer public). Returns how many lists were written."""
    return related.refresh(code)
