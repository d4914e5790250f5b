import logging
import os
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

from dateline.stories.actions.changes import fan_out_pending
from dateline.stories.actions.release import release_due
from dateline.stories.statistics import REFRESH_SECONDS, refresh_statistics
from dateline.wire import webhooks

logger = logging.getLogger("dateline.worker")

# How long a stopping worker waits for a sweep under way to finish. Stopping in the middle of
# one is safe too (each release is its own transaction); waiting only keeps the log tidy.
STOP_WAIT_SECONDS = 10
# How often the worker looks for webhook deliveries that are due (new ones and retries).
DELIVERY_POLL_SECONDS = 1
# Threads sending them: most of a delivery is waiting for the receiver, so a few in parallel
# multiply the rate (each claims its own rows; a story's deliveries to one subscriber stay in
# order, wire/webhooks.py).
DELIVERY_SENDERS = 4


class StopsBetweenTasks(db_worker.Worker):
    """django-tasks-db's worker, except that a first SIGTERM or SIGINT only ends its loop at
    the next turn (within --interval) instead of raising SystemExit at once when no task runs.
    Raised there, it can land inside the claim's COMMIT: psycopg then refuses Django's reset
    of autocommit, the worker exits 1 with a traceback and the task it claimed stays RUNNING
    (django-tasks-db issue #61). A second signal still ends the worker at once."""

    def shutdown(self, signum, frame) -> None:
        if not self.running:
            return super().shutdown(signum, frame)
        db_worker.logger.warning(
            "Received %s - stopping after the current turn (again to force)",
            signal.strsignal(signum),
        )
        self.running = False
        return None


class Command(db_worker.Command):
    help = (
        "Run background tasks (django-tasks-db's worker) and release scheduled and embargoed "
        "stories: at start, on each story's own queued task, and in a periodic sweep that "
        "catches any release a killed or stopped worker left undone, and any story change "
        "whose indexing and webhook deliveries a stopped process left unmade; send "
        "webhook deliveries; and refresh the database's planner statistics hourly."
    )

    def handle(self, *args, **options):
        interval = settings.RELEASE_SWEEP_SECONDS
        if interval <= 0:
            raise CommandError(
                f"DATELINE_RELEASE_SWEEP_SECONDS={interval}: expected a whole number of "
                "seconds, 1 or more"
            )
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only starts and restarts the child that runs tasks;
            # the child comes back through here and sweeps.
            return super().handle(*args, **options)
        sweep()  # what fell due while no worker ran
        keep_statistics()
        stop = threading.Event()
        sweeper = threading.Thread(
            target=sweep_every, args=(interval, stop), name="release-sweep", daemon=True
        )
        sweeper.start()
        pushers = [
            threading.Thread(
                target=deliver_every,
                args=(DELIVERY_POLL_SECONDS, stop),
                name=f"webhooks-{n}",
                daemon=True,
            )
            for n in range(DELIVERY_SENDERS)
        ]
        for pusher in pushers:
            pusher.start()
        try:
            if options.get("reload"):
                return super().handle(*args, **options)
            return self.work(**options)
        finally:
            stop.set()
            sweeper.join(timeout=STOP_WAIT_SECONDS)
            for pusher in pushers:
                pusher.join(timeout=STOP_WAIT_SECONDS)

    def work(self, *, verbosity, queue_name, exclude_queues, backend_name, **options) -> None:
        """What django-tasks-db's command does without --reload, with `StopsBetweenTasks`.
        (With --reload a signal ends the reloader's thread, never a transaction.)"""
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = StopsBetweenTasks(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            backend_name=backend_name,
            **{
                name: options[name]
                for name in ("interval", "batch", "startup_delay", "max_tasks", "worker_id")
            },
        )
        worker.configure_signals()
        while True:
            try:
                return worker.run()
            except OperationalError as error:
                # django-tasks-db retries a locked database inside its claim, but not the BEGIN
                # EXCLUSIVE that opens it: a writer holding SQLite longer than busy_timeout (a
                # bulk moderation, a long import) ended the worker, and `serve` with it.
                if not is_locked_database_exception(error) or not worker.running:
                    raise
                logger.warning("the database is locked; claiming tasks again shortly")
                time.sleep(worker.interval)


def sweep() -> int:
    """Release whatever is due, then send again the changes a stopped process left in the
    outbox (decision 0050); how many releases were logged. Never raises: a locked or
    unreachable database now must not end the worker, and the next sweep retries."""
    try:
        changes = release_due()
    except Exception as error:
        _failed("release sweep", error)
        changes = []
    try:
        if caught_up := fan_out_pending():
            logger.warning("sent %s story changes a stopped process left unsent", caught_up)
    except Exception as error:
        _failed("fan-out catch-up", error)
    try:
        close_old_connections()
    except Exception:
        logger.exception("release sweep: closing the database connection failed")
    for change in changes:
        logger.info("released story %s (%s, change #%s)", change.story_id, change.action, change.pk)
    return len(changes)


def keep_statistics() -> None:
    """Refresh the query planner's statistics (decision 0056). Never raises: a database
    locked or unreachable now is asked again at the next refresh."""
    try:
        refresh_statistics()
    except Exception as error:
        _failed("planner statistics", error)


def _failed(what: str, error: Exception) -> None:
    """Log a round that failed and will be tried again: a database another writer holds (on
    SQLite, past its busy timeout) in one line, anything else with its traceback."""
    if isinstance(error, OperationalError) and is_locked_database_exception(error):
        logger.warning("%s: the database is locked; the next round retries", what)
    else:
        logger.exception("%s failed; the next round retries", what, exc_info=error)


def sweep_every(
    seconds: float, stop: threading.Event, statistics_seconds: float = REFRESH_SECONDS
) -> None:
    """Sweep every `seconds`, and refresh the planner's statistics every
    `statistics_seconds`, until `stop` is set. Each round catches its own failures, so this
    thread outlives any database trouble; it ends only with the worker."""
    statistics_due = time.monotonic() + statistics_seconds
    try:
        while not stop.wait(seconds):
            sweep()
            if time.monotonic() >= statistics_due:
                keep_statistics()
                statistics_due = time.monotonic() + statistics_seconds
    finally:
        connections.close_all()  # this thread's own connections


def deliver_every(seconds: float, stop: threading.Event) -> None:
    """Send due webhook deliveries until `stop` is set. A delivery this worker dies sending is
    taken over by another worker once its lease runs out (wire/webhooks.py)."""
    try:
        while not stop.wait(seconds):
            try:
                webhooks.send_due(stop)
            except Exception as error:
                _failed("webhook deliveries", error)
            close_old_connections()
    finally:
        connections.close_all()
