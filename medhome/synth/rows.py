"""Plain rows into one table, fast: tuples in, COPY on PostgreSQL, executemany on SQLite.

The history generators (measure_history) make millions of visits and screens; building model
instances for them costs more than writing them. A `Table` names the columns a generator fills
(`varying`, in tuple order) and the values every row shares (`constants`); every other column
takes its field's static default, so a row is complete without the generator knowing them all.

Values are final Python values: UUID, date, aware datetime, str, int, bool, None, and JSON
already serialized to a str (json.dumps) — one form that both backends store as Django would.
On SQLite each value goes through the field's get_db_prep_save (remembered per distinct value,
as bulk.insert does); on PostgreSQL psycopg adapts them itself inside COPY. Constraints still
decide: nothing here disables a check, unique or foreign key.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import batched
from typing import Any

from django.db import IntegrityError, connections, router, transaction
from django.db.models import JSONField, Model

from .bulk import _layout, _preparer

BATCH_SIZE = 5_000


class Table:
    def __init__(
        self, model: type[Model], varying: Sequence[str], constants: dict[str, Any] | None = None
    ) -> None:
        constants = constants or {}
        names, defaults, required = _layout(model)
        unknown = (set(varying) | set(constants)) - names
        missing = required - set(varying) - set(constants)
        if unknown or missing:
            raise TypeError(f"{model.__name__}: unknown {sorted(unknown)}, missing {missing}")
        self.model = model
        self.varying = tuple(varying)
        self.fields = list(model._meta.local_concrete_fields)
        self.constants = {**defaults, **constants}
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def __len__(self) -> int:
        return len(self.rows)

    def _plan(self, connection: Any) -> list[tuple[int | None, Any]]:
        """Per column: (index in the row tuple, preparer) or (None, prepared constant)."""
        plan: list[tuple[int | None, Any]] = []
        for f in self.fields:
            json = isinstance(f, JSONField)
            if f.attname in self.varying:
                prep = (
                    None if json or connection.vendor == "postgresql" else _preparer(f, connection)
                )
                plan.append((self.varying.index(f.attname), prep))
            else:
                value = self.constants[f.attname]
                if json:
                    import json as _json

                    value = _json.dumps(value)
                elif connection.vendor != "postgresql":
                    value = f.get_db_prep_save(value, connection)
                plan.append((None, value))
        return plan

    def flush(self, *, batch_size: int = BATCH_SIZE) -> int:
        """Write the rows gathered so far and forget them; returns how many were written."""
        rows, self.rows = self.rows, []
        if rows:
            write(self.model, self.fields, self._plan(_connection(self.model)), rows, batch_size)
        return len(rows)


def _connection(model: type[Model]) -> Any:
    return connections[router.db_for_write(model)]


def _shaped(plan: list[tuple[int | None, Any]], rows: Iterable[tuple]) -> Iterable[tuple]:
    if all(prep is None for index, prep in plan if index is not None) and all(
        index is not None for index, _ in plan
    ):
        order = [index for index, _ in plan if index is not None]
        return (tuple(row[i] for i in order) for row in rows)
    return (
        tuple(
            value if index is None else (row[index] if value is None else value(row[index]))
            for index, value in plan
        )
        for row in rows
    )


def write(
    model: type[Model],
    fields: list,
    plan: list[tuple[int | None, Any]],
    rows: list[tuple],
    batch_size: int,
) -> None:
    connection = _connection(model)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in _shaped(plan, rows):
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - _meta
        for batch in batched(_shaped(plan, rows), batch_size):
            cursor.executemany(sql, batch)


@contextmanager
def foreign_keys_checked_after(models: Sequence[type[Model]]) -> Iterator[None]:
    """A bulk load in one transaction whose foreign keys are checked once, set-based, at the end.

    On PostgreSQL, as a superuser (the benchmark's server), the per-row foreign-key triggers
    are switched off for the transaction (SET LOCAL session_replication_role = replica, as
    pg_restore --disable-triggers does) and every foreign key of `models` is then checked with
    one anti-join; an orphan raises IntegrityError and the transaction rolls back. Elsewhere
    (SQLite, a non-superuser) the database checks each row as usual.
    """
    connection = _connection(models[0]) if models else None
    with transaction.atomic():
        fast = False
        if connection is not None and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                fast = bool(cursor.fetchone()[0])
                if fast:
                    cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        if fast:
            with connection.cursor() as cursor:  # type: ignore[union-attr]
                cursor.execute("SET LOCAL session_replication_role = origin")
                for model in models:
                    _check_foreign_keys(cursor, connection, model)


def _check_foreign_keys(cursor: Any, connection: Any, model: type[Model]) -> None:
    quote = connection.ops.quote_name
    for f in model._meta.local_concrete_fields:
        if not (f.is_relation and getattr(f, "db_constraint", False)):
            continue
        target_field: Any = getattr(f, "target_field")  # noqa: B009 - relations only
        target, target_column = target_field.model._meta.db_table, target_field.column
        cursor.execute(
            f"SELECT t.{quote(f.column)} FROM {quote(model._meta.db_table)} t "  # noqa: S608
            f"WHERE t.{quote(f.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            f"{quote(target)} r WHERE r.{quote(target_column)} = t.{quote(f.column)}) LIMIT 1"
        )
        orphan = cursor.fetchone()
        if orphan is not None:
            raise IntegrityError(
                f"{model._meta.db_table}.{f.column} = {orphan[0]} has no {target} row"
            )
