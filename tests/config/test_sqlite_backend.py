"""The SQLite backend converts a statement's placeholders once per process (decision 0060), and
what it runs is what Django's would."""

import pytest
from django.db import connection

from dateline.config.sqlite3 import base

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded default's backend (SQLite)"
)


@pytest.fixture
def remembered(monkeypatch):
    converted: dict[str, str] = {}
    monkeypatch.setattr(base, "_converted", converted)
    return converted


@pytest.mark.django_db
def test_the_site_runs_on_its_own_backend():
    from django.conf import settings

    assert settings.DATABASES["default"]["ENGINE"] == "dateline.config.sqlite3"
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, base.SQLiteCursorWrapper)


@pytest.mark.django_db
def test_a_statement_is_converted_once_and_runs_the_same_every_time(remembered):
    statement = "SELECT %s, 'a%%s', %s || '%%'"
    with connection.cursor() as cursor:
        for value in ("one", "two"):
            cursor.execute(statement, [value, "x"])
            assert cursor.fetchone() == (value, "a%s", "x%")
    assert remembered == {statement: "SELECT ?, 'a%s', ? || '%'"}


@pytest.mark.django_db
def test_named_parameters_and_statements_without_parameters_still_run(remembered):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(first)s, %(second)s", {"first": 1, "second": 2})
        assert cursor.fetchone() == (1, 2)
        cursor.execute("SELECT '%s'")  # no parameters: the statement as written
        assert cursor.fetchone() == ("%s",)
    assert remembered == {}


@pytest.mark.django_db
def test_a_very_long_statement_is_not_kept(remembered):
    values = list(range(base.LONGEST_REMEMBERED // 3))  # as a bulk insert of many rows
    statement = "SELECT sum(column1) FROM (VALUES " + ", ".join(["(%s)"] * len(values)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        assert cursor.fetchone() == (sum(values),)
    assert remembered == {}


@pytest.mark.django_db
def test_the_memory_starts_over_when_full(remembered, monkeypatch):
    monkeypatch.setattr(base, "MOST_REMEMBERED", 3)
    with connection.cursor() as cursor:
        for n in range(4):
            cursor.execute("SELECT %s" + " + %s" * n, [1] * (n + 1))
            assert cursor.fetchone() == (n + 1,)
    assert list(remembered) == ["SELECT %s + %s + %s + %s"]
