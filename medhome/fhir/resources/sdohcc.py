"""The Gravity SDOH Clinical Care referral as FHIR JSON: ServiceRequest, Task, Consent, and the
consented-minimum Patient a community organization receives.

One builder per resource, used both by the API (servicerequest.py, task.py, consent.py) and by
the exchange that sends referrals to partners' FHIR servers (medhome.exchange), so what medhome
serves and what it sends are the same mapping.

Sources (shared/docs/domain/interop-codes.md §1, HL7/fhir-sdoh-clinicalcare):
- SDOHCC ServiceRequest: category from SDOHCC-ValueSetSDOHCategory (required), supportingInfo →
  SDOHCC Consent (§1.2, `SDOHCCServiceRequest.fsh`); priority routine|urgent.
- SDOHCC TaskForReferralManagement: intent fixed `order`, code fixed
  `http://hl7.org/fhir/CodeSystem/task-code#fulfill`, focus → ServiceRequest, for → Patient,
  authoredOn and requester 1..1, owner → the organization; status from SDOHCC Referral Task Status
  (§1.3, §1.4); medhome's `received` = `requested` + businessStatus "received"
  (referrals.states.to_fhir_task_status, domain-reference §7).
- SDOHCC Consent: category fixed `v3-ActCode#IDSCL`; patient, dateTime, organization required
  (§1.2, `SDOHCCConsent.fsh`).

What an organization sees is `referrals.selectors.partner_view` — the same consented minimum its
staff see on medhome's organization portal: the child's name only with consent to share it, the
caregiver's contact only when consented and never for a safety referral, the family's own words
(`notes_to_share`) only when consented, never the team's `reason`.
"""

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from medhome.directory.vocabulary import Need
from medhome.referrals.fhir_codes import (
    ACT_CODE,
    CONSENT_SCOPE,
    FAMILY_ANSWER_SYSTEM,
    HISTORY_ID_PREFIX,
    HSDS_SERVICE_SYSTEM,
    NEED_SYSTEM,
    OUTCOME_SYSTEM,
    PROFILE_CONSENT,
    PROFILE_SERVICE_REQUEST,
    PROFILE_TASK,
    REFERRAL_IDENTIFIER_SYSTEM,
    SDOHCC,
    SDOHCC_CODES,
    SHARED_ITEM_SYSTEM,
    SIDE_SYSTEM,
    STATUS_SYSTEM,
    TASK_CODE,
    TASK_STATUS_SYSTEM,
    UNSPECIFIED,
    WARM_HANDOFF_EXTENSION,
    category_code,
    service_request_status,
)
from medhome.referrals.models import Referral, ReferralConsent, ReferralEvent, SharedItem
from medhome.referrals.selectors import PartnerView
from medhome.referrals.states import to_fhir_task_status

__all__ = [  # the codes' home is referrals.fhir_codes; read here by the API and the exchange
    "ACT_CODE",
    "CONSENT_SCOPE",
    "PROFILE_CONSENT",
    "PROFILE_SERVICE_REQUEST",
    "PROFILE_TASK",
    "REFERRAL_IDENTIFIER_SYSTEM",
    "SDOHCC",
    "SDOHCC_CODES",
    "SHARED_ITEM_SYSTEM",
    "TASK_CODE",
    "UNSPECIFIED",
    "category_code",
    "consent",
    "identifier",
    "minimum_patient",
    "provenance",
    "service_request",
    "service_request_status",
    "statuses_for_service_request_status",
    "task",
]


def iso(moment: Any) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _category(need: str) -> dict[str, Any]:
    return {"coding": [{"system": SDOHCC_CODES, "code": category_code(need)}]}


def identifier(referral: Referral) -> dict[str, str]:
    return {"system": REFERRAL_IDENTIFIER_SYSTEM, "value": str(referral.pk)}


