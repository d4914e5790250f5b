"""Comment-post counters shared by every process of one machine: a Django cache backend on a
SQLite file of its own (`CACHES["limits"]` in the embedded set-up; Redis with REDIS_URL).

django-ratelimit counts with `add` (a new window) and `incr`; here each is one SQL statement,
so a count is atomic across the web processes of `dateline serve`, which the file cache's
read-then-write is not, and costs a fraction of a file cache write (a new file, then a listing
of the whole directory to decide whether to cull). Counters are never culled while their window
lasts: expired rows are swept now and then. Only whole numbers are kept: it is not a general
cache.
"""

import os
import sqlite3
import threading
import time
from pathlib import Path

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# Expired counters are deleted on one write in this many (per process).
SWEEP_EVERY = 1_000
NEVER = float("inf")  # the expiry of a counter set with timeout=None

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counter"
    " (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID"
)


class SQLiteCounterCache(BaseCache):
    def __init__(self, location: str, params: dict):
        super().__init__(params)
        self._path = Path(location)
        self._local = threading.local()  # a connection per thread and process
        self._writes = 0

    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # none yet, or inherited from a fork
            self._path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self._path, timeout=5, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(_SCHEMA)
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def _expiry(self, timeout) -> float:
        expires = self.get_backend_timeout(timeout)
        return NEVER if expires is None else expires

    def _write(self, sql: str, params: tuple) -> sqlite3.Cursor:
        self._writes += 1
        if self._writes % SWEEP_EVERY == 0:
            self._db().execute("DELETE FROM counter WHERE expires <= ?", (time.time(),))
        return self._db().execute(sql, params)

    @staticmethod
    def _whole(value) -> int:
        if type(value) is not int:
            raise TypeError(f"the counter cache keeps whole numbers only, not {type(value)}")
        return value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        inserted = self._write(
            "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key)"
            " DO UPDATE SET value = excluded.value, expires = excluded.expires"
            " WHERE counter.expires <= ?",
            (key, self._whole(value), self._expiry(timeout), time.time()),
        )
        return inserted.rowcount == 1

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._write(
            "INSERT OR REPLACE INTO counter (key, value, expires) VALUES (?, ?, ?)",
            (key, self._whole(value), self._expiry(timeout)),
        )

    def incr(self, key, delta=1, version=None) -> int:
        key = self.make_and_validate_key(key, version=version)
        # All rows fetched: the statement, and its write, ends only when its rows are read.
        rows = self._write(
            "UPDATE counter SET value = value + ? WHERE key = ? AND expires > ? RETURNING value",
            (self._whole(delta), key, time.time()),
        ).fetchall()
        if not rows:
            raise ValueError(f"Key '{key}' not found")
        return rows[0][0]

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute("SELECT value FROM counter WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return default if row is None else row[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        touched = self._write(
            "UPDATE counter SET expires = ? WHERE key = ? AND expires > ?",
            (self._expiry(timeout), key, time.time()),
        )
        return touched.rowcount == 1

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._write("DELETE FROM counter WHERE key = ?", (key,)).rowcount == 1

    def clear(self) -> None:
        self._db().execute("DELETE FROM counter")
