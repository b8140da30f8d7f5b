"""Small-cell suppression for anything shown beyond the practice or exported (the measures,
messaging's figures of reaching families).

docs/clinical-rules.md#small-cell-suppression, after the CMS cell-size suppression policy: never
show a count from 1 to 10 (0 may be shown), and no percentage or total from which such a count could
be derived. So a row is suppressed when its numerator, its denominator or the children not met
(denominator - numerator) is 1-10: the rate would give the hidden count away.

Complementary suppression applies to mutually exclusive rows that sum to a shown total (race
and ethnicity mutually exclusive, sex, language, payer, ZIP, site, clinician, practices of a
network): if exactly one row of a column is hidden, the total minus the others would give it
back, so the next-smallest row is hidden too, until no column has a single hidden row.
Overlapping rows (race alone or in combination) get primary suppression only, cell by cell.
"""

from dataclasses import dataclass, replace

SMALL_CELL = 11  # counts 1..SMALL_CELL-1 are never shown outside the practice


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    numerator: int
    denominator: int
    hidden: bool = False
    median_days: float | None = None

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    # What may be shown: None where suppressed.
    @property
    def shown_numerator(self) -> int | None:
        return None if self.hidden else self.numerator

    @property
    def shown_denominator(self) -> int | None:
        return None if self.hidden else self.denominator

    @property
    def shown_rate(self) -> float | None:
        return None if self.hidden else self.rate


def is_small(count: int) -> bool:
    return 0 < count < SMALL_CELL


def needs_suppression(cell: Cell) -> bool:
    return (
        is_small(cell.numerator)
        or is_small(cell.denominator)
        or is_small(cell.denominator - cell.numerator)
    )


def suppress_total(total: Cell) -> Cell:
    return replace(total, hidden=needs_suppression(total))


def suppress_rows(rows: list[Cell], *, exclusive: bool) -> list[Cell]:
    """Primary suppression of every row; then, for rows that sum to the total, complementary
    suppression. The whole row (numerator, denominator, rate) is hidden together."""
    result = [replace(row, hidden=row.hidden or needs_suppression(row)) for row in rows]
    if not exclusive:
        return result
    while True:
        hidden = [row for row in result if row.hidden]
        # One hidden row among visible ones: total - visible rows = the hidden row.
        if len(hidden) != 1 or len(hidden) == len(result):
            return result
        candidates = [row for row in result if not row.hidden]
        smallest = min(candidates, key=lambda row: (row.denominator, row.numerator, row.key))
        result = [replace(row, hidden=True) if row is smallest else row for row in result]
