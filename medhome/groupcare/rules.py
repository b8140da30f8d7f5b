"""The settings of group well-child care (MEDHOME_GROUPCARE in medhome/settings.py, with the
reasons for each default) and the Bright Futures visits a series of sessions follows
(docs/clinical-rules.md#group-care)."""

from datetime import date
from typing import Any

from django.conf import settings

from medhome.periodicity.schedule import Schedule, Visit, current_schedule

DEFAULTS: dict[str, Any] = {
    "birth_span_days": 42,
    "min_families": 6,
    "max_families": 8,
    "session_minutes": 120,
    "first_visit": "1mo",
    "last_visit": "24mo",
}


def setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "MEDHOME_GROUPCARE", {})}[name]


def aligned_visits(on: date, schedule: Schedule | None = None) -> tuple[Visit, ...]:
    """The schedule's visits a group's sessions stand for: the first to the last setting's visit
    (by default 1 month to 24 months), in order, each with a window."""
    schedule = schedule or current_schedule(on)
    keys = schedule.visits_between(setting("first_visit"), setting("last_visit"))
    return tuple(v for v in (schedule.visit(k) for k in keys) if v.nominal is not None)


def visit_label(key: str, on: date) -> str:
    """The schedule's name of the visit a session stands for ("2 months"), else its key."""
    visit = next((v for v in aligned_visits(on) if v.key == key), None)
    return str(visit.label) if visit is not None else key


def aligned_keys(on: date) -> tuple[str, ...]:
    return tuple(v.key for v in aligned_visits(on))
