"""The measures as data: what each one counts, where the definition comes from, and the
unverified details as settings.

Sources: /work/shared/docs/domain/measures.md (cited as "measures.md §N") and
domain-reference.md §6 ("medhome rules"). Unverified details of the published definitions are
not hard-coded: they live in RULES below, overridable per deployment with the Django setting
MEDHOME_MEASURE_RULES (a dict merged key by key over DEFAULT_RULES).
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

DEFAULT_RULES: dict[str, Any] = {
    # What counts as a well-child / well-care visit (domain-reference §6 "medhome rules"):
    # a completed visit of type well-child or group well-child.
    "well_visit_kinds": ("well_child", "group"),
    "well_visit_status": "completed",
    # Telehealth (measures.md §1 "What does not count": unverified, make it a setting).
    # Default stated in domain-reference §6: synchronous video counts, audio-only does not.
    "counted_modalities": ("in_person", "video"),
    # W30 spacing (measures.md §1 "Spacing rule": tip sheets say at least 14 days apart;
    # unverified which HEDIS year; "apply the 14-day spacing rule (configurable)").
    # 0 or 1 = only "different dates of service".
    "w30_min_days_between_visits": 14,
    # W30 rate 2 anchor: 30-month birthday = 2nd birthday + 180 days (measures.md §1,
    # "unverified: HEDIS convention").
    "w30_30_month_days_after_2nd_birthday": 180,
    # DEV-CH qualifying tools: None = every instrument the registry marks general_developmental
    # (measures.md §3 "Qualifying tools"; M-CHAT, ASQ:SE alone do not count).
    "dev_instrument_keys": None,
    "dev_administration_status": "scored",
}


def rules() -> dict[str, Any]:
    merged = dict(DEFAULT_RULES)
    merged.update(getattr(settings, "MEDHOME_MEASURE_RULES", {}) or {})
    return merged


def dev_instrument_keys(current: dict[str, Any] | None = None) -> tuple[str, ...]:
    keys = (current or rules())["dev_instrument_keys"]
    if keys is not None:
        return tuple(keys)
    from medhome.instruments.registry import all_instruments

    return tuple(sorted(i.key for i in all_instruments() if i.general_developmental))


# Simplifications forced by the data medhome holds (stated next to every result).
ENROLLMENT = (
    "Continuous enrollment is approximated by 'the child is attributed to one of the selected "
    "practices now' (medhome keeps no enrollment spans or gaps)."
)
EXCLUSIONS = "Hospice and death exclusions are not applied (medhome records neither)."
PCP = (
    "Any completed well-child or group well-child visit in the record counts; the clinician's "
    "PCP/OB-GYN specialty is not checked (the record is the primary care practice's own)."
)
RECORD_NOT_CLAIMS = (
    "Counted from the practice's record (visit type, instrument recorded), not from billing "
    "codes (domain-reference §6 medhome rules)."
)


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    citation: str
    denominator: str
    numerator: str
    simplifications: tuple[str, ...] = field(default=())


_COMMON_VISIT = (ENROLLMENT, EXCLUSIONS, PCP, RECORD_NOT_CLAIMS)

MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "w30_1",
            "W30 rate 1: six or more well-child visits in the first 15 months",
            "measures.md §1 (W30-CH, QMR-2026; BCBSND-W30; Clinigence-W15)",
            "Children whose 15-month birthday (1st birthday + 90 days) falls in the period.",
            "At least 6 well-child visits on different dates (spaced by the configured minimum "
            "days) on or before the 15-month birthday.",
            _COMMON_VISIT,
        ),
        Measure(
            "w30_2",
            "W30 rate 2: two or more well-child visits from 15 to 30 months",
            "measures.md §1 (W30-CH, QMR-2026; JHHP-W30)",
            "Children whose 30-month birthday (2nd birthday + 180 days, unverified) falls in "
            "the period.",
            "At least 2 well-child visits on different dates (spaced by the configured minimum "
            "days) from the 15-month birthday + 1 day to the 30-month birthday.",
            _COMMON_VISIT,
        ),
        *(
            Measure(
                key,
                f"WCV {label}",
                "measures.md §2 (WCV-CH, QMR-2026; Clinigence-AWC for the Dec-31 anchor)",
                f"Children {label} years old on December 31 of the period's final year.",
                "At least one well-care visit in the period.",
                (
                    *_COMMON_VISIT,
                    "Age is taken on December 31 of the year in which the period ends.",
                ),
            )
            for key, label in (
                ("wcv", "3-21"),
                ("wcv_3_11", "3-11"),
                ("wcv_12_17", "12-17"),
                ("wcv_18_21", "18-21"),
            )
        ),
        *(
            Measure(
                key,
                f"DEV-CH {label}",
                "measures.md §3 (DEV-CH, QMR-2026; p4qm.org/measures/1448)",
                f"Children turning {label} in the period.",
                "A scored general developmental screen (registry general_developmental) after "
                "the previous birthday and on or before the birthday reached in the period; "
                "for the 1st birthday, from the date of birth.",
                (
                    ENROLLMENT,
                    EXCLUSIONS,
                    "A screen counts by its administered_on date and status 'scored'; partial "
                    "(unscored) administrations do not count.",
                    RECORD_NOT_CLAIMS,
                ),
            )
            for key, label in (
                ("dev_1", "1"),
                ("dev_2", "2"),
                ("dev_3", "3"),
                ("dev", "1, 2 or 3 (total)"),
            )
        ),
    )
}


def get(key: str) -> Measure:
    return MEASURES[key]
