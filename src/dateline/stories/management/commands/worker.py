import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from dateline.stories.actions.release import release_due

logger = logging.getLogger("dateline.worker")


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks (django-tasks-db's worker) and release scheduled and embargoed "
        "stories: at start, on each story's own queued task, and in a periodic sweep that "
        "catches any release a killed or stopped worker left undone."
    )

    def handle(self, *args, **options):
        sweep()  # what fell due while no worker ran
        interval = settings.RELEASE_SWEEP_SECONDS
        threading.Thread(target=sweep_every, args=(interval,), daemon=True).start()
        super().handle(*args, **options)


def sweep() -> None:
    try:
        changes = release_due()
    except Exception:
        # A locked or unreachable database now must not end the worker; the next sweep retries.
        logger.exception("release sweep failed")
        return
    finally:
        close_old_connections()
    for change in changes:
        logger.info("released story %s (%s, change #%s)", change.story_id, change.action, change.pk)


def sweep_every(seconds: float) -> None:
    while True:
        time.sleep(seconds)
        sweep()
