"""FHIR Coverage → Coverage, and the payer category medhome stratifies by (Medicaid, CHIP,
commercial, other) from the plan's type or, failing that, its payor's name.

Types read: the PHDSC Source of Payment Typology (urn:oid:2.16.840.1.113883.3.221.5: 2x
Medicaid, 23 Medicaid/SCHIP, 3x other government, 5x–6x private, 8x no payment) and HL7 v3
ActCode (http://terminology.hl7.org/CodeSystem/v3-ActCode: SUBSIDIZ / MCPOL / PUBLICPOL public,
EHCPOL / HMO / PPO / POS private)."""

from datetime import date
from typing import Any

from .common import (
    Mapped,
    PatientRef,
    check_dates,
    codings,
    concept_text,
    parse_date,
    require_code,
    resolve_child,
)

STATUSES = frozenset({"active", "cancelled", "draft", "entered-in-error"})
SOURCE_OF_PAYMENT = "urn:oid:2.16.840.1.113883.3.221.5"
ACT_CODES = {
    "SUBSIDIZ": "medicaid",
    "MCPOL": "medicaid",
    "PUBLICPOL": "other",
    "EHCPOL": "commercial",
    "HMO": "commercial",
    "PPO": "commercial",
    "POS": "commercial",
}


def payer_of(resource: dict[str, Any]) -> str:
    for system, code, _display in codings(resource.get("type")):
        if system == SOURCE_OF_PAYMENT and code:
            if code.startswith("23"):
                return "chip"
            return {"2": "medicaid", "5": "commercial", "6": "commercial", "8": "uninsured"}.get(
                code[0], "other"
            )
        if code in ACT_CODES:
            return ACT_CODES[code]
    words = " ".join(
        [concept_text(resource.get("type"))]
        + [str(p.get("display") or "") for p in resource.get("payor") or []]
    ).lower()
    if "chip" in words:
        return "chip"
    if "medicaid" in words or "masshealth" in words:
        return "medicaid"
    return "commercial" if words.strip() else "other"


def map_coverage(
    resource: dict[str, Any], *, children: dict[str, PatientRef], today: date
) -> Mapped:
    status = require_code(resource.get("status"), STATUSES, "status")
    child = resolve_child(resource.get("beneficiary"), children)
    if status in ("entered-in-error", "draft"):
        return Mapped(child.child_id, [])
    period = resource.get("period") or {}
    starts_on, ends_on = parse_date(period.get("start")), parse_date(period.get("end"))
    # A plan may start in the future (next month's renewal): only the end-before-start check.
    check_dates(on=starts_on, ends_on=ends_on, today=date.max)
    payor = next((p.get("display") for p in resource.get("payor") or [] if p.get("display")), "")
    row = {
        "payer": payer_of(resource),
        "payer_name": str(payor or concept_text(resource.get("type")))[:200],
        "member_id": str(resource.get("subscriberId") or "")[:40],
        "starts_on": starts_on,
        "ends_on": ends_on,
        "active": status == "active"
        and (starts_on is None or starts_on <= today)
        and (ends_on is None or ends_on >= today),
    }
    return Mapped(child.child_id, [("", row)])
