"""The measures as data: what each one counts, where the definition comes from, and the
unverified details as settings.

Sources: /work/shared/docs/domain/measures.md (cited as "measures.md §N") and
docs/clinical-rules.md#measure-rules. Unverified details of the published definitions are not
hard-coded: they live in RULES below, overridable per deployment with the Django setting
MEDHOME_MEASURE_RULES (a dict merged key by key over DEFAULT_RULES).
"""

from typing import Any

from django.conf import settings

from . import program_definitions
from .measure import (
    CAREGIVER_DEPRESSION,
    DEVELOPMENT,
    FOLLOW_UP,
    GROUPS,
    REFERRALS,
    SOCIAL_NEEDS,
    WELL_CHILD,
    Measure,
)

DEFAULT_RULES: dict[str, Any] = {
    # Continuous enrollment stood for by panel attribution: the one gap allowed, at the start
    # of the enrollment period, in days (measures.md §1, §2 "Allowable gap": no more than one
    # gap of up to 45 days; docs/clinical-rules.md#measure-attribution).
    "enrollment_gap_days": 45,
    # What counts as a well-child / well-care visit (docs/clinical-rules.md#measure-rules): a
    # completed visit of type well-child or group well-child.
    "well_visit_kinds": ("well_child", "group"),
    "well_visit_status": "completed",
    # Telehealth (measures.md §1 "What does not count": unverified, make it a setting).
    # Default stated in docs/clinical-rules.md#measure-rules: synchronous video counts, audio-only
    # does not.
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
    # --- Screening measures (screening_measures.py) -------------------------------------------
    # A screen counts when scored; partial (unscored) administrations do not (medhome rule, as
    # DEV-CH above).
    "screening_status": "scored",
    # Caregiver depression instruments: None = every instrument the registry puts on the
    # caregiver_depression row (EPDS, PHQ-9, PHQ-2), the PHQ-2 only where the practice opts in
    # to a PHQ-2 gate (screening setting caregiver_phq2_gate;
    # docs/clinical-rules.md#suicide-risk-question "Caregivers get the full PHQ-9 (or EPDS), not a
    # PHQ-2 gate, unless the practice opts in").
    "cdep_instrument_keys": None,
    # Who answered: a caregiver. CMS82's "mother" (measures.md §6a) is the caregiver recorded
    # as a birth parent (Caregiver.is_birth_parent): measure cdep_once; cdep_once_any and the
    # per-visit rates count any caregiver.
    "cdep_respondents": ("caregiver",),
    # Per-visit rates: None = the screen is in the visit's periodicity window (domain-reference
    # §2: "done when a qualifying result exists in that visit's window"); a number N = the screen
    # is within N days before or after the visit's date (medhome choice, a setting).
    "cdep_screen_days_from_visit": None,
    # CMS82: the 6-month birthday, and the qualifying visit "before 6 months of age"
    # (measures.md §6a). Visit kinds for that visit: None = any kind (CMS82 "face-to-face
    # visit"; counted_modalities above apply).
    "cdep_once_months": 6,
    "cdep_once_visit_kinds": None,
    # Autism screening instruments: None = the registry's autism row (M-CHAT-R, the M-CHAT-R/F
    # Follow-Up interview, SWYC POSI; docs/clinical-rules.md#autism-screening-measure).
    "asd_instrument_keys": None,
    # SNS-E (measures.md §7): screening counted from the period's start to its end minus 30 days
    # (Jan 1–Dec 1 for a calendar year) so the 30-day intervention fits in the period.
    "sns_screen_days_before_end": 30,
    "sns_followup_days": 30,
    # The domains each instrument covers: None = the item groups of every social_needs
    # instrument in the registry (HVS: food; AHC HRSN: housing, food, transportation, ...).
    "sns_instrument_domains": None,
    # The referral needs that count as the domain's intervention (unverified: the HEDIS
    # intervention value sets were not found, measures.md §7 and "Items not verified" 8).
    "sns_intervention_needs": {
        "food": ("food",),
        "housing": ("housing",),
        "transportation": ("transportation",),
    },
    # Referrals in these states are not an intervention (never sent, or never existed).
    "sns_referral_statuses_excluded": ("draft", "entered_in_error"),
    # A care-plan action recorded for the positive screening (PlanAction.screening), not
    # cancelled, also counts (docs/clinical-rules.md#social-needs-measure: "assistance, education or
    # care coordination recorded by the team"); False = referrals only.
    "sns_count_plan_actions": True,
    # --- Positive screens followed up (followup_measures.py) -----------------------------------
    # docs/clinical-rules.md#positive-screen-follow-up-measure (medhome measure): followed up on
    # the day found up to N days after (day N counts), and screens found up to N days before the
    # period's end (domain-reference §4: "followed up within 30 days" for every kind).
    "psf_days": 30,
    # --- Referral loop closure (referral_measures.py) -----------------------------------------
    # For a period made of whole calendar years, referrals sent in its last N months are left
    # out so each has time to close (CMS50 counts referrals of Jan 1–Oct 31; measures.md §9b).
    # Other periods count every referral sent in the period (medhome choice).
    "ref_cutoff_months": 2,
    # --- The reach of the practice's programs (program_measures.py) ----------------------------
    # docs/clinical-rules.md#program-reach (medhome measure): a positive screen has a program
    # contact on the day found up to N days after (day N counts), and screens found up to N days
    # before the period's end count (issue 18: "a program contact within 30 days").
    "program_contact_days": 30,
    # Which referrals count and what is closed are not settings here: referrals/loop.py
    # defines them once for the referral figures and these measures.
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


def cdep_instrument_keys(current: dict[str, Any] | None = None) -> tuple[str, ...]:
    keys = (current or rules())["cdep_instrument_keys"]
    if keys is not None:
        return tuple(keys)
    from medhome.instruments.registry import for_row
    from medhome.screening.rules import rule

    found = [i.key for i in for_row("caregiver_depression")]
    if not rule("caregiver_phq2_gate"):
        found = [key for key in found if key != "phq2"]
    return tuple(sorted(found))


def asd_instrument_keys(current: dict[str, Any] | None = None) -> tuple[str, ...]:
    keys = (current or rules())["asd_instrument_keys"]
    if keys is not None:
        return tuple(keys)
    from medhome.instruments.registry import for_row

    return tuple(sorted(i.key for i in for_row("autism")))


def sns_instruments_for(domain: str, current: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The instruments whose items cover `domain` (food, housing, transportation)."""
    mapping = (current or rules())["sns_instrument_domains"]
    if mapping is None:
        from medhome.instruments.registry import for_row

        mapping = {i.key: {item.group for item in i.items} for i in for_row("social_needs")}
    return tuple(sorted(key for key, domains in mapping.items() if domain in domains))


# Simplifications forced by the data medhome holds (stated next to every result).
ENROLLMENT = (
    "Continuous enrollment is approximated by panel attribution: one panel membership covering "
    "the measure's enrollment period, which may start up to 45 days after it opens (setting "
    "enrollment_gap_days) and has not ended on the anchor date; a break later in the period is "
    "not allowed."
)
ON_THE_PANEL = (
    "Counted only while the child is on the practice's panel (attribution): on the panel on the "
    "measure's anchor date (for a visit, the visit's day)."
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


_COMMON_VISIT = (ENROLLMENT, EXCLUSIONS, PCP, RECORD_NOT_CLAIMS)

SCORED_ONLY = (
    "A screen counts by its administered_on date and status 'scored'; partial (unscored) "
    "administrations do not count."
)
CAREGIVER_RESPONDENT = (
    "Any caregiver's screen counts, the birth parent's or another caregiver's (medhome's "
    "figure); CMS82 counts only the mother's, reported apart as the birth-parent figure."
)
BIRTH_PARENT_RESPONDENT = (
    "Only a screen answered by a caregiver recorded as a birth parent counts (CMS82 "
    "'maternal'); a screen by another caregiver, or with no caregiver recorded, does not. "
    "'Birth parent' is recorded per caregiver for the family's children, so a family whose "
    "children have different birth parents is approximated."
)
CDEP_INSTRUMENTS = (
    "Validated caregiver depression screens: the registry's caregiver_depression instruments "
    "(EPDS, PHQ-9; the PHQ-2 only where the practice opts in to a PHQ-2 gate, domain-reference "
    "§4). An EPDS embedded in a SWYC form counts only when recorded as its own EPDS "
    "administration. The screen's result (positive or not) and any follow-up are not required."
)
VISIT_WINDOW = (
    "'The N-month visit' is the child's first completed well-child visit (W30's visit rules: "
    "type, status, counted telehealth) whose date falls in the N-month periodicity window "
    "(domain-reference §2: 1 month from day 6 to 2 months - 15 days; 2, 4, 6 months from "
    "nominal age - 14 days to the next visit's opening - 1 day; MEDHOME_PERIODICITY_RULES). The "
    "hospital discharge date, which can open the 1-month window earlier, is not used here: "
    "the measures' windows follow the birth date. A second well-child visit in the same window "
    "is not a unit."
)
CDEP_VISITS = (
    ("cdep_1m", "1-month", ("1mo",)),
    ("cdep_2m", "2-month", ("2mo",)),
    ("cdep_4m", "4-month", ("4mo",)),
    ("cdep_6m", "6-month", ("6mo",)),
    ("cdep_visits", "1-, 2-, 4- and 6-month", ("1mo", "2mo", "4mo", "6mo")),
)
ASD_VISITS = (
    ("asd_18", "18 months", ("18mo",)),
    ("asd_24", "24 months", ("24mo",)),
    ("asd", "18 or 24 months (total)", ("18mo", "24mo")),
)
ASD_MONTHS = {"18mo": 18, "24mo": 24}
SNS_DOMAINS = (("food", "food"), ("housing", "housing"), ("transport", "transportation"))
REFERRAL_STATES = (
    ("ref_closed", "completed", "closed (completed with an outcome recorded)"),
    ("ref_rejected", "rejected", "declined by the organization"),
    ("ref_failed", "failed", "could not be completed"),
    ("ref_cancelled", "cancelled", "cancelled"),
)
SNS_COMMON = (
    "Denominator: children on the practice's panel on the period's last day with a completed "
    "visit of any kind and modality in the period (SNS-E's enrollment-based denominator and its "
    "age bands are unverified, measures.md §7).",
    "Screening window: the period's first day to its last day minus 30 days (Jan 1-Dec 1 for a "
    "calendar year; setting sns_screen_days_before_end).",
    "A completed screen is a scored administration of an instrument whose items cover the "
    "domain (HVS: food; AHC HRSN: food, housing, transportation) with a determined result "
    "(positive or negative); an HVS with both items declined ('not determined') and partial "
    "administrations do not count. Any respondent (caregiver or adolescent). PRAPARE, AAFP and "
    "the other HEDIS instruments are not in medhome's registry.",
    "Housing is the AHC HRSN living-situation items; HEDIS's exact positive-answer mapping is "
    "unverified (measures.md §7).",
)
SNS_FOLLOWUP = (
    "Intervention (HEDIS value sets unverified, measures.md §7): a referral for the matching "
    "need (setting sns_intervention_needs; default food -> food, housing -> housing, "
    "transportation -> transportation), not a draft nor entered in error, created on the "
    "screen's date up to 30 days after it; or a care-plan action linked to that positive "
    "screening (PlanAction.screening), not cancelled, created in the same 30 days. A care-plan "
    "action carries no need, so one linked to a screening positive in several domains counts "
    "for each of them. Tasks carry neither a need nor a screening and do not count.",
    "Any positive screen in the window followed by an intervention counts (not only the first "
    "positive).",
)
# key, the kinds of positive screen (medhome.nextsteps.definitions.ScreenKind), label.
PSF_MEASURES = (
    ("psf_autism", ("autism",), "autism risk"),
    ("psf_developmental", ("developmental",), "developmental concern"),
    ("psf_behavioral", ("behavioral",), "behavioral or social-emotional concern"),
    ("psf_caregiver_depression", ("caregiver_depression",), "caregiver depression"),
    ("psf_adolescent_depression", ("adolescent_depression",), "adolescent depression"),
    ("psf_substance_use", ("substance_use",), "substance use"),
    ("psf_social_needs", ("social_needs",), "social needs"),
    (
        "psf",
        (
            "autism",
            "developmental",
            "behavioral",
            "caregiver_depression",
            "adolescent_depression",
            "substance_use",
            "social_needs",
        ),
        "all kinds",
    ),
)
PSF_CONFIDENTIAL = frozenset({"psf_adolescent_depression", "psf_substance_use", "psf"})
PSF_COMMON = (
    "Unit: a positive screen (medhome.nextsteps: a scored form whose instrument's band is "
    "positive, and an M-CHAT-R at medium risk) of a child on the practice's panel on the day it "
    "was found, found from the period's first day to its last day minus 30 days (setting "
    "psf_days) so each has its 30 days in the period.",
    "Followed up (docs/clinical-rules.md#next-steps): a proposed step was done - marked done, "
    "its task closed as done, or its referral sent with the family's consent - on the day found "
    "up to 30 days after it (day 30 counts, day 31 does not). A screen whose steps were all "
    "declined, or still pending, is in the denominator and not in the numerator.",
    "A local measure (domain-reference §4: 'followed up within 30 days' is measured for every "
    "kind; no endorsed measure). The social-needs intervention rates (after SNS-E) count a "
    "referral or a care-plan action per domain and stay as they are; this rate counts the "
    "screen's own next steps.",
)
REFERRAL_COMMON = (
    "Unit: a referral the practice sent (requested_at) in the period; for a period made of "
    "whole calendar years, only those sent up to 2 months before its end (Jan 1-Oct 31, as "
    "CMS50 does; setting ref_cutoff_months); for any other period, every referral sent in it. "
    "Entered-in-error referrals never existed and are left out; drafts were never sent. A "
    "referral counts when the child was on the practice's panel on the day it was sent.",
    "The state is the referral's current state, counted when its closing day (closed_at) is "
    "on or before the period's last day; a referral closed after the period is open for it.",
    "After CMS50 (measures.md §9b), which counts the first referral per patient and a "
    "consultant's report: medhome counts every referral, and 'closed' is the organization "
    "completing it with an outcome recorded (domain-reference §6), not a specialist report.",
)

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
            group=WELL_CHILD,
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
            group=WELL_CHILD,
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
                group=WELL_CHILD,
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
                group=DEVELOPMENT,
            )
            for key, label in (
                ("dev_1", "1"),
                ("dev_2", "2"),
                ("dev_3", "3"),
                ("dev", "1, 2 or 3 (total)"),
            )
        ),
        *(
            Measure(
                key,
                f"Caregiver depression screening at the {label} visit"
                + ("s" if key == "cdep_visits" else ""),
                "domain-reference §6 (medhome measure) and §2 (caregiver depression row at the "
                "1-, 2-, 4- and 6-month visits; windows); measures.md §6a for the instruments",
                f"The child's {label} well-child visits with a date in the period (one per "
                "child and visit window).",
                "A scored validated caregiver depression screen answered by a caregiver, "
                "administered in that visit's periodicity window (or within the setting "
                "cdep_screen_days_from_visit of the visit's date when it is set).",
                (ON_THE_PANEL, VISIT_WINDOW, CDEP_INSTRUMENTS, CAREGIVER_RESPONDENT, SCORED_ONLY),
                unit="visit",
                group=CAREGIVER_DEPRESSION,
            )
            for key, label, _ in CDEP_VISITS
        ),
        # CMS82 counts the mother's screen (docs/clinical-rules.md#measures): "cdep_once" is that
        # figure,
        # as specified; "cdep_once_any" is medhome's any-caregiver figure beside it.
        *(
            Measure(
                key,
                title,
                "measures.md §6a (CMS82v7, former NQF 1401; may be retired); domain-reference §6",
                "Children whose 6-month birthday falls in the period with a completed visit (any "
                "kind, counted telehealth) from birth to the day before the 6-month birthday.",
                numerator,
                (
                    ON_THE_PANEL,
                    respondent,
                    CDEP_INSTRUMENTS,
                    SCORED_ONLY,
                    "CMS82's 'maternal postpartum depression care' intervention alternative is "
                    "not counted: medhome records screenings, not that SNOMED procedure.",
                    "'Face-to-face visit' is a completed visit of any kind whose modality the "
                    "counted_modalities setting counts (in person, video by default).",
                ),
                group=CAREGIVER_DEPRESSION,
            )
            for key, title, numerator, respondent in (
                (
                    "cdep_once",
                    "Maternal depression screening by 6 months: birth parent (as CMS82 specifies)",
                    "A scored validated caregiver depression screen answered by the child's "
                    "birth parent (CMS82: the mother) from the date of birth to the 6-month "
                    "birthday inclusive.",
                    BIRTH_PARENT_RESPONDENT,
                ),
                (
                    "cdep_once_any",
                    "Caregiver depression screening by 6 months: any caregiver (medhome)",
                    "A scored validated caregiver depression screen answered by any caregiver "
                    "from the date of birth to the 6-month birthday inclusive.",
                    CAREGIVER_RESPONDENT,
                ),
            )
        ),
        *(
            Measure(
                key,
                f"Autism screening at {label}",
                "domain-reference §6 (medhome measure, no endorsed measure: measures.md §9a); "
                "domain-reference §2 (autism row at 18 and 24 months; windows)",
                f"Children turning {label} in the period (the 18- / 24-month birthday = date "
                "of birth + 18 / 24 calendar months, clamped to the month's end).",
                "A scored M-CHAT-R, M-CHAT-R/F Follow-Up or SWYC POSI administered in the "
                "periodicity window of that visit (18 months: 18 months - 14 days to 24 months "
                "- 15 days; 24 months: 24 months - 14 days to 30 months - 15 days)"
                + (
                    "; a child turning both 18 and 24 months in the period needs one in each "
                    "window."
                    if key == "asd"
                    else "."
                ),
                (
                    ON_THE_PANEL,
                    SCORED_ONLY,
                    "A local measure (measures.md §9a: no endorsed autism-screening measure).",
                    "The window is the visit's periodicity window and may end after the "
                    "period: a screen recorded later counts when the measure is recomputed.",
                    "An M-CHAT-R medium-risk result counts as a screen even while its "
                    "Follow-Up interview is pending (the periodicity row would show 'next step "
                    "pending').",
                    "No exclusion for a confirmed autism diagnosis (not recorded as structured "
                    "data for measures).",
                ),
                group=DEVELOPMENT,
            )
            for key, label, _ in ASD_VISITS
        ),
        *(
            Measure(
                f"sns_{short}_screen",
                f"Social needs screening: {domain}",
                "measures.md §7 (HEDIS SNS-E, BCBSND tip sheet; NCQA FAQ 000023667); "
                "domain-reference §6",
                "Children with a completed visit in the period.",
                f"Screened for {domain} at least once in the screening window with an "
                "instrument covering the domain (any determined result, positive or negative).",
                (*SNS_COMMON,),
                group=SOCIAL_NEEDS,
            )
            for short, domain in SNS_DOMAINS
        ),
        *(
            Measure(
                f"sns_{short}_followup",
                f"Social needs intervention: {domain}",
                "measures.md §7 (HEDIS SNS-E); domain-reference §6",
                f"Children with a completed visit in the period and a screen positive for "
                f"{domain} in the screening window.",
                f"An intervention for {domain} from the positive screen's date to 30 days "
                "after it (a referral for the matching need, or a care-plan action linked to "
                "the screening).",
                (*SNS_COMMON, *SNS_FOLLOWUP),
                group=SOCIAL_NEEDS,
                lists_results=True,
            )
            for short, domain in SNS_DOMAINS
        ),
        *(
            Measure(
                key,
                f"Positive screens followed up within 30 days: {label}"
                + (" (total)" if key == "psf" else ""),
                "domain-reference §4 (next steps after a positive screen; medhome measure)",
                f"Positive screens ({label}) found from the period's first day to its last "
                "day minus 30 days.",
                "Followed up within 30 days of being found (a step done: marked done, its task "
                "done, or its referral sent).",
                PSF_COMMON,
                unit="screen",
                group=FOLLOW_UP,
                lists_results=True,
                lists_confidential=key in PSF_CONFIDENTIAL,
            )
            for key, _, label in PSF_MEASURES
        ),
        *(
            Measure(
                key,
                f"Referrals {label}",
                "domain-reference §6 (referral loop closure, medhome, after CMS50); "
                "measures.md §9b; domain-reference §7 (states)",
                "Referrals sent in the period (calendar year: sent Jan 1-Oct 31).",
                f"Referrals {label} by the period's last day"
                + (
                    "; median days from sending to completion among them."
                    if key == "ref_closed"
                    else "; never counted as closed."
                ),
                REFERRAL_COMMON
                + (
                    (
                        "Median days: from requested_at (sent) to closed_at, in days with "
                        "fractions, median of the closed referrals rounded to 0.1 (as the "
                        "referral figures page).",
                    )
                    if key == "ref_closed"
                    else ()
                ),
                unit="referral",
                group=REFERRALS,
            )
            for key, _, label in REFERRAL_STATES
        ),
        *program_definitions.measures(),
    )
}

# The dashboard's order: by group, then as listed above.
MEASURE_ORDER: tuple[str, ...] = tuple(
    key for group in GROUPS for key, m in MEASURES.items() if m.group == group
)


def get(key: str) -> Measure:
    return MEASURES[key]
