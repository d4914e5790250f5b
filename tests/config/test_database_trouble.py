"""An SQLite database that cannot be used because of its file system says so: SQLite's own
answer on a read-only directory ("unable to open database file") or a full disk ("disk I/O
error", even to read) names neither. The file system's state is the operating system's, set
here through `os`: a read-only mount or a full disk cannot be made in a test."""

import os
import types

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from dateline.config.database import described


@pytest.fixture
def sqlite_file(monkeypatch, tmp_path):
    database = connections[DEFAULT_DB_ALIAS].settings_dict
    if not database["ENGINE"].endswith("sqlite3"):
        pytest.skip("SQLite's file and its directory")
    monkeypatch.setitem(database, "NAME", str(tmp_path / "dateline.sqlite3"))
    return tmp_path


def test_a_read_only_directory_is_named(sqlite_file, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert described(OperationalError("unable to open database file")) == (
        f"the database {sqlite_file}/dateline.sqlite3 could not be used: unable to open database"
        f" file ({sqlite_file} cannot be written: a read-only file system or directory)"
    )


def test_a_full_disk_is_named(sqlite_file, monkeypatch):
    monkeypatch.setattr(os, "statvfs", lambda path: types.SimpleNamespace(f_bavail=0))
    assert described(OperationalError("disk I/O error")).endswith(
        f"disk I/O error (the disk of {sqlite_file} is full)"
    )


def test_a_directory_that_can_be_written_on_a_disk_with_room_adds_nothing(sqlite_file):
    assert described(OperationalError("database is locked")).endswith(
        "could not be used: database is locked"
    )
