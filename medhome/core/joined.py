"""Model instances from one hand-written join, for the few requests where compiling the ORM's
query costs more than running it (a FHIR API request's bearer token: the ORM's five-table
`select_related` took ≈ 3 ms of Python for a 0.1 ms query; docs/benchmarks.md, "FHIR API").

Every concrete column of each model is selected and converted exactly as the ORM converts it
(`from_db_value`, the backend's converters), so the instances behave as loaded ones; a model
whose primary key is NULL in the row (an outer join that found nothing) comes back as None."""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model


class Joined:
    """The columns of several models for one SELECT, and their instances from its row."""

    def __init__(self, parts: Sequence[tuple[str, type[Model]]]) -> None:
        self.parts = list(parts)
        quote = connection.ops.quote_name
        self.columns = ", ".join(
            f"{alias}.{quote(str(field.column))}"
            for alias, model in self.parts
            for field in model._meta.concrete_fields
        )

    def instances(self, row: Sequence[Any]) -> dict[str, Any]:
        """{alias: instance or None} for one row selected with `self.columns`."""
        found: dict[str, Any] = {}
        position = 0
        for alias, model in self.parts:
            fields: list[Field] = list(model._meta.concrete_fields)
            values = [
                _converted(field, alias, value)
                for field, value in zip(fields, row[position : position + len(fields)], strict=True)
            ]
            position += len(fields)
            key = model._meta.pk
            pk_index = fields.index(key) if key is not None else 0
            found[alias] = (
                None
                if values[pk_index] is None
                else model.from_db(connection.alias, [f.attname for f in fields], values)
            )
        return found


def _converted(field: Field, alias: str, value: Any) -> Any:
    if value is None:
        return None
    column = field.get_col(alias)
    for convert in [
        *connection.ops.get_db_converters(column),
        *column.get_db_converters(connection),
    ]:
        value = convert(value, column, connection)
    return value
