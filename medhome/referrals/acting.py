"""Who may act on a referral, and the small steps every referral service shares.

Practice staff need REFERRAL_SEND in the referral's practice; an organization's staff
(actor.is_partner) need REFERRAL_RESPOND, an active membership of the organization the
referral is addressed to, and the family's consent still standing
(docs/clinical-rules.md#referral-consent). The audit trail of the referral's practice records both
sides' actions, field names only.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.practices.models import Practice

from .models import (
    Referral,
    ReferralConsent,
)
from .selectors import has_active_partner_membership
from .states import (
    Side,
    Status,
)

REFERRAL_OBJECT = "referral"
CONSENT_OBJECT = "referral_consent"
MESSAGE_OBJECT = "referral_message"
TASK_SOURCE = "referral"
# Kept in the record as data (both sides read it), so not translated at write time.
CONSENT_REVOKED = "consent revoked"
# Confidentiality follows the respondent from the 11-year visit on
# (docs/clinical-rules.md#adolescent-confidentiality): an adolescent may consent for their own
# confidential items from then.
ADOLESCENT_CONSENT_AGE = 11
MESSAGE_MAX_LENGTH = 5000


STATUS_CHOICES = Status.choices


class StaleReferral(ValidationError):
    """Someone else changed this referral since the page was opened."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this referral since you opened it. Reload and try again."),
            code="stale",
        )


def acting_user(actor: Actor) -> Any:
    return actor.user if getattr(actor.user, "pk", None) else None


def require_staff(actor: Actor, practice_id: Any) -> None:
    if (
        actor.is_partner
        or not actor.can(Capability.REFERRAL_SEND)
        or practice_id != actor.practice_id
        or acting_user(actor) is None
    ):
        raise PermissionDenied(_("You cannot refer families of this practice."))


def require_partner(actor: Actor, referral: Referral) -> None:
    """The organization's staff reach a referral addressed to them, sent, while consent stands."""
    consent = consent_of(referral)
    if (
        not actor.is_partner
        or not actor.can(Capability.REFERRAL_RESPOND)
        or referral.organization_id != getattr(actor.organization, "pk", None)
        or referral.status in (Status.DRAFT, Status.ENTERED_IN_ERROR)
        or consent is None
        or not consent.is_active
        or consent.organization_id != referral.organization_id
        or not has_active_partner_membership(actor.user, actor.organization)
    ):
        raise PermissionDenied(_("This referral is not open to your organization."))


def side_of(actor: Actor, referral: Referral) -> str:
    if actor.is_partner:
        require_partner(actor, referral)
        return Side.ORGANIZATION
    require_staff(actor, referral.practice_id)
    return Side.PRACTICE


def actor_label(actor: Actor, side: str, referral: Referral) -> str:
    if side == Side.ORGANIZATION:
        return str(referral.organization.name)[:200]
    user = acting_user(actor)
    return str(user)[:200] if user else actor.role or "system"


def consent_of(referral: Referral) -> ReferralConsent | None:
    try:
        return ReferralConsent.objects.get(referral_id=referral.pk)
    except ReferralConsent.DoesNotExist:
        return None


def locked(referral: Referral) -> Referral:
    return (
        # Only the referral's row: a lock on the joined practice row (FOR UPDATE locks every
        # joined row) waited on by another request's audit insert, whose foreign-key check
        # takes it after the audit head, made a deadlock under load (docs/benchmarks.md, Load).
        Referral.objects.select_for_update(of=("self",))
        .select_related("organization", "practice", "child")
        .get(pk=referral.pk)
    )


def audit(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    *,
    practice: Practice,
    at: datetime,
    fields: list[str],
) -> None:
    record(
        actor=actor,
        action=Action(action),
        object_type=object_type,
        object_id=object_id,
        at=at,
        practice=practice,
        detail={"fields": sorted(set(fields))},
    )
