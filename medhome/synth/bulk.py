"""Many rows, fast: build unsaved instances and insert them with executemany.

Why not Model(**kwargs) and bulk_create: measured on the 2-core bench machine (docs/
benchmarks.md), keyword construction costs ≈ 65 µs per Child and bulk_create's SQL compiler
≈ 400 µs per Child row, so 100,000 children took over two minutes. Here:

- `make()` fills the instance's attribute dict the way Model.__init__ would, without its
  per-field keyword matching and descriptor calls (≈ 4 µs instead of 65 µs), so values must be
  final Python values (a PhoneNumber, not a string; `practice_id`, not `practice`);
- `insert()` prepares each value with the field's own `get_db_prep_save()` (so the stored
  form is exactly what save() and bulk_create store, on SQLite and PostgreSQL alike),
  remembers the prepared form of repeated values (dates, names, the run timestamp), and sends
  one INSERT per batch through `cursor.executemany()` — on PostgreSQL one COPY per table
  instead (psycopg's write_row adapts the same prepared values).

Nothing here bypasses the database's constraints: unique, check and foreign-key constraints
still decide. A test checks that `insert()` stores the same rows as bulk_create.
"""

import uuid
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import batched
from random import Random
from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.db.models.base import ModelState


def new_id(rng: Random) -> uuid.UUID:
    """A version-4 UUID drawn from the seeded rng, never from the operating system."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@cache
def _layout(model: type[Model]) -> tuple[frozenset[str], dict[str, Any], frozenset[str]]:
    """Attribute names, their static defaults, and those that must be given (callable default)."""
    fields = model._meta.concrete_fields
    required = frozenset(f.attname for f in fields if f.has_default() and callable(f.default))
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in required}
    return frozenset(f.attname for f in fields), defaults, required


def make[M: Model](model: type[M], **values: Any) -> M:
    """An unsaved instance from attribute names (practice_id=…, not practice=…)."""
    names, defaults, required = _layout(model)
    if not names.issuperset(values) or not required.issubset(values):
        unknown, missing = sorted(values.keys() - names), sorted(required - values.keys())
        raise TypeError(f"{model.__name__}: unknown {unknown}, missing {missing}")
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(defaults)
    instance.__dict__.update(values)
    return instance


def _preparer(field: Any, connection: Any) -> Callable[[Any], Any]:
    prepare = field.get_db_prep_save
    if field.primary_key or field.unique:
        return lambda value: prepare(value, connection)
    prepared: dict[tuple[type, Any], Any] = {}

    def remembered(value: Any) -> Any:
        try:
            key = (type(value), value)
            if key not in prepared:
                prepared[key] = prepare(value, connection)
            return prepared[key]
        except TypeError:  # unhashable (a list for a JSON field)
            return prepare(value, connection)

    return remembered


def insert(model: type[Model], objs: Sequence[Model], *, batch_size: int) -> None:
    """INSERT every instance (primary keys already set) in batches; no signals, no save()."""
    if not objs:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = list(model._meta.local_concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - from _meta
    plan = [(f.attname, _preparer(f, connection)) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: several times faster than executemany
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row(tuple(prep(getattr(obj, name)) for name, prep in plan))
            objs_written(objs, alias)
            return
        for batch in batched(objs, batch_size):
            cursor.executemany(
                sql, [tuple(prep(getattr(obj, name)) for name, prep in plan) for obj in batch]
            )
    objs_written(objs, alias)


def objs_written(objs: Sequence[Model], alias: str) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def insert_all(tables: Iterable[tuple[type[Model], Sequence[Model]]], *, batch_size: int) -> None:
    for model, objs in tables:
        insert(model, objs, batch_size=batch_size)


def analyze(models: Iterable[type[Model]]) -> None:
    """Refresh the query planner's statistics after a bulk load (ANALYZE, SQLite and PostgreSQL).

    Without statistics SQLite takes `practice_id = ?` for the most selective condition and scans
    the whole practice instead of using the (practice, *_name_key) indexes (docs/benchmarks.md).
    """
    for model in models:
        connection = connections[router.db_for_write(model)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
