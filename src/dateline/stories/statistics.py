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


def refresh_statistics(using: str = "default") -> None:
    """Gather the planner's statistics of every table of the database `using`.

    On SQLite every index is read whole: 1.6–2.3 s at a million stories, SQLite's write lock
    held as long (writers queue on busy_timeout). A sample (`PRAGMA analysis_limit`) reads about
    that many entries of each index and takes any edition or frequent tag larger than it for
    that many stories: a rare tag's page then walked the whole edition (decision 0056,
    addendum)."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
