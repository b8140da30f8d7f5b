"""Concrete supports (domain-reference §14: DULCE and CHWs help families get WIC, SNAP,
Medicaid/CHIP, child care subsidy, utility assistance, housing): named at a program contact and
carried by referrals of the existing loop — the family's consent, the organization's answer and
the loop's closure are the referral's, never copied here. The legal partner's part (a denied
benefit, a shut-off, an eviction) is a second referral, for the need "legal".

Whether the family got the support is read from its referral at display time (`status_of`).
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.referrals.models import Referral
from medhome.referrals.services import start_referral
from medhome.referrals.states import Outcome, Status

from . import definitions as d
from .models import ConcreteSupport, Contact
from .services import CONTACT_OBJECT, _audit

SUPPORT_OBJECT = "concrete_support"

# Where a support stands, from its referral (the loop's states; clinical-rules#programs).
STATUS_LABELS = {
    "not_referred": gettext_lazy("Needed — not referred yet"),
    "drafted": gettext_lazy("Referral drafted — waiting for the family's consent"),
    "in_progress": gettext_lazy("Referred — in progress"),
    "received": gettext_lazy("Received"),
    "not_received": gettext_lazy("Not received"),
}
RECEIVED_OUTCOMES = {Outcome.NEED_MET, Outcome.PARTLY_MET}
CLOSED = {
    Status.COMPLETED,
    Status.FAILED,
    Status.REJECTED,
    Status.CANCELLED,
    Status.ENTERED_IN_ERROR,
}


def status_of(referral: Referral | None) -> str:
    if referral is None:
        return "not_referred"
    if referral.status == Status.DRAFT:
        return "drafted"
    if referral.status not in CLOSED:
        return "in_progress"
    return "received" if referral.outcome in RECEIVED_OUTCOMES else "not_received"


def _reason(support: str, legal: bool) -> str:
    label = str(d.SUPPORTS[support])
    if legal:
        return _("Legal help to get %(support)s (named at a program contact).") % {"support": label}
    return _("%(support)s (named at a program contact).") % {"support": label}


@transaction.atomic
def note_supports(
    *,
    actor: Actor,
    contact: Contact,
    supports: list[str],
    organization: Any = None,
    legal_organization: Any = None,
    at: datetime,
) -> list[ConcreteSupport]:
    """Record the supports the family needs, named at this contact. With an organization each
    starts a draft referral (which still asks the family's consent before it is sent); with a
    legal organization each gets the legal partner's referral too. All or nothing."""
    if not actor.can(Capability.PROGRAM_WORK) or actor.practice_id != contact.practice_id:
        raise PermissionDenied(_("You cannot change this practice's programs."))
    if not supports:
        raise ValidationError({"supports": [_("Choose at least one support the family needs.")]})
    unknown = [support for support in supports if support not in d.SUPPORTS]
    if unknown:
        raise ValidationError({"supports": [_("Choose supports from the list.")]})
    if legal_organization is not None and not actor.can(Capability.REFERRAL_SEND):
        raise PermissionDenied(_("You cannot refer families of this practice."))
    rows = []
    for support in dict.fromkeys(supports):
        referral = legal = None
        if organization is not None:
            referral = start_referral(
                actor=actor,
                child=contact.child,
                need=d.SUPPORT_NEEDS[support],
                organization=organization,
                reason=_reason(support, legal=False),
                at=at,
            )
        if legal_organization is not None:
            legal = start_referral(
                actor=actor,
                child=contact.child,
                need=d.LEGAL_NEED,
                organization=legal_organization,
                reason=_reason(support, legal=True),
                at=at,
            )
        rows.append(
            ConcreteSupport.objects.create(
                practice=contact.practice,
                contact=contact,
                child=contact.child,
                support=support,
                referral=referral,
                legal_referral=legal,
                noted_on=contact.on,
            )
        )
    _audit(
        actor,
        "update",
        CONTACT_OBJECT,
        contact,
        at,
        supports=len(rows),
        child=str(contact.child_id),
    )
    return rows


@transaction.atomic
def link_referral(
    *, actor: Actor, support: ConcreteSupport, referral: Referral, legal: bool = False, at: datetime
) -> ConcreteSupport:
    """A support noted before the team chose an organization: the referral made later through
    the referral pages carries it from now on."""
    if not actor.can(Capability.PROGRAM_WORK) or actor.practice_id != support.practice_id:
        raise PermissionDenied(_("You cannot change this practice's programs."))
    if referral.child_id != support.child_id:
        raise ValidationError(_("That referral belongs to another child."))
    expected = d.LEGAL_NEED if legal else d.SUPPORT_NEEDS[support.support]
    if referral.need != expected:
        raise ValidationError(_("That referral is for another need."))
    field = "legal_referral" if legal else "referral"
    setattr(support, field, referral)
    support.save(update_fields=[field])
    _audit(actor, "update", SUPPORT_OBJECT, support, at, fields=[field])
    return support
