"""Querysets built and compiled to SQL once per process, then run again with other values
(decision 0039).

The article page's story query cost the ORM 1.9 ms to build and compile and the database 0.1 ms
to run: a page-cache miss paid the ORM's construction more than anything else. A `Compiled`
query keeps the queryset as its one definition (`Story.objects.public()` stays the one
definition of public), builds it once with sample values, finds where each sample landed among
the compiled SQL's parameters, and from then on runs that SQL with the caller's values in those
places: model instances (`instances`: fields and annotations converted as the queryset would,
annotations as attributes) or rows (`rows`).

Instances are made as the ORM makes them (`Model.from_db`), by a plan worked out at compile
time: `Model.objects.raw()` worked out which column is which field, and their converters, on
every run, which cost the article page more than running its two queries. What they cannot do,
the caller does: no `select_related` (a related object is looked up by its key, or read on
access).

A list of keys looked up with `__in` is a placeholder per key (compiled once per length); with
`__any_of` (`stories.lookups`) it is one parameter, and one compiled query serves every length.

On PostgreSQL the SQL runs as a prepared statement, parsed and planned once per connection
(decision 0065), unless the query says it must not: a statement whose best plan depends on its
values (how many stories carry a rare tag) is planned for each run.
"""

import datetime
import itertools
from collections import OrderedDict
from collections.abc import Callable

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

from dateline.stories.lookups import keys_parameter

# Samples no real value takes: negative (no key, count or limit is), yet inside a 32-bit
# integer's range (Django leaves a lookup on an integer column out of the SQL when its value
# is out of the column's range, as a sample beyond PostgreSQL's `integer` was); a moment before
# any story; a string no slug or name is. Each parameter's sample differs from every other's,
# so each is found apart.
_FIRST_SAMPLE_INT = -1_987_654_321
_SAMPLE_EPOCH = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)

Value = int | str | datetime.datetime | list[int]
# Where a list value is one parameter (`any_of`) rather than one per item.
WHOLE = "whole"


class Compiled:
    """`build(**values, **literals)`, a queryset of one model, compiled once per database,
    length of each list value and set of literals, run with `instances(...)` or `rows(...)`.

    Values are lookup values: ints, strings, aware datetimes or lists of ints, each a parameter
    of the SQL. Literals are what the SQL is written with (a slice's bounds, a choice between two
    ways of writing the query): each set of them is compiled apart, the latest
    MAX_COMPILED kept."""

    MAX_COMPILED = 64

    def __init__(
        self, build: Callable[..., QuerySet], *, prepare: Callable[..., bool] | None = None
    ) -> None:
        """`prepare(**literals)`: whether the SQL written with these literals may run on one
        plan for all values (decision 0065); by default it may."""
        self._build = build
        self._prepare = prepare
        self._compiled: OrderedDict[tuple, tuple] = OrderedDict()
        self._whole_lists: set[str] = set()  # the values found as one parameter (`any_of`)

    def instances(
        self, *, using: str = "default", literals: dict | None = None, **values: Value
    ) -> list[Model]:
        """The queryset's model instances: its fields and annotations converted as the
        queryset would, the annotations as attributes."""
        model, sql, params, converters, plan, prepared = self._sql(using, literals or {}, values)
        if plan is None:
            raise TypeError("Compiled query: a values() queryset has rows, not instances")
        start, end, names, annotations = plan
        made = []
        for row in _run(using, sql, params, converters, prepared):
            instance = model.from_db(using, names, row[start:end])
            for name, position in annotations:
                setattr(instance, name, row[position])
            made.append(instance)
        return made

    def rows(
        self, *, using: str = "default", literals: dict | None = None, **values: Value
    ) -> list[tuple]:
        """The rows of a `values_list()` queryset, each value converted as Django would (a
        moment from SQLite's text, for one)."""
        _model, sql, params, converters, _plan, prepared = self._sql(using, literals or {}, values)
        return _run(using, sql, params, converters, prepared)

    def _sql(self, using: str, literals: dict, values: dict[str, Value]) -> tuple:
        for value in values.values():
            _check(value)
        # Compiled apart: each kind of value (a string where an int was is another query) and
        # each length of a list with a placeholder per item.
        kinds = tuple(
            (n, type(v), len(v) if isinstance(v, list) and n not in self._whole_lists else None)
            for n, v in sorted(values.items())
        )
        key = (using, tuple(sorted(literals.items())), kinds)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using, literals, values)
            if len(self._compiled) > self.MAX_COMPILED:
                self._compiled.popitem(last=False)
        model, sql, slots, converters, plan, prepared = compiled
        connection = connections[using]
        adapt = connection.ops.adapt_datetimefield_value
        # Each value adapted once, however many places take it (the front's section blocks
        # compare a dozen times with one moment, which SQLite takes as text).
        adapted = {}
        params = []
        for constant, place in slots:
            if place[0] is None:
                params.append(constant)
                continue
            if place not in adapted:
                name, index = place
                adapted[place] = _parameter(values[name], index, connection, adapt)
            params.append(adapted[place])
        return model, sql, params, converters, plan, prepared

    def _compile(self, using: str, literals: dict, values: dict[str, Value]) -> tuple:
        connection = connections[using]
        adapt = connection.ops.adapt_datetimefield_value
        counter = itertools.count()
        samples = {name: _sample(value, counter) for name, value in values.items()}
        # A sample as the compiled SQL holds it → (its parameter, its list index or WHOLE).
        places = {}
        for name, sample in samples.items():
            for index, one in enumerate(sample) if isinstance(sample, list) else [(None, sample)]:
                places[_adapted(one, None, adapt)] = (name, index)
            if isinstance(sample, list):
                places[keys_parameter(connection.vendor, sample)] = (name, WHOLE)
        queryset = self._build(**samples, **literals)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        # What turns each selected column's value into Python, for rows and instances alike.
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        slots = [(p, places.get(p, (None, None)) if _hashable(p) else (None, None)) for p in params]
        found = {place for _constant, place in slots}
        whole = {name for name, index in found if index == WHOLE}
        self._whole_lists |= whole
        missing = [
            (name, index)
            for name, index in places.values()
            if (name, index) not in found and index != WHOLE and name not in whole
        ]
        if missing:
            raise ValueError(
                f"Compiled query: the values {sorted({name for name, _ in missing})} are not "
                "parameters of its SQL (written into it, or not used): build it with them as "
                "lookup values"
            )
        plan = _instance_plan(queryset, compiler)
        prepared = self._prepare is None or self._prepare(**literals)
        return queryset.model, sql, slots, sorted(converters.items()), plan, prepared


