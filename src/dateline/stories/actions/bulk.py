"""Many new rows of one model in a few INSERT statements: what `bulk_create` does for an
archive import, without its per-value compile step (decision 0015).

`QuerySet.bulk_create` spends most of its time, for rows like a story's, preparing each value
through several layers of field methods; the database's own work is a small part. This writes
the same rows with values taken from the model instances exactly as `bulk_create` takes them
(`pre_save`, then `get_db_prep_save` for anything that is not a plain string, number or None)
and reads the new primary keys back with RETURNING, in insertion order, on SQLite (3.35+) and
PostgreSQL alike, as `bulk_create` itself relies on.
"""

import datetime
from collections.abc import Sequence
from functools import cache

from django.db import connections, models, router
from django.db.models.fields import NOT_PROVIDED

_NATIVE = (str, int, type(None))
_TIMES = (datetime.datetime, datetime.date)
# Fields whose value, when it is a plain str, int or None, goes to the driver as it is.
_PASS_THROUGH = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def insert(objs: Sequence[models.Model], *, returning_pk: bool = True) -> None:
    """Insert new instances of one model (no primary key set) and, if asked, set their keys.

    Falls back to `bulk_create` for a model with a database default (`db_default`), whose
    value only the ORM knows how to write.
    """
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key and not f.generated]
    if any(f.db_default is not NOT_PROVIDED for f in fields):
        model._default_manager.bulk_create(objs)
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    values = _values_of(objs, fields, connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {quote(opts.pk.column)}" if returning_pk else ""
    limit = connection.features.max_query_params or 2**16 - 1
    per_statement = max(1, limit // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = values[start : start + per_statement]
            # Only quoted names from the model's own meta are spliced in; values are parameters.
            sql = (
                f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "  # noqa: S608
                + ", ".join([row] * len(chunk))
                + returning
            )
            cursor.execute(sql, [value for row_values in chunk for value in row_values])
            if returning_pk:
                keys = [key for (key,) in cursor.fetchall()]
                for obj, key in zip(objs[start : start + len(chunk)], keys, strict=True):
                    obj.pk = key
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert rows given as tuples of plain values (str, int, None) for the named columns, for
    a table such as a many-to-many link table where no instance is worth building."""
    if not rows:
        return
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in attnames)
    row = "(" + ", ".join(["%s"] * len(attnames)) + ")"
    per_statement = max(1, (connection.features.max_query_params or 2**16 - 1) // len(attnames))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "  # noqa: S608 (as above)
                + ", ".join([row] * len(chunk)),
                [value for values in chunk for value in values],
            )


def build(model: type[models.Model], related: dict | None = None, **values) -> models.Model:
    """A new instance from attribute values (``story_id=…``), every other field at its default:
    Django's positional constructor, several times faster than the keyword one. `related`
    primes the cache of foreign keys (``{"story": story}``) so reading them costs no query."""
    args = [
        values[name] if name in values else field.get_default() for name, field in _fields_of(model)
    ]
    obj = model(*args)
    for name, target in (related or {}).items():
        model._meta.get_field(name).set_cached_value(obj, target)
    return obj


@cache
def _fields_of(model: type[models.Model]) -> list[tuple[str, models.Field]]:
    return [(field.attname, field) for field in model._meta.concrete_fields]


def _values_of(objs, fields, connection) -> list[list]:
    readers = []
    for field in fields:
        # A field with its own pre_save (auto_now, …) computes its value; others just hold it.
        computed = type(field).pre_save is not models.Field.pre_save
        plain = isinstance(field, _PASS_THROUGH)
        readers.append((field, field.attname, computed, plain))
    # Times repeat across rows (a story's created_at and updated_at, a batch's change times):
    # each distinct one is converted once.
    converted: dict[tuple[type, datetime.date], object] = {}
    rows = []
    for obj in objs:
        values = []
        for field, attname, computed, plain in readers:
            value = field.pre_save(obj, True) if computed else getattr(obj, attname)
            if plain and type(value) in _NATIVE:
                pass
            elif type(value) in _TIMES:
                key = (type(field), value)
                if key not in converted:
                    converted[key] = field.get_db_prep_save(value, connection=connection)
                value = converted[key]
            else:
                value = field.get_db_prep_save(value, connection=connection)
            values.append(value)
        rows.append(values)
    return rows
