"""Django's PostgreSQL backend, checking a kept connection before a request only when it has
been idle (decision 0063), with a cursor whose statements are prepared (decision 0065).
`settings.DATABASES` names it for PostgreSQL.

Django's health check (`CONN_HEALTH_CHECKS`) sends `SELECT 1` before the first query of every
request: one more round trip to the database on every page that reads it, a fifth of a rendered
list page's. A connection that answered a moment ago is taken as alive, as PgBouncer does
(`server_check_delay`); one idle for longer is checked as before. If the database went away in
between, the request's first query fails as it would have without any check (the reader gets
the stale page or a 503), and Django closes the broken connection at the end of that request,
so the next one connects again.
"""

import math
import time

from django.db.backends.postgresql import base
from django.db.utils import DatabaseErrorWrapper
from django.utils.asyncio import async_unsafe
from django.utils.functional import cached_property
from psycopg.pq import Format

# PgBouncer's default server_check_delay.
CHECK_AFTER_IDLE_SECONDS = 30.0


class _NotingAnswers(DatabaseErrorWrapper):
    """Django's translation of the driver's errors, noting when an operation went through."""

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is None:
            self.wrapper.answered_at = time.monotonic()
            return
        super().__exit__(exc_type, exc_value, traceback)


class DatabaseWrapper(base.DatabaseWrapper):
    # When an operation through this connection last went through without an error: a query, a
    # commit (or the making of a cursor, which is followed by its query).
    answered_at = -math.inf

    @cached_property
    def wrap_database_errors(self):
        return _NotingAnswers(self)

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and time.monotonic() - self.answered_at < CHECK_AFTER_IDLE_SECONDS
        ):
            self.health_check_done = True  # for this request: it answered a moment ago
            return
        super().close_if_health_check_failed()

    @async_unsafe
    def prepared_cursor(self):
        """A cursor for the compiled queries (`stories.compiled`), which run the same SQL with
        other values all day: bound on the server, and prepared when the connection's
        `prepare_threshold` says so (settings: on the first run), PostgreSQL parses and plans
        each statement once per connection instead of on every page (decision 0065).

        Django's other queries keep its client-side binding: their SQL is new more often than
        not, and server-side binding changes how some of them are typed."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = base.ServerBindingCursor(self.connection)
            # As Django's `create_cursor`: a cursor reads moments in the connection's zone.
            tzloader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)
            if self.timezone != tzloader.timezone:
                base.register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)