def _instance_plan(queryset: QuerySet, compiler) -> tuple | None:
    """Where the model's fields are among the selected columns (a slice), their names, and
    each annotation's name and column, as the ORM's `ModelIterable` reads them; None for a
    values() queryset."""
    if not issubclass(queryset._iterable_class, ModelIterable):
        return None
    if compiler.klass_info.get("related_klass_infos"):
        raise ValueError("Compiled query: no select_related (look related objects up by key)")
    fields = compiler.klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [column[0].target.attname for column in compiler.select[start:end]]
    return start, end, names, sorted(compiler.annotation_col_map.items())


def _run(using: str, sql: str, params: list, converters: list, prepared: bool) -> list[tuple]:
    """The rows of `sql`, each value converted by `converters` (as the compiler lists them);
    `prepared`: as a prepared statement (decision 0065)."""
    connection = connections[using]
    with connection.prepared_cursor() if prepared else connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for index, (functions, expression) in converters:
            for convert in functions:
                row[index] = convert(row[index], expression, connection)
        converted.append(tuple(row))
    return converted


def _check(value: Value) -> None:
    if value == []:
        raise ValueError("Compiled query: an empty list matches nothing; ask no query")
    ok = (
        all(_is_int(one) for one in value)
        if isinstance(value, list)
        else _is_int(value)
        or isinstance(value, str)
        or (isinstance(value, datetime.datetime) and value.tzinfo is not None)
    )
    if not ok:
        raise TypeError(
            "Compiled query values are ints, strings, aware datetimes or lists of ints, "
            f"not {value!r}"
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sample(value: Value, counter) -> Value:
    if isinstance(value, list):
        return [_FIRST_SAMPLE_INT - next(counter) for _ in value]
    if isinstance(value, datetime.datetime):
        return _SAMPLE_EPOCH + datetime.timedelta(microseconds=next(counter))
    if isinstance(value, str):
        return f"compiled-query-sample-{next(counter)}"
    return _FIRST_SAMPLE_INT - next(counter)


def _parameter(value: Value, index: int | str | None, connection, adapt) -> object:
    """A value as its slot in the SQL takes it: a list whole, one item of it, or itself."""
    if index == WHOLE:
        return keys_parameter(connection.vendor, value)
    return _adapted(value, index, adapt)


def _adapted(value: Value, index: int | None, adapt) -> object:
    one = value[index] if index is not None else value
    return adapt(one) if isinstance(one, datetime.datetime) else one


def _hashable(param) -> bool:
    try:
        hash(param)
    except TypeError:
        return False
    return True
