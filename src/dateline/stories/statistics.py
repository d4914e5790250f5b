"""The statistics a database's query planner chooses its plans by (decision 0056).

Without them SQLite guesses, and one guess was ruinous: Related News reads its five stories
by primary key *and* through `public()`, and an unanalysed SQLite walked the edition's whole
public index instead of looking the five up (33 ms a page at 200,000 stories, 0.2 ms once
analysed). SQLite gathers statistics only when asked, so `dateline import` asks after storing
stories and the worker asks every `REFRESH_SECONDS`; PostgreSQL's autovacuum gathers them
too, and is asked the same so that a page read just after an import is planned well.
"""

from django.db import connections

# A wire adds a story every few seconds: an hour's growth never changes a plan's shape, and
# an import (the sudden growth) refreshes them itself.
REFRESH_SECONDS = 3600
# SQLite reads at most this many entries of each index (PRAGMA analysis_limit): enough to
# tell a primary key from an index shared by a whole edition, gathered in milliseconds at
# a million stories, so SQLite's write lock is held that long only.
SQLITE_SAMPLE_ROWS = 1000


def refresh_statistics(using: str = "default") -> None:
    """Gather the planner's statistics of every table of the database `using`."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_SAMPLE_ROWS}")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA analysis_limit=0")  # the connection as it was
        else:
            cursor.execute("ANALYZE")
