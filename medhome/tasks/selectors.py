"""Reads of tasks, always through the practice scope (another practice's task is a 404)."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from medhome.accounts.roles import ROLE_CAPABILITIES, Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Membership, MembershipQuerySet, Practice
from medhome.practices.scoping import get_scoped, scoped

from .models import Task, TaskStatus

READ = Capability.CHART_READ


def open_tasks(actor: Actor, *, assignee: Any = None, role: str | None = None) -> QuerySet[Task]:
    """Open tasks of the actor's practice, urgent first, then soonest due.

    `assignee`: only that user's; `role`: those for the role that nobody has taken yet plus
    those assigned to `assignee` (a coordinator's own list is both).
    """
    tasks = scoped(actor, Task, need=READ).filter(status=TaskStatus.OPEN)
    if role is not None:
        unassigned = Q(assignee__isnull=True, assignee_role=role)
        tasks = tasks.filter(unassigned | Q(assignee=assignee) if assignee else unassigned)
    elif assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    # Urgent first (an escalated alert must not be row 90 of 90), then soonest due: "urgent"
    # sorts after "routine", so descending puts it first (issue 17 may add more priorities).
    return tasks.select_related("child", "assignee").order_by("-priority", "due_at", "created_at")


def access_task(actor: Actor, task_id: UUID | str) -> Task:
    """The task, or 404 (another practice's, missing, or a malformed id alike)."""
    try:
        return get_scoped(actor, Task, need=READ, pk=task_id)
    except ValidationError as malformed:
        raise Http404 from malformed


def tasks_of_child(actor: Actor, child: Child) -> QuerySet[Task]:
    """All of a child's tasks, open ones first."""
    return (
        scoped(actor, Task, need=READ)
        .filter(child=child)
        .select_related("assignee", "completed_by")
        .order_by("-status", "due_at")
    )


def open_source_ids(*, practice: Practice, source_type: str) -> set[str]:
    """The ids of the sources of one type that have an open task (for a sweep's clean-up)."""
    return set(
        Task.objects.for_practice(practice)
        .filter(source_type=source_type, status=TaskStatus.OPEN)
        .values_list("source_id", flat=True)
    )


def overdue_open(*, kind: str, due_before: Any) -> QuerySet[Task]:
    """Every practice's open tasks of one kind due before a moment, oldest first (a sweep on
    the worker, acting for medhome itself, e.g. the escalation of crisis texts)."""
    return (
        Task.objects.filter(kind=kind, status=TaskStatus.OPEN, due_at__lte=due_before)
        .select_related("practice", "child")
        .order_by("due_at", "pk")
    )


def done_for_sources(
    actor: Actor,
    *,
    source_type: str,
    source_ids: list[str],
    kind: str,
    outcomes: Collection[str] | None = None,
) -> dict[str, Any]:
    """When each source's task of one kind was closed as done (the earliest), by source id —
    one query for a page of many sources (the billing summary's transitional-care contact).
    `outcomes`: only tasks closed with one of these (a task closed as "could not reach the
    family" is done, but no contact happened); a task closed before outcomes existed has none."""
    done: dict[str, Any] = {}
    rows = (
        scoped(actor, Task, need=READ)
        .filter(
            source_type=source_type,
            source_id__in=source_ids,
            kind=kind,
            status=TaskStatus.DONE,
        )
        .filter(Q(outcome__in=[*outcomes, ""]) if outcomes is not None else Q())
        .order_by("completed_at")
        .values_list("source_id", "completed_at")
    )
    for source_id, completed_at in rows:
        done.setdefault(source_id, completed_at)
    return done


# My tasks' filters, as they arrive in the query string (ids and fixed words only, never names).
OWNER_MINE = "mine"  # mine, plus those nobody has taken yet for my role (the default)
OWNER_ME = "me"
OWNER_ROLE = "role"  # nobody has taken them yet, for my role
OWNER_UNASSIGNED = "unassigned"  # nobody has taken them yet, any role
OWNER_EVERYONE = "everyone"
OWNERS = (OWNER_MINE, OWNER_ME, OWNER_ROLE, OWNER_UNASSIGNED, OWNER_EVERYONE)

DUE_ANY = ""
DUE_OVERDUE = "overdue"
DUE_TODAY = "today"  # due by the end of today, overdue included
DUE_WEEK = "week"  # due within the next 7 days, overdue included
DUES = (DUE_ANY, DUE_OVERDUE, DUE_TODAY, DUE_WEEK)


@dataclass(frozen=True)
class TaskFilter:
    owner: str = OWNER_MINE
    colleague: Membership | None = None  # a named colleague's tasks (owner is ignored)
    child_id: UUID | None = None
    kind: str = ""
    due: str = DUE_ANY
    snoozed: bool = False  # also the tasks put aside until later


def my_tasks(actor: Actor, chosen: TaskFilter, *, now: datetime) -> QuerySet[Task]:
    """The open tasks My tasks shows for `chosen`, urgent first, then soonest due.

    A snoozed task is left out until its moment has passed (then it is back by itself), unless
    the person asks to see the snoozed ones too.
    """
    tasks = scoped(actor, Task, need=READ).filter(status=TaskStatus.OPEN)
    me = actor.user
    if chosen.colleague is not None:
        tasks = tasks.filter(assignee_id=chosen.colleague.user_id)
    elif chosen.owner == OWNER_ME:
        tasks = tasks.filter(assignee=me)
    elif chosen.owner == OWNER_ROLE:
        tasks = tasks.filter(assignee__isnull=True, assignee_role=actor.role)
    elif chosen.owner == OWNER_UNASSIGNED:
        tasks = tasks.filter(assignee__isnull=True)
    elif chosen.owner != OWNER_EVERYONE:
        tasks = tasks.filter(Q(assignee=me) | Q(assignee__isnull=True, assignee_role=actor.role))
    if chosen.child_id is not None:
        tasks = tasks.filter(child_id=chosen.child_id)
    if chosen.kind:
        tasks = tasks.filter(kind=chosen.kind)
    if chosen.due == DUE_OVERDUE:
        tasks = tasks.filter(due_at__lt=now)
    elif chosen.due in (DUE_TODAY, DUE_WEEK):
        days = 1 if chosen.due == DUE_TODAY else 7
        tomorrow = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        tasks = tasks.filter(due_at__lt=tomorrow + timedelta(days=days))
    if not chosen.snoozed:
        tasks = tasks.filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now))
    return tasks.select_related("child", "assignee").order_by("-priority", "due_at", "created_at")


