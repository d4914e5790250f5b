"""A story's rows of another table (its tags, its stored Related News) brought along in the
story's own query, as one text: each row a JSON array, the arrays joined by commas.

Every query is a round trip to the database, and on PostgreSQL a round trip costs the web
process about as much as the raw WSGI floor's whole request; a page that asked for the story,
then for its tags, then for its stored list paid three. Built from Django's expressions
(`JSONArray`, `StringAgg`), so the same definition runs on SQLite and PostgreSQL; the rows
come in no particular order (SQLite's aggregates take no ORDER BY before 3.44): the reader sorts.
"""

import json

from django.db.models import QuerySet, Subquery, TextField, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, JSONArray


def json_rows(rows: QuerySet, per: str, *columns: str) -> Subquery:
    """An expression: `columns` of `rows` (filtered by an OuterRef to the story, through the
    field `per`) as one text, for `read_json_rows`; NULL when there is none."""
    as_json = Cast(JSONArray(*columns), TextField())
    joined = rows.order_by().values(per).annotate(json_rows=StringAgg(as_json, Value(",")))
    return Subquery(joined.values("json_rows"))


def read_json_rows(text: str | None) -> list[list]:
    """The rows of `json_rows`'s text: lists of the columns' values, as JSON has them (ids and
    ranks as numbers, text as strings, moments as ISO 8601 strings)."""
    return json.loads(f"[{text or ''}]")
