"""The procedure and diagnosis codes a visit's work may support, as data with their validity dates.

CPT descriptors are AMA-copyrighted: medhome keeps the code and its own short label only
(domain-reference §5). Each code names the line of shared/docs/domain/interop-codes.md it comes
from. A date the sources leave unverified is written here as the default and may be replaced per
code by the setting ``MEDHOME_BILLING["code_dates"]`` ({code: [from, to]}, ISO dates or null);
an unknown start (None) means "in force before medhome's first date of service".
The social-needs Z codes are screening's (`medhome.screening.zcodes`), not repeated here.
docs/clinical-rules.md#billing-summary
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class System(StrEnum):
    CPT = "CPT"
    HCPCS = "HCPCS"
    ICD10CM = "ICD-10-CM"


@dataclass(frozen=True)
class Code:
    system: System
    code: str
    label: Any  # medhome's own short words, translated when shown
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        start, end = dates_of(self)
        return (start is None or start <= day) and (end is None or day <= end)


FY2016 = date(2015, 10, 1)  # ICD-10-CM in the US from 2015-10-01 (interop-codes §4.1)
FY2020 = date(2019, 10, 1)  # Z13.3x/Z13.4x "believed FY2020" — unverified (interop-codes §7 #12)
CY2015 = date(2015, 1, 1)  # 96127 "added 2015" (interop-codes §3.1)
CY2024 = date(2024, 1, 1)  # CY 2024 PFS G-codes (interop-codes §3.5)
END_2025 = date(2025, 12, 31)  # G0136's SDOH meaning ends (CMS-1832-F, interop-codes §3.5)

_ALL = (
    # interop-codes §3.1 — screening, per standardized instrument
    Code(System.CPT, "96110", _("Developmental screening, per instrument")),
    Code(System.CPT, "96127", _("Brief emotional/behavioral assessment, per instrument"), CY2015),
    Code(System.CPT, "96160", _("Patient-focused health risk assessment, per instrument")),
    Code(System.CPT, "96161", _("Caregiver-focused health risk assessment, per instrument")),
    # interop-codes §3.3 — preventive visits, new / established by age band
    Code(System.CPT, "99381", _("Preventive visit, new patient, under 1 year")),
    Code(System.CPT, "99382", _("Preventive visit, new patient, 1–4 years")),
    Code(System.CPT, "99383", _("Preventive visit, new patient, 5–11 years")),
    Code(System.CPT, "99384", _("Preventive visit, new patient, 12–17 years")),
    Code(System.CPT, "99385", _("Preventive visit, new patient, 18–39 years")),
    Code(System.CPT, "99391", _("Preventive visit, established patient, under 1 year")),
    Code(System.CPT, "99392", _("Preventive visit, established patient, 1–4 years")),
    Code(System.CPT, "99393", _("Preventive visit, established patient, 5–11 years")),
    Code(System.CPT, "99394", _("Preventive visit, established patient, 12–17 years")),
    Code(System.CPT, "99395", _("Preventive visit, established patient, 18–39 years")),
    # interop-codes §3.2 — care management, per calendar month, time-based
    Code(System.CPT, "99484", _("Behavioral health care management, 20 min a month")),
    Code(System.CPT, "99490", _("Chronic care management, 20 min a month")),
    Code(System.CPT, "99491", _("Chronic care management by the clinician, 30 min a month")),
    Code(System.CPT, "99487", _("Complex chronic care management, 60 min a month")),
    Code(System.CPT, "99489", _("Complex chronic care management, each further 30 min")),
    # interop-codes §3.2 — transitional care management
    Code(System.CPT, "99495", _("Transitional care, moderate complexity, seen within 14 days")),
    Code(System.CPT, "99496", _("Transitional care, high complexity, seen within 7 days")),
    # interop-codes §3.5 — Medicare G-codes (coverage for children per payer: unverified)
    Code(System.HCPCS, "G0019", _("Community health integration, first 60 min a month"), CY2024),
    Code(System.HCPCS, "G0022", _("Community health integration, each further 30 min"), CY2024),
    # domain-reference §8 "Community health workers": state Medicaid CHW codes, where a state
    # covers them (settings per payer); medhome's own labels, per 30 minutes.
    Code(System.CPT, "98960", _("Self-management education by a CHW, one patient, 30 min")),
    Code(System.CPT, "98961", _("Self-management education by a CHW, 2–4 patients, 30 min")),
    Code(System.CPT, "98962", _("Self-management education by a CHW, 5–8 patients, 30 min")),
    # SDOH risk assessment 2024–2025 only; redefined from 2026-01-01 (never for SDOH after).
    Code(System.HCPCS, "G0136", _("Social needs risk assessment"), CY2024, END_2025),
    # interop-codes §4.1 — routine child health exams
    Code(System.ICD10CM, "Z00.110", _("Newborn health exam, under 8 days"), FY2016),
    Code(System.ICD10CM, "Z00.111", _("Newborn health exam, 8–28 days"), FY2016),
    Code(System.ICD10CM, "Z00.121", _("Routine child exam with abnormal findings"), FY2016),
    Code(System.ICD10CM, "Z00.129", _("Routine child exam without abnormal findings"), FY2016),
    # interop-codes §4.2 — screening encounters
    Code(System.ICD10CM, "Z13.31", _("Screening for depression"), FY2020),
    Code(System.ICD10CM, "Z13.32", _("Screening for maternal depression"), FY2020),
    Code(System.ICD10CM, "Z13.39", _("Screening for other mental health conditions"), FY2020),
    Code(System.ICD10CM, "Z13.41", _("Autism screening"), FY2020),
    Code(System.ICD10CM, "Z13.42", _("Screening for global developmental delays"), FY2020),
)

CODES: dict[str, Code] = {code.code: code for code in _ALL}


def get(code: str) -> Code | None:
    return CODES.get(code)


def _setting() -> dict[str, Any]:
    value = getattr(settings, "MEDHOME_BILLING", None) or {}
    if not isinstance(value, dict):
        raise ImproperlyConfigured("MEDHOME_BILLING must be a dict")
    return value


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def dates_of(code: Code) -> tuple[date | None, date | None]:
    """The code's validity dates, after the deployment's corrections (a setting)."""
    override = _setting().get("code_dates", {}).get(code.code)
    if override is None:
        return code.valid_from, code.valid_to
    start, end = override
    return _day(start), _day(end)


def chw_cpt_payers() -> frozenset[str]:
    """Payers whose state Medicaid covers the CHW education codes 98960–98962: none by default
    (domain-reference §8: "where a state covers them — settings per payer")."""
    return frozenset(_setting().get("chw_cpt_payers", ()))


def g_code_payers() -> frozenset[str]:
    """Payers (families.vocabulary.Payer values) that take Medicare's G-codes for children: none
    by default, their coverage for children being unverified (interop-codes §3.5, §7 #11)."""
    return frozenset(_setting().get("g_code_payers", ()))
