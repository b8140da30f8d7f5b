"""Immunizations up to date at a visit, from a dose-count table shipped as data
(data/immunization-doses.json, with its source; docs/clinical-rules.md#ehr-completions).

Pure functions over dates: no database, no clock. medhome counts doses; it does not forecast
(minimum intervals are not checked) and never recomputes an IIS forecast.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "immunization-doses.json"


@dataclass(frozen=True)
class Group:
    key: str
    cvx: frozenset[str]
    min_age_days: int
    doses_by_visit: tuple[tuple[str, int], ...]
    variants: tuple[tuple[frozenset[str], tuple[tuple[str, int], ...]], ...]
    until_visit: str | None


@dataclass(frozen=True)
class DoseTable:
    version: str
    grace_days: int
    groups: tuple[Group, ...]
    not_counted: frozenset[str]

    def group_of(self, cvx: str) -> list[Group]:
        code = normalise_cvx(cvx)
        return [g for g in self.groups if code in g.cvx]


def normalise_cvx(code: str) -> str:
    """CVX codes are sent as "3" or "03": two digits at least, as the CDC table writes them."""
    code = code.strip()
    return code.zfill(2) if code.isdigit() else code


def _pairs(raw: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((k, int(v)) for k, v in raw.items())


@lru_cache(maxsize=1)
def dose_table() -> DoseTable:
    raw: dict[str, Any] = json.loads(DATA.read_text())
    groups = tuple(
        Group(
            key=key,
            cvx=frozenset(normalise_cvx(c) for c in g["cvx"]),
            min_age_days=int(g["min_age_days"]),
            doses_by_visit=_pairs(g["doses_by_visit"]),
            variants=tuple(
                (
                    frozenset(normalise_cvx(c) for c in v["when_all_cvx_in"]),
                    _pairs(v["doses_by_visit"]),
                )
                for v in g.get("variants", [])
            ),
            until_visit=g.get("until_visit"),
        )
        for key, g in raw["groups"].items()
    )
    ignored = frozenset(normalise_cvx(c) for codes in raw["not_counted"].values() for c in codes)
    return DoseTable(raw["version"], int(raw["grace_days"]), groups, ignored)


def required_at(
    group: Group, visit_key: str, order: Mapping[str, int], cvx_given: Iterable[str] = ()
) -> int:
    """Doses of a group the schedule calls for by a visit (0 past its until_visit)."""
    position = order[visit_key]
    if group.until_visit is not None and position > order[group.until_visit]:
        return 0
    given = {normalise_cvx(c) for c in cvx_given}
    table = group.doses_by_visit
    for products, doses in group.variants:
        if given and given <= products:
            table = doses
    return max((n for key, n in table if order[key] <= position), default=0)


def up_to_date_on(
    *,
    birth_date: date,
    visit_key: str,
    order: Mapping[str, int],
    window_closes: date,
    given: Iterable[tuple[str, date]],
    table: DoseTable | None = None,
) -> date | None:
    """The day the child had every dose due by the visit, if that is before the window closes;
    None when not up to date by then, or when the visit calls for no dose.

    `given`: (CVX, date) of completed immunizations (the caller drops not-done ones).
    """
    table = table or dose_table()
    doses = [(normalise_cvx(c), d) for c, d in given if d < window_closes]
    latest: date | None = None
    anything_due = False
    for group in table.groups:
        earliest = birth_date + timedelta(days=group.min_age_days - table.grace_days)
        mine = [(c, d) for c, d in doses if c in group.cvx]
        needed = required_at(group, visit_key, order, (c for c, _ in mine))
        if needed == 0:
            continue
        anything_due = True
        days = sorted({d for _, d in mine if d >= earliest})
        if len(days) < needed:
            return None
        reached = days[needed - 1]
        latest = reached if latest is None else max(latest, reached)
    return latest if anything_due else None
