"""`field__any_of=[...]`: membership in a long list as one parameter.

`__in` with thousands of values (a bulk import's batch of keys) sends one placeholder per value,
and Django and psycopg then spend longer compiling and splitting the statement than PostgreSQL
spends answering it (docs/benchmarks.md, "EHR import"). On PostgreSQL `any_of` is
`column = ANY(…)` with the list as one parameter; elsewhere, and for a list holding an empty
string, a null or the separator, it is `__in`."""

from typing import Any

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In

SEPARATOR = "\x1f"  # the ASCII unit separator: never in a key, an id or a code


class AnyOf(Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self) -> Any:
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        texts = [str(value) for value in values if value is not None]
        if len(texts) < len(values) or any(not text or SEPARATOR in text for text in texts):
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # One text parameter split by PostgreSQL: psycopg quotes a list parameter element by
        # element in Python, which cost as much as the IN list it replaces.
        array = f"string_to_array(%s, chr({ord(SEPARATOR)}))::{field.db_type(connection)}[]"
        return f"{lhs} = ANY({array})", (*lhs_params, SEPARATOR.join(texts))


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep lookups of their own
