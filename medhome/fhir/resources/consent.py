"""Consent: the family's consent to share named items with the named organization, as the
SDOHCC Consent (sdohcc.consent); revoked → `inactive`. A partner's client reads only the
consents of referrals it may read — a revoked one is gone with its referral."""

from typing import Any

from django.db.models import QuerySet

from medhome.referrals.fhir_codes import (
    CONSENT_METHOD_SYSTEM,
    CONSENT_NOTES_EXTENSION,
    security_labels,
    tag,
)
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
    else:
        practice_reading(resource, consent)
    return resource


def practice_reading(resource: dict[str, Any], consent: ReferralConsent) -> None:
    """The practice's own reading adds who consented (performer: the caregiver as
    RelatedPerson, or the adolescent as the Patient), how (meta.tag), the family's own words
    (an extension) and the restricted label of the adolescent's own referral, so that the
    consent re-imported (referrals.imported) is the same consent."""
    meta = resource.setdefault("meta", {})
    meta["tag"] = [tag(CONSENT_METHOD_SYSTEM, consent.method)]
    if labels := security_labels(consent.referral.is_confidential):
        meta["security"] = labels
    if consent.given_by_adolescent:
        performer = f"Patient/{consent.referral.child_id}"
    else:
        performer = f"RelatedPerson/{consent.given_by_caregiver_id}"
    resource["performer"] = [{"reference": performer}]
    if consent.notes_to_share:
        resource["extension"] = [
            {"url": CONSENT_NOTES_EXTENSION, "valueString": consent.notes_to_share}
        ]


def prepare(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.select_related(
        "referral",
        "referral__child",
        "referral__source_administration",
        "organization",
        "given_by_caregiver",
    ).defer("referral__source_administration__answers")


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
