"""A writer that holds the embedded SQLite database longer than its busy timeout (a bulk
moderation of thousands of comments, a long import) does not end the background worker: it
claims tasks again once the database is free. (On PostgreSQL a claim waits on row locks
instead; this is the embedded default's case.)"""

import sqlite3
import time

import pytest
from django.db import connection

from tests.ops.test_serve import enqueue_mark, wait_for
from tests.processes import dateline_env, run_dateline, start_dateline

pytestmark = pytest.mark.slow

HELD_SECONDS = 8  # longer than busy_timeout (5 s): the worker's claim fails while it is held


def test_the_worker_outlives_a_writer_holding_the_database(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's whole-database write lock: the embedded default's case")
    env = dateline_env(tmp_path / "var")
    run_dateline("migrate", "-v0", env=env, check=True)
    worker = start_dateline("worker", env=env)
    try:
        # Started and claiming: a task queued now has run (Django's start-up alone, before
        # the worker polls, can take longer than any fixed wait on a busy machine).
        enqueue_mark(env, started := tmp_path / "started.txt")
        assert wait_for(started.exists, 30), "the worker never ran its first task"
        holder = sqlite3.connect(tmp_path / "var" / "dateline.sqlite3", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        time.sleep(HELD_SECONDS)
        holder.execute("COMMIT")
        holder.close()
        assert worker.poll() is None, worker.communicate(timeout=10)[0].decode()
        mark = tmp_path / "mark.txt"
        enqueue_mark(env, mark)
        assert wait_for(mark.exists, 30), "the worker did not run the task queued afterwards"
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    assert "Traceback" not in output, output
