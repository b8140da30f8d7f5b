"""Screening settings (medhome rules, docs/clinical-rules.md#screening-instruments): defaults
overridable by the Django setting MEDHOME_SCREENING."""

import fnmatch
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # An unacknowledged critical alert escalates to the on-call clinician after this many
    # business hours, counted on the practice calendar (docs/clinical-rules.md#critical-answers
    # default: 2).
    "alert_escalate_business_hours": 2,
    # Who may acknowledge a critical alert unless the practice chooses otherwise
    # (docs/clinical-rules.md#critical-answers: a clinician; issue 14: a practice may add nurses).
    "acknowledging_roles": ["pediatrician", "nurse_practitioner", "behavioral_health"],
    # A reason for sending a screener that is not due must say something.
    "override_reason_min_length": 5,
    # A caregiver's PHQ-2 counts for the caregiver-depression row only where the practice opts
    # in to a PHQ-2 gate; by default caregivers get the full PHQ-9 or EPDS
    # (docs/clinical-rules.md#suicide-risk-question).
    "caregiver_phq2_gate": False,
    # The instrument preselected for each open row, first that fits and has family wording
    # (medhome rule; a practice setting). Caregivers get the full PHQ-9, not a PHQ-2 gate,
    # unless the practice opts in (docs/clinical-rules.md#suicide-risk-question).
    "preferred": {
        "caregiver_depression": ["epds", "phq9"],
        "social_needs": ["ahc_hrsn", "hvs"],
        "behavioral": ["swyc_bpsc", "swyc_ppsc", "psc17"],
        "developmental": ["swyc_milestones_*", "asq3"],
        "autism": ["mchat_r", "swyc_posi"],
        "depression_suicide": ["phqa", "phq9"],
        "substance_use": ["crafft"],
    },
}


def rule(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "MEDHOME_SCREENING", {})}[name]


def preferred(row: str) -> list[str]:
    """Instrument keys for a row in order of preference, patterns expanded (fnmatch)."""
    from medhome.instruments import registry

    keys = [instrument.key for instrument in registry.all_instruments()]
    found: list[str] = []
    for pattern in rule("preferred").get(row, []):
        found += [key for key in fnmatch.filter(keys, pattern) if key not in found]
    return found


def escalation_business_hours() -> float:
    return float(rule("alert_escalate_business_hours"))