def open_tasks_of_child(actor: Actor, child: Child, *, limit: int) -> list[Task]:
    """A child's open tasks for the chart (snoozed ones too, marked), urgent first."""
    return list(
        scoped(actor, Task, need=READ)
        .filter(child=child, status=TaskStatus.OPEN)
        .select_related("assignee")
        .order_by("-priority", "due_at", "created_at")[:limit]
    )


# The roles a task may go to: those that may read tasks.
TASK_ROLES = tuple(role for role, caps in ROLE_CAPABILITIES.items() if READ in caps)


def colleagues(actor: Actor) -> MembershipQuerySet:
    """The actor's practice's active staff who may work tasks (for reassigning and filters)."""
    return (
        Membership.objects.active()
        .filter(practice_id=actor.practice_id, role__in=TASK_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def access_colleague(actor: Actor, membership_id: UUID) -> Membership:
    """A colleague by membership id, or 404 (another practice's, gone, or not working tasks)."""
    membership = colleagues(actor).filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


def done_at_of(task_ids: list[Any]) -> dict[Any, Any]:
    """{task id: when it was closed as done} for those of the ids closed as done (a producer
    that keeps its tasks' ids, e.g. nextsteps, learns which of its work was done)."""
    if not task_ids:
        return {}
    return dict(
        Task.objects.filter(pk__in=task_ids, status=TaskStatus.DONE).values_list(
            "pk", "completed_at"
        )
    )
