"""A task for the serve test to enqueue: it proves a worker process picked the queue up."""

from pathlib import Path

from django.tasks import task


@task
def leave_a_mark(path: str) -> None:
    Path(path).write_text("done by the worker")
