"""Critical alerts after they are raised: when they escalate, to whom, and who may close them.

docs/clinical-rules.md#critical-answers: an alert stays open until a clinician acknowledges it
with the action taken; unacknowledged after a set time (default 2 business hours, on the
practice calendar), it escalates to the practice's designated on-call clinician. Per practice
(AlertSettings): the roles that may acknowledge (default pediatrician, nurse practitioner,
behavioral health clinician; a practice may add nurses) and the on-call clinician (default the
lead pediatrician). Nobody acknowledges an alert raised by answers they keyed in themselves.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from medhome.audit.models import Action, AuditEvent
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.practices.calendar import add_business_hours, calendar_of
from medhome.practices.models import Membership, Practice
from medhome.tasks.models import TaskKind, TaskPriority
from medhome.tasks.services import cancel_tasks_for, open_task, system_actor

from . import rules
from .models import AlertSettings, CriticalAlert, Mode

ALERT_OBJECT = "critical_alert"
SETTINGS_OBJECT = "alert_settings"
SCREENING_OBJECT = "screening"
# The roles a practice may choose from: those whose capabilities include closing an alert.
ELIGIBLE_ROLES = tuple(
    role for role in Role if Capability.ALERT_ACKNOWLEDGE in ROLE_CAPABILITIES.get(role, ())
)


# --- settings ---------------------------------------------------------------------------------


def settings_for(practice: Practice) -> AlertSettings:
    """The practice's alert settings, created with the defaults the first time."""
    found, _created = AlertSettings.objects.get_or_create(practice=practice)
    return found


def acknowledging_roles(practice: Practice) -> frozenset[str]:
    return frozenset(settings_for(practice).acknowledging_roles) & frozenset(ELIGIBLE_ROLES)


def lead_pediatrician(practice: Practice) -> Any:
    """The practice's lead pediatrician: medhome has no title for it, so the active
    pediatrician with the oldest account stands for it until the practice names an on-call
    clinician on its alert settings page."""
    membership = (
        Membership.objects.active()
        .filter(practice=practice, role=Role.PEDIATRICIAN)
        .select_related("user")
        .order_by("user__date_joined", "user__pk")
        .first()
    )
    return membership.user if membership else None


def on_call_clinician(practice: Practice) -> Any:
    """Whom an overdue alert goes to: the chosen on-call clinician while still an active member
    of the practice, else the lead pediatrician (None when the practice has neither)."""
    chosen = settings_for(practice).on_call_clinician
    if (
        chosen is not None
        and Membership.objects.active().filter(practice=practice, user=chosen).exists()
    ):
        return chosen
    return lead_pediatrician(practice)


@transaction.atomic
def update_alert_settings(
    *,
    actor: Actor,
    acknowledging_roles: Iterable[str],
    on_call_clinician_id: object | None,
    at: datetime,
) -> AlertSettings:
    """A practice admin chooses who may acknowledge and who is on call."""
    if not actor.can(Capability.USERS_MANAGE):
        raise PermissionDenied(_("You cannot change this practice's alert settings."))
    roles = sorted(set(acknowledging_roles))
    errors: dict[str, list[str]] = {}
    if not roles or not set(roles) <= set(ELIGIBLE_ROLES):
        errors["acknowledging_roles"] = [_("Choose at least one clinical role.")]
    clinician = None
    if on_call_clinician_id:
        membership = (
            Membership.objects.active()
            .filter(practice=actor.practice, user_id=on_call_clinician_id)
            .select_related("user")
            .first()
        )
        if membership is None or membership.role not in roles:
            errors["on_call_clinician"] = [
                _("The on-call clinician must be a member whose role may acknowledge alerts.")
            ]
        else:
            clinician = membership.user
    if errors:
        raise ValidationError(errors)
    current = AlertSettings.objects.select_for_update().get(pk=settings_for(actor.practice).pk)
    current.acknowledging_roles = roles
    current.on_call_clinician = clinician
    current.save(update_fields=["acknowledging_roles", "on_call_clinician"])
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=SETTINGS_OBJECT,
        object_id=current.pk,
        at=at,
        practice=actor.practice,
        detail={"fields": ["acknowledging_roles", "on_call_clinician"], "roles": roles},
    )
    return current


