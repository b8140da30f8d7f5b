"""Follow-up tasks for referrals that stall (docs/clinical-rules.md#referral-follow-up)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from medhome.practices.calendar import Calendar, calendar_of
from medhome.practices.models import Practice
from medhome.tasks.models import TaskKind
from medhome.tasks.selectors import open_source_ids
from medhome.tasks.services import cancel_tasks_for, open_task

from ..acting import (
    TASK_SOURCE,
)
from ..followup import close_due, response_due
from ..models import (
    Priority,
    Referral,
    ReferralSettings,
)
from ..states import (
    AWAITING_RESPONSE,
    TERMINAL,
    Status,
)
from .follow_up_settings import settings_for


@dataclass(frozen=True)
class _Due:
    kind: str
    due_at: datetime


def _task_details(referral: Referral, kind: str, settings: ReferralSettings) -> dict[str, Any]:
    """The words of the task's sentence (tasks.kinds builds it in the reader's language): the
    organization's name and the wait, never the family's or the child's."""
    details: dict[str, Any] = {"organization": referral.organization.name}
    if kind == TaskKind.REFERRAL_NO_RESPONSE:
        if referral.priority == Priority.URGENT:
            details["hours"] = settings.urgent_response_hours
        else:
            details["business_days"] = settings.response_business_days
    else:
        details["days"] = settings.close_days
    return details


def _dues(
    referral: Referral, settings: ReferralSettings, calendar: Calendar, now: datetime
) -> list[_Due]:
    dues = []
    if referral.status in AWAITING_RESPONSE and referral.first_response_at is None:
        due = response_due(referral, settings, calendar=calendar)
        if due is not None and due <= now:
            dues.append(_Due(TaskKind.REFERRAL_NO_RESPONSE, due))
    if referral.status not in TERMINAL:
        due = close_due(referral, settings)
        if due is not None and due <= now:
            dues.append(_Due(TaskKind.REFERRAL_NOT_CLOSED, due))
    return dues


def sweep_follow_ups(*, now: datetime, practice: Practice | None = None) -> int:
    """Open the care coordinator's follow-up tasks that are due (§7), for every practice or one;
    cancel those of referrals that have since closed. Idempotent: the tasks' dedupe keys are
    f"referral:{id}:{kind}". Returns how many tasks were created."""
    practices = (
        Practice.objects.filter(pk__in=Referral.objects.values("practice"))
        if practice is None
        else [practice]
    )
    created = 0
    for each in practices:
        with transaction.atomic():
            created += _sweep_practice(each, now)
    return created


def _sweep_practice(practice: Practice, now: datetime) -> int:
    settings = settings_for(practice)
    calendar = calendar_of(practice)
    created = 0
    # Anything sent and not closed may be due; the exact rules run per row below. A response
    # due after N business days is never earlier than N calendar days, so the window is safe.
    candidates = (
        # An imported referral is another system's record: no follow-up tasks.
        Referral.objects.native()
        .for_practice(practice)
        .filter(requested_at__isnull=False, requested_at__lte=now)
        .exclude(status__in=[*TERMINAL, Status.DRAFT])
        .select_related("organization", "child")
    )
    for referral in candidates.iterator():
        for due in _dues(referral, settings, calendar, now):
            _, was_created = open_task(
                practice=practice,
                child=referral.child,
                kind=due.kind,
                details=_task_details(referral, due.kind, settings),
                due_at=due.due_at,
                source_type=TASK_SOURCE,
                source_id=referral.pk,
                dedupe_key=f"referral:{referral.pk}:{due.kind}",
                at=now,
            )
            created += was_created
    # A referral closed by a path that did not settle its tasks (or before this code existed).
    open_sources = open_source_ids(practice=practice, source_type=TASK_SOURCE)
    if open_sources:
        closed = Referral.objects.for_practice(practice).filter(
            pk__in=list(open_sources), status__in=TERMINAL
        )
        for referral_id in closed.values_list("pk", flat=True):
            cancel_tasks_for(TASK_SOURCE, referral_id, at=now)
    return created
