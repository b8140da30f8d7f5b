"""Settings of the rows the EHR's data completes (docs/clinical-rules.md#ehr-completions).

Codes the sources name (vision CPT 99173/99174/99177, hearing CPT 92551/92552, fluoride varnish
SNOMED 234723000 / CPT 99188) are defaults here; the newborn-screen LOINC codes and the Medicaid
blood-lead visits are **unverified** (periodicity.md §6.8), so all are settings a practice
overrides with ``MEDHOME_EHR_COMPLETIONS = {"lead_blood_test_visits": ["12mo"], ...}``. The
fluoride interval is the schedule's own setting (``fluoride_varnish_every_months`` in
periodicity/rules.py): one number for "due again" and "within the preceding N months".
"""

from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class CompletionRules:
    # domain-reference §2 "Completing rows": the CPT of the screening procedure.
    vision_cpt: tuple[str, ...] = ("99173", "99174", "99177")
    hearing_cpt: tuple[str, ...] = ("92551", "92552")
    fluoride_codes: tuple[str, ...] = ("234723000", "99188")
    # Unverified: blood lead tests at 12 and 24 months for Medicaid / high-prevalence areas
    # (periodicity.md §1.4 lead row, §6.8); ★ lead rows are never completed from imported data.
    lead_blood_test_visits: tuple[str, ...] = ("12mo", "24mo")
    # Unverified LOINC codes of the birth hospital's results (newborn hearing screen panel and
    # ears, newborn screening (bloodspot) panels, CCHD pulse-oximetry interpretation).
    newborn_hearing_codes: tuple[str, ...] = ("54109-4", "54108-6", "54111-0", "73739-5")
    newborn_blood_codes: tuple[str, ...] = ("54089-8", "57128-1", "46769-7")
    newborn_cchd_codes: tuple[str, ...] = ("73700-7", "73698-3")
    # A coded result that completes a screen but leaves its next step (evaluation) pending.
    refer_results: tuple[str, ...] = ("refer", "fail", "abnormal")


def current_completion_rules() -> CompletionRules:
    overrides: dict[str, Any] = dict(getattr(settings, "MEDHOME_EHR_COMPLETIONS", {}) or {})
    known = {f.name for f in fields(CompletionRules)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"Unknown MEDHOME_EHR_COMPLETIONS keys: {sorted(unknown)}")
    return replace(CompletionRules(), **{k: tuple(v) for k, v in overrides.items()})
