"""Follow-up tasks for referrals that stall (docs/clinical-rules.md#referral-follow-up)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from medhome.practices.models import Practice
from medhome.tasks.models import Task, TaskKind, TaskStatus
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

# --- follow-ups -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    kind: str
    due_at: datetime


def _task_title(referral: Referral, kind: str, settings: ReferralSettings) -> str:
    words = {"need": referral.get_need_display(), "organization": referral.organization.name}
    if kind == TaskKind.REFERRAL_NO_RESPONSE:
        if referral.priority == Priority.URGENT:
            words["wait"] = _("%(n)s hours") % {"n": settings.urgent_response_hours}
        else:
            words["wait"] = _("%(n)s business days") % {"n": settings.response_business_days}
        return (
            _(
                "%(need)s referral to %(organization)s: no response after %(wait)s. "
                "Call the organization or the family."
            )
            % words
        )
    words["days"] = str(settings.close_days)
    return (
        _(
            "%(need)s referral to %(organization)s: not closed after %(days)s days. "
            "Ask the organization and the family how it went."
        )
        % words
    )


def _dues(referral: Referral, settings: ReferralSettings, now: datetime) -> list[_Due]:
    dues = []
    if referral.status in AWAITING_RESPONSE and referral.first_response_at is None:
        due = response_due(referral, settings)
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
    created = 0
    # Anything sent and not closed may be due; the exact rules run per row below. A response
    # due after N business days is never earlier than N calendar days, so the window is safe.
    candidates = (
        Referral.objects.for_practice(practice)
        .filter(requested_at__isnull=False, requested_at__lte=now)
        .exclude(status__in=[*TERMINAL, Status.DRAFT])
        .select_related("organization", "child")
    )
    for referral in candidates.iterator():
        for due in _dues(referral, settings, now):
            _, was_created = open_task(
                practice=practice,
                child=referral.child,
                kind=due.kind,
                title=_task_title(referral, due.kind, settings),
                due_at=due.due_at,
                source_type=TASK_SOURCE,
                source_id=referral.pk,
                dedupe_key=f"referral:{referral.pk}:{due.kind}",
                at=now,
            )
            created += was_created
    # A referral closed by a path that did not settle its tasks (or before this code existed).
    open_sources = set(
        Task.objects.for_practice(practice)
        .filter(source_type=TASK_SOURCE, status=TaskStatus.OPEN)
        .values_list("source_id", flat=True)
    )
    if open_sources:
        closed = Referral.objects.for_practice(practice).filter(
            pk__in=list(open_sources), status__in=TERMINAL
        )
        for referral_id in closed.values_list("pk", flat=True):
            cancel_tasks_for(TASK_SOURCE, referral_id, at=now)
    return created
