"""Cut-offs and codes that a practice may need to change, or that the sources leave unverified.

Every default names its source; "unverified" means docs/domain/instruments.md (Appendix B) marks it
so: confirm against the authors' materials before release. A deployment overrides any key with
the Django setting ``MEDHOME_INSTRUMENT_THRESHOLDS`` (a dict; a key replaces the whole default).
Read at call time so a changed setting takes effect without a restart of the registry.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    # PHQ-9 "positive": ≥ 10 adults (Kroenke 2010, instruments.md §2); ≥ 11 adolescents
    # (Richardson 2010 and GLAD-PC "> 10", instruments.md §3 — a recommendation, configurable).
    "phq9_positive_adult": 10,
    "phq9_positive_adolescent": 11,
    # Ages (years, inclusive) that take the adolescent cut-off: "12–17" (instruments.md §3).
    "phq9_adolescent_ages": (12, 17),
    # EPDS: ≥ 10 where sensitivity is wanted (default positive), ≥ 13 author cut-off, shown as
    # "probable" (instruments.md §1; the 3-band display is local policy, not the authors').
    "epds_positive": 10,
    "epds_probable": 13,
    # EPDS-3A anxiety (items 3+4+5): ≥ 4 PIRI guidance; ≥ 5 Danish validation (instruments.md §1).
    # Informational only.
    "epds_anxiety": 4,
    # GAD-7 ≥ 10 (author scoring, instruments.md §4); an adolescent cut-off is unverified (none
    # found), so adolescents use the same default.
    "gad7_positive": 10,
    # PSC-17 (Gardner 1999 scoring instructions, instruments.md §9).
    "psc17_positive": 15,
    "psc17_internalizing": 5,
    "psc17_attention": 7,
    "psc17_externalizing": 7,
    # PPSC total ≥ 9 → needs review: unverified (third-party code only, instruments.md §6c).
    "ppsc_positive": 9,
    # POSI ≥ 3 of 7 items at risk → positive: unverified (instruments.md §6d).
    "posi_positive_items": 3,
    # POSI item at risk when the answer is in the N most concerning of its 5 printed columns:
    # unverified (instruments.md §6d "three most-concerning (rightmost)").
    "posi_at_risk_columns": 3,
    # BPSC any subscale ≥ 3 (author scoring directions, instruments.md §6b).
    "bpsc_subscale_positive": 3,
    # BPSC item → subscale map: unverified (instruments.md §6b: "implement from the official
    # form"). Default assumes the printed form groups its 12 items in blocks of four.
    "bpsc_subscales": {
        "irritability": ("1", "2", "3", "4"),
        "inflexibility": ("5", "6", "7", "8"),
        "routines": ("9", "10", "11", "12"),
    },
    # SWYC Milestones: {form_months: {child_age_months: score at/below which "needs review"}}.
    # Unverified and absent from the docs (instruments.md §6a: transcribe the official Milestones
    # Scoring Guide). Empty: the raw total is stored and the band is "not determined".
    "swyc_milestones_cutoffs": {},
    # M-CHAT-R age basis: chronological age (the authors give none for prematurity; domain-
    # reference §3) — "corrected" is the alternative. Read by screening when choosing the form.
    "mchat_age_basis": "chronological",
    # CPT codes whose payer use the docs leave unverified (instruments.md §6, §10, §11;
    # docs/clinical-rules.md#codes: CRAFFT under 96127 or 96160 by payer, a setting).
    "cpt_overrides": {
        "crafft": "96127",  # or 96160 (patient-focused HRA), per payer — unverified
        "swyc_bpsc": "96127",  # or 96110 per payer — unverified
        "swyc_ppsc": "96127",  # or 96110 per payer — unverified
        "swyc_posi": "96110",  # autism screen, billed like the M-CHAT — unverified for POSI
        "asqse2": "96127",  # some payers accept 96110 — unverified
    },
}


def _overrides() -> dict[str, Any]:
    value = getattr(settings, "MEDHOME_INSTRUMENT_THRESHOLDS", None) or {}
    if not isinstance(value, dict):
        raise ImproperlyConfigured("MEDHOME_INSTRUMENT_THRESHOLDS must be a dict")
    unknown = set(value) - set(DEFAULTS)
    if unknown:
        # A misspelt key would otherwise silently keep the default cut-off.
        raise ImproperlyConfigured(
            f"MEDHOME_INSTRUMENT_THRESHOLDS has unknown keys: {', '.join(sorted(unknown))}"
        )
    return value


def get(key: str) -> Any:
    return _overrides().get(key, DEFAULTS[key])


def cpt_override(instrument_key: str) -> str:
    return str(get("cpt_overrides").get(instrument_key, ""))


def phq9_positive(age_years: int | None, *, adolescent_default: bool) -> int:
    """The age-keyed PHQ-9 cut-off; without an age, `adolescent_default` decides."""
    if age_years is None:
        adolescent = adolescent_default
    else:
        low, high = get("phq9_adolescent_ages")
        adolescent = low <= age_years <= high
    return int(get("phq9_positive_adolescent" if adolescent else "phq9_positive_adult"))


def swyc_milestones_cutoff(form_months: int, age_months: int | None) -> int | None:
    if age_months is None:
        return None
    # Keys may be ints (Python settings) or strings (settings parsed from JSON).
    tables = get("swyc_milestones_cutoffs")
    table = tables.get(form_months) or tables.get(str(form_months)) or {}
    value = table.get(age_months, table.get(str(age_months)))
    return None if value is None else int(value)
