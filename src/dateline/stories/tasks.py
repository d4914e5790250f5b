"""Background work of the stories app, run by the django-tasks-db worker (`dateline worker`)."""

from django.tasks import task

from dateline.stories.actions.release import release_due


@task
def release_story(code: int) -> int:
    """Release one scheduled or embargoed story if it is due; how many changes were logged."""
    return len(release_due([code]))
