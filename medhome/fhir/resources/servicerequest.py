"""ServiceRequest: a referral as the SDOHCC ServiceRequest (sdohcc.service_request).

A practice reads the team's reason; a partner's client reads the consented minimum
(referrals.selectors.partner_view: the family's own words only when consented).
"""

import uuid
from typing import Any

from django.db.models import QuerySet

from medhome.directory.vocabulary import NEED_FOR_SCREENING_DOMAIN
from medhome.fhir.models import CONCERN_DOMAINS, concern_id
from medhome.referrals.fhir_codes import SOURCE_SYSTEM, security_labels, tag
from medhome.referrals.models import Referral, SharedItem
from medhome.referrals.selectors import PartnerView, partner_view
from medhome.smart.principal import FhirPrincipal

from ..registry import ResourceType, register
from . import referral_rows as r
from . import sdohcc
from .referral_versions import REFERRAL_VERSIONS

DOMAIN_FOR_NEED = {need: domain for domain, need in NEED_FOR_SCREENING_DOMAIN.items()}


def references(referral: Referral) -> dict[str, dict[str, Any]]:
    return {
        "patient": {"reference": f"Patient/{referral.child_id}"},
        # The practice is an Organization (fhir/resources/organization.py).
        "requester": {
            "reference": f"Organization/{referral.practice_id}",
            "display": str(referral.practice.name),
        },
        "organization": {
            "reference": f"Organization/{referral.organization_id}",
            "display": str(referral.organization.name),
        },
    }


def with_minimum_patient(
    resource: dict[str, Any], referral: Referral, view: PartnerView, element: str
) -> dict[str, Any]:
    """A partner reads no Patient resource (fhir/resources/patient.py): the child reaches it as
    the consented minimum (sdohcc.minimum_patient), contained — what the exchange sends."""
    resource["contained"] = [sdohcc.minimum_patient(referral, view, resource_id="patient")]
    resource[element] = {"reference": "#patient"}
    return resource


def reason_concern(referral: Referral, view: PartnerView | None) -> uuid.UUID | None:
    """The health concern the referral answers (domain-reference §7: the ServiceRequest carries
    "the reason Condition"): its screen's positive domain for the referral's need
    (resources/condition.py). A partner's client gets the reference only when the consent shares
    the screen's result, the same rule by which it may read the concern."""
    screen = referral.source_administration
    domain = DOMAIN_FOR_NEED.get(referral.need)
    if screen is None or domain not in CONCERN_DOMAINS or screen.status != "scored":
        return None
    if domain not in (screen.positive_domains or ()):
        return None
    if view is not None and (
        screen.confidential
        or referral.confidential
        or SharedItem.SCREENING_RESULT not in view.shared_items
        or getattr(referral.consent, "given_by_adolescent", True)
    ):
        return None
    return concern_id(screen.pk, domain)


def to_resource(referral: Referral, principal: FhirPrincipal) -> dict[str, Any]:
    refs = references(referral)
    view = partner_view(referral) if r.is_partner(principal) else None
    consent = getattr(referral, "consent", None)
    resource = sdohcc.service_request(
        referral,
        view,
        patient=refs["patient"],
        requester=refs["requester"],
        performer=refs["organization"],
        consent={"reference": f"Consent/{consent.pk}"} if consent is not None else None,
    )
    if concern := reason_concern(referral, view):
        resource["reasonReference"] = [{"reference": f"Condition/{concern}"}]
    if view is not None:
        with_minimum_patient(resource, referral, view, "subject")
    else:
        practice_reading(resource, referral)
    return resource


def practice_reading(resource: dict[str, Any], referral: Referral) -> None:
    """What the practice's own readers (and its Bulk Data export) get beside the SDOHCC
    ServiceRequest, so that an exported referral re-imported (referrals.imported) comes back as
    it was: where it started (meta.tag), the screen it started from (supportingInfo), and the
    adolescent's own referral labelled restricted (meta.security)."""
    meta = resource.setdefault("meta", {})
    meta["tag"] = [tag(SOURCE_SYSTEM, referral.source)]
    if labels := security_labels(referral.is_confidential):
        meta["security"] = labels
    if referral.source_administration_id is not None:
        resource.setdefault("supportingInfo", []).append(
            {"reference": f"QuestionnaireResponse/{referral.source_administration_id}"}
        )


def prepare(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.select_related(
        "practice",
        "organization",
        "service",
        "child",
        "consent",
        "consent__given_by_caregiver",
        "source_administration",
    ).defer("source_administration__answers")


SERVICE_REQUEST = register(
    ResourceType(
        name="ServiceRequest",
        model=Referral,
        rows=r.referrals,
        to_resource=to_resource,
        patient_path="child",
        params=dict([r.PATIENT, r.SR_STATUS, r.CATEGORY, r.PERFORMER]),
        profiles=(sdohcc.PROFILE_SERVICE_REQUEST,),
        sorts={"authored": "requested_at", "_lastUpdated": "last_updated"},
        prepare=prepare,
        updated_field="last_updated",
        version_field="version",
        versions=REFERRAL_VERSIONS,
    )
)