def minimum_patient(referral: Referral, view: PartnerView, *, resource_id: str) -> dict[str, Any]:
    """The Patient an organization may see: the consented minimum of partner_view, nothing
    else. Without consent to the name the child is named by the referral's number only;
    birthDate is the year alone and only with consent to the child's age."""
    patient: dict[str, Any] = {"resourceType": "Patient", "id": resource_id}
    items = set(view.shared_items)
    if SharedItem.NAME in items:
        child = referral.child
        patient["name"] = [
            {
                "text": view.child_name,
                "family": child.legal_family_name,
                "given": [child.display_name],
            }
        ]
    if SharedItem.CHILD_AGE in items:
        patient["birthDate"] = str(referral.child.date_of_birth.year)
    if view.language:
        patient["communication"] = [
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": view.language}]}}
        ]
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", view.contact_phone), ("email", view.contact_email))
        if value
    ]
    if view.contact_name or telecom:
        contact: dict[str, Any] = {"name": {"text": view.contact_name}}
        if telecom:
            contact["telecom"] = telecom
        patient["contact"] = [contact]
    return patient


def statuses_for_service_request_status(code: str) -> list[str]:
    from medhome.referrals.states import Status

    return [s for s in Status.values if service_request_status(s) == code]


def service_request(
    referral: Referral,
    view: PartnerView | None,
    *,
    patient: dict[str, Any],
    requester: dict[str, Any],
    performer: dict[str, Any],
    consent: dict[str, Any] | None,
) -> dict[str, Any]:
    """SDOHCC ServiceRequest. `view` None: the practice's own reading (the team's reason, the
    warm hand-off, the HSDS service); a PartnerView: only what the organization may see (the
    family's own words, if consented). The need's category is always sent (the organization
    must know what it is asked for)."""
    text = referral.get_need_display()
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "meta": {"profile": [PROFILE_SERVICE_REQUEST]},
        "identifier": [identifier(referral)],
        "status": service_request_status(referral.status),
        "intent": "order",
        "category": [_category(referral.need)],
        "priority": referral.priority,
        # The need itself beside its words: several needs share one SDOHCC category.
        "code": {
            "coding": [{"system": NEED_SYSTEM, "code": referral.need, "display": str(text)}],
            "text": str(text),
        },
        "subject": patient,
        "requester": requester,
        "performer": [performer],
    }
    if referral.requested_at:
        resource["authoredOn"] = iso(referral.requested_at)
    if consent is not None:
        resource["supportingInfo"] = [consent]
    if referral.need == Need.SAFETY:
        # "Do not contact the patient" (interop-codes §1.10, SDOHCCServiceRequest.fsh
        # orderDetail): a partner-violence referral reaches the family only through a channel
        # it marked safe (domain-reference §7), and partner_view shares none.
        resource["orderDetail"] = [
            {"coding": [{"system": SDOHCC_CODES, "code": "contacting-subject-prohibited"}]}
        ]
    words = referral.reason if view is None else view.notes_to_share
    if words:
        resource["note"] = [{"text": words}]
    if view is None:
        _practice_details(resource, referral)
    return resource


def _practice_details(resource: dict[str, Any], referral: Referral) -> None:
    """What only the practice reads back (referrals.imported): the warm hand-off, and the HSDS
    service as a logical reference (medhome serves no HealthcareService)."""
    if referral.warm_handoff:
        resource["extension"] = [{"url": WARM_HANDOFF_EXTENSION, "valueBoolean": True}]
    service = referral.service
    if service is not None:
        resource["performer"].append(
            {
                "type": "HealthcareService",
                "identifier": {"system": HSDS_SERVICE_SYSTEM, "value": str(service.pk)},
                "display": service.name or str(service.pk),
            }
        )


def provenance(event: ReferralEvent, number: int, target: str) -> dict[str, Any]:
    """One step of the referral's path (Task.relevantHistory, R4: "Provenance records for past
    versions of this Task that identify key state transitions"); the target names the Task's
    version the step made, so the path's order and versions come back (referrals.imported_path).
    """
    status = to_fhir_task_status(event.to_status)[0]
    found: dict[str, Any] = {
        "resourceType": "Provenance",
        "id": f"{HISTORY_ID_PREFIX}{number}",
        "target": [{"reference": f"{target}/_history/{event.version}"}],
        "recorded": iso(event.at),
        "activity": {
            "coding": [
                {"system": TASK_STATUS_SYSTEM, "code": status},
                {"system": STATUS_SYSTEM, "code": event.to_status},
            ]
        },
        "agent": [
            {
                "type": {"coding": [{"system": SIDE_SYSTEM, "code": event.side}]},
                "who": {"display": event.actor_label},
            }
        ],
    }
    reasons: list[dict[str, Any]] = []
    if event.reason:
        reasons.append({"text": event.reason})
    if event.family_answer:
        reasons.append({"coding": [{"system": FAMILY_ANSWER_SYSTEM, "code": event.family_answer}]})
    if reasons:
        found["reason"] = reasons
    return found


