"""The family's consent to share, recorded before sending and revocable at once."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.core.actor import Actor
from medhome.directory.vocabulary import Need
from medhome.families.models import Caregiver

from ..acting import (
    ADOLESCENT_CONSENT_AGE,
    CONSENT_OBJECT,
    CONSENT_REVOKED,
    REFERRAL_OBJECT,
    acting_user,
    audit,
    consent_of,
    locked,
    require_staff,
)
from ..models import (
    ConsentMethod,
    Referral,
    ReferralConsent,
    SharedItem,
)
from ..states import (
    TERMINAL,
    Side,
    Status,
)
from ..states.moves import move


def _age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@transaction.atomic
def record_consent(
    *,
    actor: Actor,
    referral: Referral,
    caregiver: Caregiver | None = None,
    adolescent: bool = False,
    shared_items: list[str],
    notes_to_share: str = "",
    method: str,
    at: datetime,
) -> ReferralConsent:
    """The family's consent to share the named items with the referral's organization.

    Recorded before sending (the referral is a draft). Recording again on a draft replaces the
    earlier consent (a revoked one included): nothing has been shared yet.
    """
    require_staff(actor, referral.practice_id)
    referral = locked(referral)
    if referral.status != Status.DRAFT:
        raise ValidationError(
            _("Consent is recorded before the referral is sent. Start a new referral instead.")
        )
    items = list(dict.fromkeys(shared_items))
    notes_to_share = notes_to_share.strip()
    errors = consent_errors(
        referral,
        caregiver=caregiver,
        adolescent=adolescent,
        items=items,
        notes_to_share=notes_to_share,
        method=method,
        on=at.date(),
    )
    if errors:
        raise ValidationError(errors)
    values = {
        "practice": referral.practice,
        "given_by_caregiver": caregiver,
        "given_by_adolescent": adolescent,
        "organization_id": referral.organization_id,
        "shared_items": sorted(items),
        "notes_to_share": notes_to_share,
        "method": method,
        "recorded_by": acting_user(actor),
        "given_at": at,
        "revoked_at": None,
        "revoked_by": None,
        "revoke_reason": "",
    }
    return store_consent(actor, referral, values, at=at)


def store_consent(
    actor: Actor, referral: Referral, values: dict[str, Any], *, at: datetime
) -> ReferralConsent:
    """Write a checked consent (record_consent's, and the EHR import's: referrals.imported),
    mark the referral the adolescent's own when they consented, and audit both."""
    consent, created = ReferralConsent.objects.update_or_create(referral=referral, defaults=values)
    if values["given_by_adolescent"] and not referral.confidential:
        # The adolescent consented for their own items: from now on the referral is theirs,
        # and stays so even if a later draft consent were recorded differently.
        referral.confidential = True
        referral.save(update_fields=["confidential"])
        audit(
            actor,
            Action.UPDATE,
            REFERRAL_OBJECT,
            referral.pk,
            practice=referral.practice,
            at=at,
            fields=["confidential"],
        )
    audit(
        actor,
        Action.CREATE if created else Action.UPDATE,
        CONSENT_OBJECT,
        consent.pk,
        practice=referral.practice,
        at=at,
        fields=[k.removesuffix("_id") for k in values if k != "practice"],
    )
    return consent


def consent_errors(
    referral: Referral,
    *,
    caregiver: Caregiver | None,
    adolescent: bool,
    items: list[str],
    notes_to_share: str,
    method: str,
    on: date,
) -> dict[str, list[str]]:
    """What is wrong with this consent for this referral (docs/clinical-rules.md
    #referral-consent), by field; empty when nothing is."""
    errors: dict[str, list[str]] = {}
    if (caregiver is None) == (not adolescent):
        errors["given_by"] = [
            _("Say who gave consent: a caregiver, or the adolescent for their own items.")
        ]
    elif caregiver is not None and referral.is_confidential:
        # Consent belongs to whoever the shared data is about
        # (docs/clinical-rules.md#referral-consent).
        errors["given_by"] = [
            _(
                "This referral comes from the adolescent's own confidential screen: only the "
                "adolescent can consent to share it. A caregiver's consent cannot be recorded."
            )
        ]
    elif caregiver is not None and (
        caregiver.practice_id != referral.practice_id
        or caregiver.family_id != referral.child.family_id
    ):
        errors["given_by"] = [_("That caregiver is not in this child's family.")]
    elif adolescent and _age_in_years(referral.child.date_of_birth, on) < ADOLESCENT_CONSENT_AGE:
        errors["given_by"] = [
            _("Only an adolescent (%(age)s or older) consents for their own items.")
            % {"age": ADOLESCENT_CONSENT_AGE}
        ]
    if unknown := [item for item in items if item not in SharedItem.values]:
        errors["shared_items"] = [
            _("These cannot be shared: %(items)s.") % {"items": ", ".join(map(str, unknown))}
        ]
    elif SharedItem.NEED not in items:
        errors["shared_items"] = [
            _("The organization must at least learn the need; otherwise do not send it.")
        ]
    elif referral.need == Need.SAFETY and SharedItem.CONTACT in items:
        # §7: a safety referral never uses a channel the family has not marked safe, and the
        # family record cannot mark a channel safe yet, so no contact is shared.
        errors["shared_items"] = [
            _(
                "For a safety referral medhome shares no contact details: it cannot yet record "
                "which phone or address is safe. Let the family contact the organization."
            )
        ]
    if notes_to_share and SharedItem.NOTES not in items:
        errors["notes_to_share"] = [_("Tick “notes” if the family agreed to share these words.")]
    if method not in ConsentMethod.values:
        errors["method"] = [_("Say how consent was given: verbal, written or portal.")]
    return errors


@transaction.atomic
def revoke_consent(*, actor: Actor, referral: Referral, reason: str, at: datetime) -> Referral:
    """The family withdraws consent: the organization's access ends at once (partner selectors
    and services read the revocation), and a referral still under way is cancelled."""
    require_staff(actor, referral.practice_id)
    referral = locked(referral)
    consent = consent_of(referral)
    if consent is None or not consent.is_active:
        raise ValidationError(_("There is no consent in force to revoke."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why consent is revoked.")]})
    consent.revoked_at = at
    consent.revoked_by = acting_user(actor)
    consent.revoke_reason = reason.strip()[:500]
    consent.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit(
        actor,
        Action.UPDATE,
        CONSENT_OBJECT,
        consent.pk,
        practice=referral.practice,
        at=at,
        fields=["revoked_at", "revoked_by", "revoke_reason"],
    )
    # A draft has reached no one, and draft → cancelled is not in the table (§7): it stays a
    # draft that cannot be sent without a new consent.
    if referral.status not in TERMINAL and referral.status != Status.DRAFT:
        move(
            actor,
            referral,
            Status.CANCELLED,
            side=Side.PRACTICE,
            reason=CONSENT_REVOKED,
            at=at,
        )
    return referral
