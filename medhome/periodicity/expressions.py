"""The due list's two wide expressions, rendered straight to SQL.

panel_due's CASE over some 30 birth-date intervals and its bit set of 13 completion flags were
Django Case/When and Func trees of about 190 expressions each; resolving and compiling them cost
about 40 ms a call on Today's 40 children, four times the query itself (docs/benchmarks.md,
"Load"). Each is one expression here over its columns (so aliases still relabel inside
subqueries), its branches kept as data and passed as parameters, with the same SQL meaning:
`col BETWEEN %s AND %s` is what `__range` compiles to.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import CharField, Expression, F, IntegerField


class BirthDateCase(Expression):
    """CASE WHEN date_of_birth BETWEEN lo AND hi [AND birth_discharged_on <= by] THEN value …
    ELSE default END, first matching branch wins (as Case/When)."""

    output_field = CharField()

    def __init__(
        self,
        branches: Sequence[tuple[date, date, date | None, str]],
        default: str | None = None,
    ) -> None:
        super().__init__()
        self.branches = tuple(branches)
        self.default = default
        self.born: Any = F("date_of_birth")
        self.discharged: Any = F("birth_discharged_on")

    def get_source_expressions(self) -> list[Any]:
        return [self.born, self.discharged]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.born, self.discharged = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if not self.branches:
            return "%s", [self.default]
        born, born_params = compiler.compile(self.born)
        discharged, discharged_params = compiler.compile(self.discharged)
        adapt = connection.ops.adapt_datefield_value
        parts: list[str] = ["CASE"]
        params: list[Any] = []
        for low, high, discharged_by, value in self.branches:
            parts.append(f"WHEN {born} BETWEEN %s AND %s")
            params += [*born_params, adapt(low), adapt(high)]
            if discharged_by is not None:
                parts.append(f"AND {discharged} <= %s")
                params += [*discharged_params, adapt(discharged_by)]
            parts.append("THEN %s")
            params.append(value)
        parts.append("ELSE %s END")
        params.append(self.default)
        return " ".join(parts), params


class CompletionBits(Expression):
    """Inside a subquery over RowCompletion: the bitwise OR of `bit` for each (row, pending,
    bit) flag some row matches, as a sum of MAX(CASE …) (portable: SQLite has no BIT_OR, and a
    SUM(DISTINCT) needs a temporary B-tree on each call)."""

    output_field = IntegerField()

    def __init__(self, flags: Sequence[tuple[str, bool, int]]) -> None:
        super().__init__()
        self.flags = tuple(flags)
        self.row: Any = F("row")
        self.pending: Any = F("next_step_pending")

    def get_source_expressions(self) -> list[Any]:
        return [self.row, self.pending]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.row, self.pending = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        row, row_params = compiler.compile(self.row)
        pending, pending_params = compiler.compile(self.pending)
        terms: list[str] = []
        params: list[Any] = []
        for key, is_pending, bit in self.flags:
            terms.append(f"MAX(CASE WHEN {row} = %s AND {pending} = %s THEN %s ELSE 0 END)")
            params += [*row_params, key, *pending_params, is_pending, bit]
        return "(" + " + ".join(terms or ["0"]) + ")", params
