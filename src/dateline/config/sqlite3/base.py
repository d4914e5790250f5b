"""Django's SQLite backend, with each statement's placeholders converted once per process
(decision 0060). `settings.DATABASES` names it for SQLite.

Django writes `%s` placeholders; Python's sqlite3 takes `?`. Django's cursor converts them with
a regular expression on every execution, and over the long statements of a public page (the
article's story, the front's section blocks) that scan cost more than SQLite spent running the
statement: a tenth of a rendered page. The statements a site runs are few and repeat (compiled
queries, the ORM's), so each one's conversion is remembered.
"""

from django.db.backends.sqlite3 import base

# Enough for every statement the site and its worker repeat; a statement longer than
# LONGEST_REMEMBERED (a bulk insert of many rows) is converted each time, not kept.
MOST_REMEMBERED = 2_000
LONGEST_REMEMBERED = 20_000

_converted: dict[str, str] = {}


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names=None) -> str:
        if param_names is not None:  # named parameters: a substitution, no scan
            return super().convert_query(query, param_names=param_names)
        converted = _converted.get(query)
        if converted is None:
            converted = super().convert_query(query)
            if len(query) <= LONGEST_REMEMBERED:
                if len(_converted) >= MOST_REMEMBERED:
                    _converted.clear()  # statements built anew each time: start over
                _converted[query] = converted
        return converted


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)

    def prepared_cursor(self):
        """The compiled queries' cursor (`stories.compiled`): Python's sqlite3 already keeps
        each connection's recent statements prepared, so it is the ordinary one."""
        return self.cursor()
