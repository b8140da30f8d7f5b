"""Consent: the family's consent to share named items with the named organization, as the
SDOHCC Consent (sdohcc.consent); revoked → `inactive`. A partner's client reads only the
consents of referrals it may read — a revoked one is gone with its referral."""

from typing import Any

from django.db.models import QuerySet

from medhome.referrals.models import ReferralConsent
from medhome.referrals.selectors import partner_view
from medhome.smart.principal import FhirPrincipal

from ..registry import ResourceType, register
from . import referral_rows as r
from . import sdohcc
from .servicerequest import with_minimum_patient


def to_resource(consent: ReferralConsent, principal: FhirPrincipal) -> dict[str, Any]:
    resource = sdohcc.consent(
        consent,
        patient={"reference": f"Patient/{consent.referral.child_id}"},
        organization={
            "reference": f"Organization/{consent.organization_id}",
            "display": str(consent.organization.name),
        },
    )
    if r.is_partner(principal):
        referral = consent.referral
        with_minimum_patient(resource, referral, partner_view(referral), "patient")
    return resource


def prepare(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.select_related("referral", "referral__child", "organization", "given_by_caregiver")


CONSENT = register(
    ResourceType(
        name="Consent",
        model=ReferralConsent,
        rows=r.consents,
        to_resource=to_resource,
        patient_path="referral__child",
        params=dict([r.CONSENT_PATIENT, r.CONSENT_STATUS]),
        profiles=(sdohcc.PROFILE_CONSENT,),
        sorts={"date": "given_at"},
        prepare=prepare,
        updated_field=None,
    )
)
