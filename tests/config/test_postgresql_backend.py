"""The PostgreSQL backend checks a kept connection before a request only when it has been idle
(decision 0063): a connection that answered a moment ago is used without Django's `SELECT 1`,
and if the database dropped it meanwhile, that one request's query fails, the connection is
closed at the request's end and the next request connects again."""

import time

import pytest
from django.db import OperationalError, ProgrammingError, connection, connections

from dateline.config.postgresql import base

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.django_db,
]


@pytest.fixture
def kept():
    """A connection as a web process keeps it from request to request (CONN_MAX_AGE, health
    checks on), apart from the test's own."""
    made = connections.create_connection("default")
    assert made.settings_dict["CONN_HEALTH_CHECKS"]
    yield made
    made.close()


def backend_pid(database) -> int:
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def dropped_by_the_database(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # read anew inside a transaction
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError(f"the database did not drop backend {pid}")


def next_request(database) -> None:
    database.close_if_unusable_or_obsolete()  # what Django does as a request starts and ends


def test_the_site_runs_on_its_own_backend():
    from django.conf import settings

    assert settings.DATABASES["default"]["ENGINE"] == "dateline.config.postgresql"
    assert isinstance(connections["default"], base.DatabaseWrapper)


def test_a_connection_that_answered_a_moment_ago_is_not_checked(kept):
    pid = backend_pid(kept)
    next_request(kept)
    dropped_by_the_database(pid)
    # No check before the query: it meets the dropped connection.
    with pytest.raises(OperationalError), kept.cursor() as cursor:
        cursor.execute("SELECT 1")
    next_request(kept)  # the request ends: the broken connection is closed
    assert kept.connection is None
    next_request(kept)
    assert backend_pid(kept) != pid


def test_a_connection_idle_for_long_is_checked_first(kept):
    pid = backend_pid(kept)
    next_request(kept)
    kept.answered_at = time.monotonic() - base.CHECK_AFTER_IDLE_SECONDS - 1
    dropped_by_the_database(pid)
    # Checked, found dropped and replaced before the query: the request does not fail.
    assert backend_pid(kept) != pid


def test_only_an_operation_that_went_through_counts_as_an_answer(kept):
    backend_pid(kept)
    answered = kept.answered_at
    assert time.monotonic() - answered < 5
    with kept.cursor() as cursor:
        kept.answered_at = time.monotonic() - base.CHECK_AFTER_IDLE_SECONDS - 1
        with pytest.raises(ProgrammingError):
            cursor.execute("SELECT no_such_column FROM no_such_table")
    assert time.monotonic() - kept.answered_at > base.CHECK_AFTER_IDLE_SECONDS


def test_a_pages_query_starts_no_parallel_workers():
    """Their start cost a middling tag's page more than its walk (decision 0066)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