# --- who may acknowledge ------------------------------------------------------------------------


def may_acknowledge_in_practice(actor: Actor) -> bool:
    """Whether the actor's role may close the practice's alerts at all."""
    return (
        actor.practice is not None
        and actor.can(Capability.ALERT_ACKNOWLEDGE)
        and actor.role in acknowledging_roles(actor.practice)
    )


def keyed_the_answers(actor: Actor, alert: CriticalAlert) -> bool:
    """Whether the actor keyed in (staff entry) the answers that raised the alert."""
    administration = alert.administration
    user_id = getattr(actor.user, "pk", None)
    if administration.mode != Mode.STAFF_ENTRY or user_id is None:
        return False
    if administration.entered_by_id == user_id:
        return True
    # Someone else may have started the form; whoever saved answers into it keyed them too.
    return (
        AuditEvent.objects.for_object(SCREENING_OBJECT, administration.pk)
        .filter(actor_id=user_id, action=Action.UPDATE)
        .exists()
    )


def refusal(actor: Actor, alert: CriticalAlert) -> str | None:
    """Why the actor may not acknowledge this alert, or None."""
    if not may_acknowledge_in_practice(actor) or alert.practice_id != actor.practice_id:
        return _("Your role cannot acknowledge critical alerts in this practice.")
    if keyed_the_answers(actor, alert):
        return _("You keyed in these answers, so another clinician must acknowledge the alert.")
    return None


def check_may_acknowledge(actor: Actor, alert: CriticalAlert) -> None:
    reason = refusal(actor, alert)
    if reason is not None:
        raise PermissionDenied(reason)


# --- escalation ---------------------------------------------------------------------------------


def escalate_at_for(practice: Practice, raised_at: datetime) -> datetime:
    return add_business_hours(
        raised_at, rules.escalation_business_hours(), calendar=calendar_of(practice)
    )


def escalate_overdue_alerts(*, now: datetime, practice: Practice | None = None) -> int:
    """Escalate every open alert past its time that has not been escalated yet: assign it to the
    practice's on-call clinician, open an urgent task for them, audit both. Idempotent (an
    escalated alert is not escalated again; the task's dedupe key is per alert). How many."""
    overdue = CriticalAlert.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True, escalate_at__lte=now
    )
    if practice is not None:
        overdue = overdue.filter(practice=practice)
    practices = Practice.objects.filter(pk__in=overdue.values("practice"))
    escalated = 0
    for each in practices:
        with transaction.atomic():
            escalated += _escalate_practice(each, overdue.filter(practice=each), now)
    return escalated


def _escalate_practice(practice: Practice, overdue: Any, now: datetime) -> int:
    clinician = on_call_clinician(practice)
    role: str = Role.PEDIATRICIAN
    if clinician is not None:
        membership = Membership.objects.filter(practice=practice, user=clinician).first()
        role = membership.role if membership else role
    escalated = 0
    for alert in overdue.select_for_update().order_by("escalate_at"):
        alert.escalated_at = now
        alert.escalated_to = clinician
        alert.save(update_fields=["escalated_at", "escalated_to"])
        record(
            actor=system_actor(practice),
            action=Action.UPDATE,
            object_type=ALERT_OBJECT,
            object_id=alert.pk,
            at=now,
            practice=practice,
            detail={
                "child": str(alert.child_id),
                "fields": ["escalated_at", "escalated_to"],
                "escalated_to": str(clinician.pk) if clinician else None,
            },
        )
        open_task(
            practice=practice,
            child=alert.child,
            kind=TaskKind.ALERT_ESCALATED,
            due_at=now,
            source_type=ALERT_OBJECT,
            source_id=alert.pk,
            dedupe_key=f"alert:{alert.pk}:escalated",
            at=now,
            priority=TaskPriority.URGENT,
            assignee=clinician,
            assignee_role=role,
        )
        escalated += 1
    return escalated


def settle_tasks_of(alert: CriticalAlert, *, actor: Actor, at: datetime) -> None:
    """The alert was acknowledged: its escalation task needs no more doing."""
    cancel_tasks_for(ALERT_OBJECT, alert.pk, TaskKind.ALERT_ESCALATED, at=at, actor=actor)
