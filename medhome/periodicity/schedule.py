"""The periodicity schedule as versioned data (docs/clinical-rules.md#periodicity-schedule: a later
AAP update is a new data file, not a code change). Files live in ./data; the newest one in effect on
a date wins."""

import json
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .rules import Rules, current_rules

DATA = Path(__file__).resolve().parent / "data"

RowKind = Literal["universal", "risk_assessment", "range", "recurring", "newborn"]
SPAN_KINDS = frozenset({"range", "recurring", "newborn"})


@dataclass(frozen=True, order=True)
class Age:
    """A nominal age: calendar months after birth, then days (periodicity.md §1.3 columns)."""

    months: int = 0
    days: int = 0


@dataclass(frozen=True)
class Visit:
    key: str
    label: Promise | str
    order: int
    nominal: Age | None  # None: prenatal, not a universal visit and without a window

    @property
    def is_infant(self) -> bool:
        """Under 12 months: the shorter grace period applies
        (docs/clinical-rules.md#due-and-overdue)."""
        return self.nominal is not None and self.nominal.months < 12


@dataclass(frozen=True)
class Row:
    key: str
    label: Promise | str
    kind: RowKind
    visit_keys: tuple[str, ...] = ()  # universal / risk_assessment rows
    span: tuple[str, str] | None = None  # range / recurring / newborn rows, inclusive visits
    confidential: bool = False  # docs/clinical-rules.md#adolescent-confidentiality
    sex: str | None = None  # "female" / "male" for sex-specific rows
    unverified: bool = False  # periodicity.md §6
    note: str = ""
    every_months: int | None = None  # recurring rows
    catch_up: bool = True  # carried into the next visit when its visit was missed

    @property
    def is_span(self) -> bool:
        return self.kind in SPAN_KINDS


@dataclass(frozen=True)
class Schedule:
    version: str
    effective_from: date
    source: str
    visits: tuple[Visit, ...]
    rows: tuple[Row, ...]

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        # The dataclass's own hash, computed once: every lru_cache keyed on the schedule (the
        # due list's birth intervals, the measures' windows) hashes all its rows on each call.
        return hash((self.version, self.effective_from, self.source, self.visits, self.rows))

    def visit(self, key: str) -> Visit:
        return self._visits_by_key[key]

    def row(self, key: str) -> Row:
        return self._rows_by_key[key]

    @cached_property
    def _visits_by_key(self) -> dict[str, Visit]:
        return {v.key: v for v in self.visits}

    @cached_property
    def _rows_by_key(self) -> dict[str, Row]:
        return {r.key: r for r in self.rows}

    @cached_property
    def timed_visits(self) -> tuple[Visit, ...]:
        """The visits that have a window, in order (all but prenatal)."""
        return tuple(v for v in self.visits if v.nominal is not None)

    def visits_between(self, first: str, last: str) -> tuple[str, ...]:
        keys = [v.key for v in self.visits]
        return tuple(keys[keys.index(first) : keys.index(last) + 1])

    def rows_at(self, visit_key: str) -> tuple[Row, ...]:
        """Rows that apply at a visit: attached to it, or with the visit inside their span."""
        return tuple(r for r in self.rows if visit_key in self.row_visits(r))

    def row_visits(self, row: Row) -> tuple[str, ...]:
        if row.span is not None:
            return self.visits_between(*row.span)
        return row.visit_keys


def _visit_list(spec: str | list[str], keys: list[str]) -> tuple[str, ...]:
    """Expand "a..b" (inclusive) and lists of keys or ranges."""
    items = [spec] if isinstance(spec, str) else spec
    out: list[str] = []
    for item in items:
        if ".." in item:
            first, last = item.split("..")
            out.extend(keys[keys.index(first) : keys.index(last) + 1])
        else:
            if item not in keys:
                raise ValueError(f"unknown visit {item!r}")
            out.append(item)
    return tuple(out)


def _parse(raw: dict[str, Any]) -> Schedule:
    keys = [v["key"] for v in raw["visits"]]
    visits = tuple(
        Visit(
            key=v["key"],
            label=gettext_lazy(v["label"]),  # noqa: INT001 - labels come from the data file
            order=order,
            nominal=Age(**v["nominal"]) if v["nominal"] is not None else None,
        )
        for order, v in enumerate(raw["visits"])
    )
    rows = tuple(
        Row(
            key=r["key"],
            label=gettext_lazy(r["label"]),  # noqa: INT001
            kind=r["kind"],
            visit_keys=_visit_list(r["visits"], keys) if "visits" in r else (),
            span=(r["span"][0], r["span"][1]) if "span" in r else None,
            confidential=r.get("confidential", False),
            sex=r.get("sex"),
            unverified=r.get("unverified", False),
            note=r.get("note", ""),
            every_months=r.get("every_months"),
            catch_up=r.get("catch_up", True),
        )
        for r in raw["rows"]
    )
    for row in rows:
        if (row.span is None) == row.is_span:
            raise ValueError(f"row {row.key}: span rows need span, visit rows need visits")
    return Schedule(
        version=raw["version"],
        effective_from=date.fromisoformat(raw["effective_from"]),
        source=raw["source"],
        visits=visits,
        rows=rows,
    )


@lru_cache(maxsize=1)
def _published() -> tuple[Schedule, ...]:
    loaded = (_parse(json.loads(path.read_text())) for path in sorted(DATA.glob("*.json")))
    return tuple(sorted(loaded, key=lambda s: s.effective_from))


def _with_rules(schedule: Schedule, rules: Rules) -> Schedule:
    """Apply the settings that stand in for unverified or medhome-chosen cells (rules.py)."""
    keys = [v.key for v in schedule.visits]
    behavioral = schedule.row("behavioral").visit_keys

    def adjust(row: Row) -> Row:
        if row.key == "social_needs":
            chosen = rules.social_needs_visits
            return replace(row, visit_keys=behavioral if chosen is None else tuple(chosen))
        if row.key == "fluoride_varnish":
            return replace(row, every_months=rules.fluoride_varnish_every_months)
        if row.key == "lipid_17_21" and row.span is not None:
            return replace(row, span=(rules.lipid_second_from_visit, row.span[1]))
        if row.key == "substance_use":
            return replace(
                row, visit_keys=_visit_list(f"{rules.substance_use_from_visit}..21y", keys)
            )
        return row

    return replace(schedule, rows=tuple(adjust(r) for r in schedule.rows))


def current_schedule(on: date) -> Schedule:
    """The schedule version in effect on a date (the newest whose effective_from ≤ on).

    Dates before the first version get the first one: the engine still needs a grid for
    children seen before June 2024.
    """
    published = _published()
    chosen = published[0]
    for schedule in published:
        if schedule.effective_from <= on:
            chosen = schedule
    return _applied(chosen.version, current_rules())


@lru_cache(maxsize=32)
def _applied(version: str, rules: Rules) -> Schedule:
    """Rules are frozen, so the adjusted schedule is cached per (version, rules)."""
    schedule = next(s for s in _published() if s.version == version)
    return _with_rules(schedule, rules)
