"""ServiceRequest: a referral as the SDOHCC ServiceRequest (sdohcc.service_request).

A practice reads the team's reason; a partner's client reads the consented minimum
(referrals.selectors.partner_view: the family's own words only when consented).
"""

from typing import Any

from django.db.models import QuerySet

from medhome.referrals.models import Referral
from medhome.referrals.selectors import partner_view
from medhome.smart.principal import FhirPrincipal

from ..registry import ResourceType, register
from . import referral_rows as r
from . import sdohcc


def references(referral: Referral) -> dict[str, dict[str, Any]]:
    practice = referral.practice
    return {
        "patient": {"reference": f"Patient/{referral.child_id}"},
        "requester": {
            "identifier": {"system": "urn:medhome:practice", "value": str(practice.pk)},
            "display": str(practice.name),
        },
        "organization": {
            "reference": f"Organization/{referral.organization_id}",
            "display": str(referral.organization.name),
        },
    }


def to_resource(referral: Referral, principal: FhirPrincipal) -> dict[str, Any]:
    refs = references(referral)
    view = partner_view(referral) if r.is_partner(principal) else None
    consent = getattr(referral, "consent", None)
    return sdohcc.service_request(
        referral,
        view,
        patient=refs["patient"],
        requester=refs["requester"],
        performer=refs["organization"],
        consent={"reference": f"Consent/{consent.pk}"} if consent is not None else None,
    )


def prepare(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.select_related(
        "practice", "organization", "child", "consent", "consent__given_by_caregiver"
    )


SERVICE_REQUEST = register(
    ResourceType(
        name="ServiceRequest",
        model=Referral,
        rows=r.referrals,
        to_resource=to_resource,
        patient_path="child",
        params=dict([r.ID, r.PATIENT, r.SR_STATUS, r.CATEGORY, r.PERFORMER, r.LAST_UPDATED]),
        profiles=(sdohcc.PROFILE_SERVICE_REQUEST,),
        sorts={"authored": "requested_at", "_lastUpdated": "last_updated"},
        prepare=prepare,
        updated_field="last_updated",
        version_field="version",
    )
)
