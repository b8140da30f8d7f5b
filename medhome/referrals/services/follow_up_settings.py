"""The practice's referral follow-up settings."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.core.actor import Actor
from medhome.practices.models import Practice

from ..acting import (
    audit,
)
from ..models import (
    ReferralSettings,
)


def settings_for(practice: Practice) -> ReferralSettings:
    """The practice's follow-up settings, created with the defaults the first time."""
    settings, _created = ReferralSettings.objects.get_or_create(practice=practice)
    return settings


@transaction.atomic
def update_settings(
    *,
    actor: Actor,
    response_business_days: int,
    close_days: int,
    urgent_response_hours: int,
    at: datetime,
) -> ReferralSettings:
    """Change the practice's follow-up rules (those who curate the partner list may). Its
    holidays and working days are the practice calendar's (staff.services.update_calendar)."""
    if actor.is_partner or not actor.can(Capability.DIRECTORY_CURATE):
        raise PermissionDenied(_("You cannot change this practice's referral settings."))
    errors: dict[str, list[str]] = {}
    if not 1 <= response_business_days <= 30:
        errors["response_business_days"] = [_("Between 1 and 30 business days.")]
    if not 1 <= close_days <= 365:
        errors["close_days"] = [_("Between 1 and 365 days.")]
    if not 1 <= urgent_response_hours <= 72:
        errors["urgent_response_hours"] = [_("Between 1 and 72 hours.")]
    if errors:
        raise ValidationError(errors)
    settings = ReferralSettings.objects.select_for_update().get(pk=settings_for(actor.practice).pk)
    settings.response_business_days = response_business_days
    settings.close_days = close_days
    settings.urgent_response_hours = urgent_response_hours
    settings.save()
    audit(
        actor,
        Action.UPDATE,
        "referral_settings",
        settings.pk,
        practice=actor.practice,
        at=at,
        fields=["response_business_days", "close_days", "urgent_response_hours"],
    )
    return settings
