"""Insert many new rows at once: PostgreSQL's COPY where it is the database, Django's
`bulk_create` elsewhere. Django compiles an INSERT's values field by field in Python, which is
most of a bulk import's time on PostgreSQL (docs/benchmarks.md, "EHR import"); COPY hands psycopg
the rows as they are.

The rows must be complete as `bulk_create` would write them: primary key set (or an automatic
one, then left unset on the objects, as COPY returns nothing), defaults applied, no `auto_now`
field. No signal is sent (the house has none)."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from time import perf_counter
from typing import Any, cast

from django.db import connection
from django.db.models import AutoField, BigAutoField, Field, Model, SmallAutoField

# Values psycopg writes as they are (a str subclass such as a TextChoices member is made a
# plain str first, by its field: psycopg would write an Enum by name).
AS_THEY_ARE = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "DateField",
        "DateTimeField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "UUIDField",
    }
)
TEXT = frozenset({"CharField", "TextField", "EmailField", "SlugField"})
# Rows per `bulk_update` statement: its CASE … WHEN per field grows with the square of the rows
# (645 children in one statement took seconds on PostgreSQL), so updates go 100 at a time.
UPDATE_ROWS = 100
# Up to this many rows `insert_values` writes one INSERT rather than a COPY (psycopg parses
# an INSERT of many parameters on the client: 48 rows of 13 columns took ≈ 3 ms).
FEW_ROWS = 8


def insert_rows[M: Model](model: type[M], rows: Sequence[M], *, batch_size: int = 1000) -> None:
    """Insert these new rows of `model` in the caller's transaction."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=batch_size)  # type: ignore[attr-defined]
        return
    fields = _insertable(model)
    converters = [(field.attname, _converter(field)) for field in fields]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with logged(sql), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [
                    value if convert is None else convert(value)
                    for attname, convert in converters
                    for value in (getattr(row, attname),)
                ]
            )
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


def update_rows[M: Model](
    model: type[M], rows: Sequence[M], fields: Sequence[str], *, batch_size: int = 1000
) -> None:
    """Write these fields of these rows (by primary key) in the caller's transaction: on
    PostgreSQL one UPDATE … FROM (VALUES …) per batch, elsewhere `bulk_update` (whose CASE per
    field grows with the square of the rows in a statement)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, fields, batch_size=UPDATE_ROWS)  # type: ignore[attr-defined]
        return
    attnames = [cast(Field, model._meta.get_field(name)).attname for name in fields]
    update_values(
        model,
        {row.pk: {name: getattr(row, name) for name in attnames} for row in rows},
        batch_size=batch_size,
    )


def update_values[M: Model](
    model: type[M], rows: dict[Any, dict[str, Any]], *, batch_size: int = 1000
) -> None:
    """Set fields of rows by primary key, given as {pk: {field: value}} (every row the same
    fields), without model instances: the same statements as `update_rows`."""
    if not rows:
        return
    names = list(next(iter(rows.values())))
    if connection.vendor != "postgresql":
        update_rows(model, [model(pk=pk, **values) for pk, values in rows.items()], names)
        return
    quote = connection.ops.quote_name
    key = model._meta.pk
    assert key is not None
    columns: list[Field] = [cast(Field, model._meta.get_field(name)) for name in names]
    converters = [_converter(field) for field in columns]
    row_sql = "({})".format(
        ", ".join(f"%s::{field.db_type(connection)}" for field in [key, *columns])
    )
    column_names = ", ".join(quote(str(field.column)) for field in [key, *columns])
    table = quote(model._meta.db_table)
    sets = ", ".join(f"{quote(str(f.column))} = v.{quote(str(f.column))}" for f in columns)
    match = f"{table}.{quote(str(key.column))} = v.{quote(str(key.column))}"
    items = list(rows.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            params = []
            for pk, values in chunk:
                params.append(pk)
                params += [
                    value if convert is None else convert(value)
                    for name, convert in zip(names, converters, strict=True)
                    for value in (values[name],)
                ]
            cursor.execute(
                # Names from the model's meta; every value a parameter.
                f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([row_sql] * len(chunk))}) "  # noqa: S608
                f"AS v({column_names}) WHERE {match}",
                params,
            )


def _converter(field: Field) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in AS_THEY_ARE:
        return None
    if kind in TEXT:
        return lambda value: (
            value if type(value) is str else field.get_db_prep_save(value, connection)
        )
    return lambda value: field.get_db_prep_save(value, connection)


def insert_values[M: Model](model: type[M], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new rows given as {attname: value} (the primary key included), without building
    model instances (most of a bulk write's time once the SQL is COPY); a field left out gets
    its default. Same conditions as `insert_rows`."""
    if not rows:
        return
    fields = _insertable(model)
    unknown = set().union(*(row.keys() for row in rows)) - {field.attname for field in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)[0]}")
    if connection.vendor != "postgresql":
        insert_rows(model, [model(**row) for row in rows])
        return
    if len(rows) <= FEW_ROWS:
        # A few rows (a request's audit events) in one INSERT: one round trip, where COPY
        # takes two and more of psycopg's set-up.
        with connection.cursor() as cursor:
            cursor.execute(*insert_statement(model, rows))
        return
    table, columns, values_of = _columns(model, fields)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with logged(sql), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(values_of(row))


def insert_statement[M: Model](
    model: type[M], rows: Sequence[dict[str, Any]]
) -> tuple[str, list[Any]]:
    """One PostgreSQL INSERT of these rows (as `insert_values` takes them) and its parameters,
    for a caller that sends it with other statements (`audit.services`)."""
    fields = _insertable(model)
    table, columns, values_of = _columns(model, fields)
    one = "({})".format(", ".join(["%s"] * len(fields)))
    return (
        # Names from the model's meta; every value a parameter.
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))}",  # noqa: S608
        [value for row in rows for value in values_of(row)],
    )


def _insertable(model: type[Model]) -> list[Field]:
    """The fields an INSERT names: all but an automatic primary key."""
    return [
        field
        for field in model._meta.concrete_fields
        if not isinstance(field, AutoField | BigAutoField | SmallAutoField)
    ]


def _columns(
    model: type[Model], fields: list[Field]
) -> tuple[str, str, Callable[[dict[str, Any]], list[Any]]]:
    converters = [(field, field.attname, _converter(field)) for field in fields]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)

    def values_of(row: dict[str, Any]) -> list[Any]:
        values = []
        for field, attname, convert in converters:
            value = row[attname] if attname in row else field.get_default()
            values.append(value if convert is None else convert(value))
        return values

    return table, columns, values_of


@contextmanager
def logged(*statements: str) -> Iterator[None]:
    """Statements Django did not run itself (a COPY, statements sent together in one message)
    in its query log, one entry each, as Django logs every statement it runs: the query counts
    the tests assert are the same on every database."""
    started = perf_counter()
    yield
    if connection.queries_logged:
        took = f"{perf_counter() - started:.3f}"
        connection.queries_log.extend({"sql": sql, "time": took} for sql in statements)
