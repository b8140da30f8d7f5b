"""The FHIR codes of a referral, written by the exporter (fhir.resources.sdohcc) and read back
by the EHR bulk import (referrals.imported): each code and mapping once, here, below both.

Sources: shared/docs/domain/interop-codes.md §1 (Gravity SDOHCC), domain-reference §7. The
Task status mapping is `referrals.states.to_fhir_task_status` / `from_fhir_task_status`.
medhome's own systems (`urn:medhome:…`) carry what no standard code names, beside the standard
codes, so a referral exported by medhome comes back exactly: the need (several needs share one
SDOHCC category), the outcome, who consented and how.
"""

from typing import Any

from medhome.directory.vocabulary import SDOHCC_CATEGORY
from medhome.ehr.fhir_in.visits import CONFIDENTIALITY_SYSTEM

SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare"
SDOHCC_CODES = f"{SDOHCC}/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
PROFILE_SERVICE_REQUEST = f"{SDOHCC}/StructureDefinition/SDOHCC-ServiceRequest"
PROFILE_TASK = f"{SDOHCC}/StructureDefinition/SDOHCC-TaskForReferralManagement"
PROFILE_CONSENT = f"{SDOHCC}/StructureDefinition/SDOHCC-Consent"
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
UNSPECIFIED = "sdoh-category-unspecified"
# The referral's business identifier on both sides (how a retried send finds what it already
# created on the partner's server instead of creating it twice).
REFERRAL_IDENTIFIER_SYSTEM = "urn:medhome:referral"
SHARED_ITEM_SYSTEM = "urn:medhome:referral-shared-item"
NEED_SYSTEM = "urn:medhome:referral-need"  # directory.vocabulary.Need
OUTCOME_SYSTEM = "urn:medhome:referral-outcome"  # referrals.states.Outcome
SOURCE_SYSTEM = "urn:medhome:referral-source"  # referrals.models.Source (meta.tag)
CONSENT_METHOD_SYSTEM = "urn:medhome:referral-consent-method"  # models.ConsentMethod (meta.tag)
# The family's own words it agreed to share (ReferralConsent.notes_to_share): the practice's
# reading only, never a partner's (they read them as ServiceRequest.note when consented).
CONSENT_NOTES_EXTENSION = "urn:medhome:fhir:extension:referral-consent-notes"
# The practice's reading only, like statusReason: a partner's client and the exchange never get
# them (docs/clinical-rules.md#imported-referrals).
WARM_HANDOFF_EXTENSION = "urn:medhome:fhir:extension:referral-warm-handoff"
# The HSDS service (directory.Service) as a logical reference: medhome serves no
# HealthcareService, so the second ServiceRequest.performer names it by id and name.
HSDS_SERVICE_SYSTEM = "urn:medhome:hsds-service"
# The referral's path as contained Provenances (Task.relevantHistory, one per ReferralEvent):
# the medhome state beside the Task status (received shares `requested`), the side that acted,
# the family's answer.
TASK_STATUS_SYSTEM = "http://hl7.org/fhir/task-status"
STATUS_SYSTEM = "urn:medhome:referral-status"  # referrals.states.Status
SIDE_SYSTEM = "urn:medhome:referral-side"  # referrals.states.Side
FAMILY_ANSWER_SYSTEM = "urn:medhome:referral-family-answer"  # referrals.models.FamilyAnswer
HISTORY_ID_PREFIX = "ev-"

# ServiceRequest.status is the requester's (interop-codes §1.7): open while the organization
# works on it, `revoked` when it ended without being done.
_SR_STATUS = {
    "draft": "draft",
    "entered_in_error": "entered-in-error",
    "completed": "completed",
    "cancelled": "revoked",
    "rejected": "revoked",
    "failed": "revoked",
}
SR_STATUSES = frozenset({"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"})


def service_request_status(status: str) -> str:
    return _SR_STATUS.get(status, "active")


def category_code(need: str) -> str:
    """The SDOHCC category of a directory need (directory.vocabulary.SDOHCC_CATEGORY, the one
    mapping of the need taxonomy); a need the IG has no category for is
    `sdoh-category-unspecified` (interop-codes §1.9)."""
    return SDOHCC_CATEGORY.get(need) or UNSPECIFIED


# HL7 v3 Confidentiality R "restricted": the adolescent's own referral (Referral.is_confidential,
# domain-reference §11), read back by the import as confidential (ehr.fhir_in.visits reads the
# same label on a visit).
RESTRICTED = {"system": CONFIDENTIALITY_SYSTEM, "code": "R", "display": "restricted"}


def security_labels(confidential: bool) -> list[dict[str, str]]:
    return [dict(RESTRICTED)] if confidential else []


def tag(system: str, code: str) -> dict[str, str]:
    return {"system": system, "code": code}


def tagged(resource: dict[str, Any], system: str) -> str:
    """The code of the resource's meta.tag in `system` ("" when none)."""
    for found in (resource.get("meta") or {}).get("tag") or []:
        if isinstance(found, dict) and found.get("system") == system and found.get("code"):
            return str(found["code"])
    return ""
