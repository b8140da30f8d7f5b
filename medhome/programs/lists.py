"""The reads behind the practice's programs pages: the programs with their enrolled counts, a
program's enrolments by status and tier, and one page of the eligible children it has not
reached — audited like the other lists of children (measures' children behind a figure): one
event naming the program, the bounds and the children shown. Each a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from medhome.accounts.roles import Role
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.practices.scoping import scoped

from . import definitions as d
from .models import Contact, Enrolment, EnrolmentStatus, Program
from .selectors import READ, eligible_not_reached

PAGE_SIZE = 50
NOT_REACHED_OBJECT = "program_not_reached"


def programs_with_counts(actor: Actor) -> QuerySet[Program]:
    """Every program of the practice, running or stopped, with how many families are enrolled."""
    return (
        scoped(actor, Program, need=READ)
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status="enrolled")))
        .order_by("-is_active", "key")
    )


def not_added(actor: Actor) -> list[d.Definition]:
    """The shipped definitions the practice does not run yet (one query)."""
    added = set(scoped(actor, Program, need=READ).values_list("key", flat=True))
    return [definition for key, definition in d.catalogue().items() if key not in added]


def role_labels(roles: list[str]) -> list[str]:
    return [str(Role(role).label) if role in Role.values else role for role in roles]


@dataclass(frozen=True)
class Counts:
    by_status: list[tuple[str, int]]  # (label, count), in the statuses' order
    by_tier: list[tuple[str, int]]  # open enrolments per tier
    reached_lately: int | None  # a universal program: children with a contact in its interval


def counts(actor: Actor, program: Program, *, today: date) -> Counts:
    rows = (
        scoped(actor, Enrolment, need=READ)
        .filter(program=program)
        .values("status", "tier")
        .annotate(n=Count("pk"))
        .order_by()
    )
    status_totals: dict[str, int] = {}
    tier_totals: dict[str, int] = {}
    for row in rows:
        status_totals[row["status"]] = status_totals.get(row["status"], 0) + row["n"]
        if row["status"] == EnrolmentStatus.ENROLLED and row["tier"]:
            tier_totals[row["tier"]] = tier_totals.get(row["tier"], 0) + row["n"]
    reached = None
    if program.universal:
        since = today - timedelta(days=program.contact_every_days or 365)
        reached = (
            scoped(actor, Contact, need=READ)
            .filter(program=program, on__gt=since)
            .values("child")
            .distinct()
            .count()
        )
    return Counts(
        by_status=[(str(s.label), status_totals.get(s.value, 0)) for s in EnrolmentStatus],
        by_tier=[(str(t["name"]), tier_totals.get(t["key"], 0)) for t in program.tiers],
        reached_lately=reached,
    )


def not_reached_page(
    actor: Actor,
    program: Program,
    *,
    today: date,
    min_age_days: int | None,
    max_age_days: int | None,
    page_number: Any,
    bounds: dict[str, Any],
    at: datetime,
) -> Page:
    """One page (PAGE_SIZE) of the eligible children the program has not reached, and its audit
    event: a count, the page's rows and one insert, whatever the page size."""
    children = eligible_not_reached(
        actor, program, today=today, min_age_days=min_age_days, max_age_days=max_age_days
    )
    page = Paginator(children, PAGE_SIZE).get_page(page_number)
    listed = list(page.object_list)
    page.object_list = listed
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=NOT_REACHED_OBJECT,
        object_id=program.pk,
        at=at,
        practice=actor.practice,
        detail={
            "bounds": bounds,
            "page": page.number,
            "count": page.paginator.count,
            "children": [str(child.pk) for child in listed],
        },
    )
    return page