def task(
    referral: Referral,
    *,
    resource_id: str,
    focus: dict[str, Any],
    patient: dict[str, Any],
    requester: dict[str, Any],
    owner: dict[str, Any],
    with_reason: bool = True,
    history: Sequence[ReferralEvent] = (),
) -> dict[str, Any]:
    """SDOHCC TaskForReferralManagement for the referral's current state. `with_reason`: the
    statusReason text and the referral's path (`history`, its events in order, as contained
    Provenances) are the practice's, withheld from an organization's reading."""
    status, business = to_fhir_task_status(referral.status)
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": resource_id,
        "meta": {"profile": [PROFILE_TASK]},
        "identifier": [identifier(referral)],
        "status": status,
        "intent": "order",
        "priority": referral.priority,
        "code": {"coding": [{"system": TASK_CODE, "code": "fulfill"}]},
        "focus": focus,
        "for": patient,
        "authoredOn": iso(referral.requested_at or referral.created_at),
        "requester": requester,
        "owner": owner,
    }
    if business:
        resource["businessStatus"] = {"text": business}
    if with_reason and referral.status_reason:
        resource["statusReason"] = {"text": referral.status_reason}
    if referral.status == "completed" and referral.outcome:
        resource["output"] = [
            {
                "type": {"coding": [{"system": SDOHCC_CODES, "code": "resulting-activity"}]},
                "valueCodeableConcept": {
                    "coding": [{"system": OUTCOME_SYSTEM, "code": referral.outcome}],
                    "text": str(referral.get_outcome_display()),
                },
            }
        ]
        if with_reason and referral.outcome_note:
            resource["note"] = [{"text": referral.outcome_note}]
    # When the organization first answered, and when the referral closed (Task.executionPeriod).
    period = {
        name: iso(moment)
        for name, moment in (("start", referral.first_response_at), ("end", referral.closed_at))
        if moment
    }
    if period:
        resource["executionPeriod"] = period
    if with_reason and history:
        target = f"Task/{resource_id}"
        resource["contained"] = [
            provenance(event, number, target) for number, event in enumerate(history, start=1)
        ]
        resource["relevantHistory"] = [
            {"reference": f"#{found['id']}"} for found in resource["contained"]
        ]
    return resource


def consent(
    row: ReferralConsent, *, patient: dict[str, Any], organization: dict[str, Any]
) -> dict[str, Any]:
    """SDOHCC Consent: what the family agreed to disclose to the named organization; revoked
    consent is `inactive` (the provision's period ends at the revocation)."""
    period: dict[str, Any] = {"start": iso(row.given_at)}
    if row.revoked_at:
        period["end"] = iso(row.revoked_at)
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(row.pk),
        "meta": {"profile": [PROFILE_CONSENT]},
        "status": "active" if row.is_active else "inactive",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": ACT_CODE, "code": "IDSCL"}]}],
        "patient": patient,
        "dateTime": iso(row.given_at),
        "organization": [organization],
        "sourceReference": {"reference": f"ServiceRequest/{row.referral_id}"},
        "provision": {
            "type": "permit",
            "period": period,
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "IRCP",
                            }
                        ]
                    },
                    "reference": organization,
                }
            ],
            # What is shared, in medhome's own words (referrals.models.SharedItem): no standard
            # code system names these items.
            "code": [
                {
                    "coding": [
                        {
                            "system": SHARED_ITEM_SYSTEM,
                            "code": item,
                            "display": str(SharedItem(item).label),
                        }
                    ]
                }
                for item in sorted(row.shared_items)
                if item in SharedItem.values
            ],
        },
    }
    if not resource["provision"]["code"]:
        del resource["provision"]["code"]
    return resource
