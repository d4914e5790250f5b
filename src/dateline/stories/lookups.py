"""`any_of`: a key among a list of keys, the whole list one parameter of the SQL.

`filter(pk__in=codes)` writes a placeholder per key. psycopg fills them on the client, one by
one, and parses again every statement whose text it has not met (a new length is a new text):
for the lists of 150 candidates a Related News refresh reads and writes, that cost more of the
refresh than the database took to answer. `filter(pk__any_of=codes)` is one array on
PostgreSQL (`= ANY(%s)`) and one JSON array on SQLite (`IN (SELECT value FROM json_each(%s))`),
so the statement's text is the same for every length. Both are passed as text written in C
(`str.join`, `json.dumps`): psycopg writing a list into an array went item by item in Python.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(key) for key in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as `__in` does: nothing matches, no query is asked
        lhs, params = self.process_lhs(compiler, connection)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (lhs: a column)
        return sql, [*params, keys_parameter("sqlite", self.rhs)]

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, keys_parameter("postgresql", self.rhs)]


def keys_parameter(vendor: str, keys: list[int]) -> str:
    """The one parameter `any_of` passes for `keys` on the database of `vendor`."""
    if vendor == "postgresql":
        return "{" + ",".join(map(str, keys)) + "}"
    return json.dumps(keys)


IntegerField.register_lookup(AnyOf)
ForeignKey.register_lookup(AnyOf)
