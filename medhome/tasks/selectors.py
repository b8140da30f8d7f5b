"""Reads of tasks, always through the practice scope (another practice's task is a 404)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Practice
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
