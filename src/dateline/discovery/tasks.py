"""Related News is computed by the worker (`dateline worker`), never in the request that
published, corrected, unpublished or killed a story."""

from django.tasks import task

from dateline.discovery import related, upkeep
from dateline.stories.models import Story


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
    editions = Story.objects.filter(pk__any_of=list(codes)).values_list("edition_id", flat=True)
    upkeep.queue_fits_due(set(editions))
    return written


@task
def fit_related(edition_id: int) -> int:
    """Fit the edition's model of its words and remake its lists (`upkeep`); how many lists
    were remade."""
    return upkeep.fit_and_remake(edition_id)
