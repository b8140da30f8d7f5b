"""`field__any_of=[...]`: membership in a long list as one parameter.

`__in` with thousands of values (a bulk import's batch of keys) sends one placeholder per value,
and Django and psycopg then spend longer compiling and splitting the statement than PostgreSQL
spends answering it (docs/benchmarks.md, "EHR import"). On PostgreSQL `any_of` is
`column = ANY(%s)` with the list as one array parameter; elsewhere it is `__in`."""

from typing import Any

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class AnyOf(Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self) -> Any:
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        return f"{lhs} = ANY(%s::{field.db_type(connection)}[])", [*lhs_params, values]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep lookups of their own
