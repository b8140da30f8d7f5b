"""What a task form posts and My tasks' query string, parsed into what the services take.

Plain functions rather than Django forms: each field is one word or one id, and a wrong one
gets a sentence that says which (a ValidationError the view shows), never a 500.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from medhome.core.actor import Actor
from medhome.core.params import optional_id, parse_id
from medhome.practices.calendar import calendar_of

from . import selectors
from .kinds import TaskKind
from .selectors import DUES, OWNER_MINE, OWNERS, TaskFilter


@dataclass(frozen=True)
class Owner:
    """Who a task goes to: a person (a User) or a role."""

    person: Any = None
    role: str | None = None


def owner_from(actor: Actor, data: QueryDict, name: str = "to") -> Owner:
    """`to` is "me", a role's value or a colleague's membership id (never a name)."""
    value = data.get(name, "").strip()
    if not value:
        raise ValidationError(_("Choose who the task is for."))
    if value == "me":
        return Owner(person=actor.user)
    if value in selectors.TASK_ROLES:
        return Owner(role=value)
    membership = selectors.colleagues(actor).filter(pk=parse_id(value, name=name)).first()
    if membership is None:
        raise ValidationError(_("That person does not work with tasks in this practice."))
    return Owner(person=membership.user)


def _day(raw: str, *, missing: str, wrong: str) -> date:
    if not raw.strip():
        raise ValidationError(missing)
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(wrong) from None


def _time(raw: str, default: time) -> time:
    if not raw.strip():
        return default
    try:
        return time.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(_("Give the time as hours and minutes, e.g. 14:30.")) from None


def moment_from(actor: Actor, data: QueryDict, *, day_field: str, time_field: str) -> datetime:
    """A day and an optional time in the practice's zone; without a time, the practice's
    closing time on that day (the one practice calendar)."""
    calendar = calendar_of(actor.practice)
    day = _day(
        data.get(day_field, ""),
        missing=_("Choose a day."),
        wrong=_("Give the day as a date, e.g. 2026-03-04."),
    )
    moment = _time(data.get(time_field, ""), calendar.closes_at)
    return datetime.combine(day, moment, tzinfo=calendar.zone)


@dataclass(frozen=True)
class ParsedFilter:
    chosen: TaskFilter
    problems: list[str]


def filter_from(actor: Actor, query: QueryDict) -> ParsedFilter:
    """My tasks' filter from its query string; a word it does not know is ignored with a note.

    A malformed id is a 400 (core.params); another practice's colleague is a 404.
    """
    problems: list[str] = []
    owner = query.get("owner", OWNER_MINE) or OWNER_MINE
    colleague = None
    if owner not in OWNERS:
        colleague = selectors.access_colleague(actor, parse_id(owner, name="owner"))
        owner = OWNER_MINE
    kind = query.get("kind", "")
    if kind and kind not in TaskKind.values:
        problems.append(_("That kind of task does not exist: showing every kind."))
        kind = ""
    due = query.get("due", "")
    if due not in DUES:
        problems.append(_("That due filter does not exist: showing any due time."))
        due = ""
    return ParsedFilter(
        chosen=TaskFilter(
            owner=owner,
            colleague=colleague,
            child_id=optional_id(query, "child"),
            kind=kind,
            due=due,
            snoozed=query.get("snoozed") == "1",
        ),
        problems=problems,
    )


def query_of(chosen: TaskFilter) -> dict[str, str]:
    """The filter back as query parameters (ids and fixed words), for page links."""
    params = {
        "owner": str(chosen.colleague.pk) if chosen.colleague else chosen.owner,
        "child": str(chosen.child_id) if chosen.child_id else "",
        "kind": chosen.kind,
        "due": chosen.due,
        "snoozed": "1" if chosen.snoozed else "",
    }
    if params["owner"] == OWNER_MINE:
        params["owner"] = ""
    return {name: value for name, value in params.items() if value}
