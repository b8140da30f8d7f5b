"""Consent to be texted or emailed, and the practice's opt-out list (STOP / START)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Caregiver
from medhome.practices.models import Practice

from ..models import ConsentChannel, ConsentMethod, ContactConsent, OptOut
from .common import system_actor

CONSENT_OBJECT = "messaging.consent"
OPT_OUT_OBJECT = "messaging.optout"


def record_consent(
    *,
    actor: Actor,
    caregiver: Caregiver,
    channel: str,
    granted: bool,
    method: str,
    at: datetime,
) -> ContactConsent:
    """A caregiver's decision about a channel: the latest one is in force."""
    if actor.role != system_actor(caregiver.practice).role and (
        not actor.can(Capability.FAMILY_EDIT) or actor.practice_id != caregiver.practice_id
    ):
        raise PermissionDenied
    if channel not in ConsentChannel.values or method not in ConsentMethod.values:
        raise ValidationError(_("Choose a channel and how the family said so."))
    with transaction.atomic():
        consent = ContactConsent.objects.create(
            practice_id=caregiver.practice_id,
            caregiver=caregiver,
            channel=channel,
            granted=granted,
            method=method,
            recorded_by=actor.user,
            recorded_at=at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=CONSENT_OBJECT,
            object_id=consent.pk,
            at=at,
            detail={"caregiver": str(caregiver.pk), "channel": channel, "granted": granted},
        )
    return consent


def opt_out(*, practice: Practice, phone: str, at: datetime) -> OptOut:
    """The number gets nothing more from the practice (STOP, or the provider says so)."""
    with transaction.atomic():
        row, created = OptOut.objects.select_for_update().get_or_create(
            practice=practice, phone=phone, defaults={"opted_out_at": at}
        )
        if not created and not row.active:
            row.active, row.opted_out_at, row.opted_in_at = True, at, None
            row.save(update_fields=["active", "opted_out_at", "opted_in_at"])
        elif not created:
            return row
        record(
            actor=system_actor(practice),
            action=Action.UPDATE,
            object_type=OPT_OUT_OBJECT,
            object_id=row.pk,
            at=at,
            detail={"active": True},
        )
    return row


def opt_in(*, practice: Practice, phone: str, at: datetime) -> bool:
    """START: the number may be texted again. True when it had opted out."""
    with transaction.atomic():
        row = OptOut.objects.select_for_update().filter(practice=practice, phone=phone).first()
        if row is None or not row.active:
            return False
        row.active, row.opted_in_at = False, at
        row.save(update_fields=["active", "opted_in_at"])
        record(
            actor=system_actor(practice),
            action=Action.UPDATE,
            object_type=OPT_OUT_OBJECT,
            object_id=row.pk,
            at=at,
            detail={"active": False},
        )
    return True
