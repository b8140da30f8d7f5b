"""Reads of the contact consents: a caregiver's history and the decision in force per channel,
for the chart and the consent page (scoped to the actor's practice)."""

from dataclasses import dataclass
from uuid import UUID

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child
from medhome.practices.scoping import get_scoped, scoped

from .models import ConsentChannel, ContactConsent


@dataclass(frozen=True)
class CaregiverConsents:
    caregiver: Caregiver
    # Channel → the decision in force (the latest row), or None when never asked.
    in_force: dict[str, ContactConsent | None]


def caregiver_of_child(actor: Actor, child: Child, caregiver_id: UUID) -> Caregiver:
    """A caregiver of the child's own family (404 for another family's or practice's)."""
    return get_scoped(
        actor, Caregiver, need=Capability.FAMILY_EDIT, pk=caregiver_id, family_id=child.family_id
    )


def consent_history(actor: Actor, caregiver: Caregiver) -> list[ContactConsent]:
    """Every decision of the caregiver, the latest first (who recorded it, how, when)."""
    return list(
        scoped(actor, ContactConsent, need=Capability.CHART_READ)
        .filter(caregiver=caregiver)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def in_force(history: list[ContactConsent]) -> dict[str, ContactConsent | None]:
    """Channel → the decision in force, from a history ordered latest first."""
    found: dict[str, ContactConsent | None] = dict.fromkeys(ConsentChannel.values)
    for row in history:
        if found.get(row.channel) is None:
            found[row.channel] = row
    return found


def family_consents(actor: Actor, caregivers: list[Caregiver]) -> list[CaregiverConsents]:
    """Each caregiver with the decisions in force. One query for all of them."""
    rows = list(
        scoped(actor, ContactConsent, need=Capability.CHART_READ)
        .filter(caregiver__in=[c.pk for c in caregivers])
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    return [
        CaregiverConsents(
            caregiver=caregiver,
            in_force=in_force([row for row in rows if row.caregiver_id == caregiver.pk]),
        )
        for caregiver in caregivers
    ]
