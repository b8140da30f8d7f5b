"""Rates of the measure histories (medhome_history): visits, screens, positives, referrals.

INVENTED DATA. Base rates sit in the published ranges of docs/clinical-rules.md#synthetic-population
(caregiver depression ≈ 10–15 % positive, M-CHAT-R medium/high ≈ 5–10 %, food insecurity ≈ 10–20 %
of households with children); the differences between payers and languages are made up so that the
equity views have something to show. They describe no real population.
"""

# Well-child visit adherence by age in months at the visit (upper bound, share), as in
# visit_history.ADHERENCE, minus the penalties below (invented disparities).
ADHERENCE = ((15, 0.92), (36, 0.78), (132, 0.7), (10_000, 0.56))
PAYER_VISIT_PENALTY = {"medicaid": 0.04, "chip": 0.04, "uninsured": 0.15, "other": 0.02}
LANGUAGE_VISIT_PENALTY = 0.05  # preferred language other than English
SICK_VISITS_PER_YEAR = ((60, 1.6), (10_000, 0.7))
VIDEO_SHARE = 0.08  # of sick visits

# Share of visits at which the screen is given, before the factors below.
SCREEN_RATE = {
    "developmental": 0.86,  # at the 9-, 18- and 30-month visits
    "autism": 0.84,  # M-CHAT-R at 18 and 24 months
    "caregiver_depression": 0.78,  # EPDS at 1, 2, 4 and 6 months
    "social_needs": 0.55,  # HVS or AHC HRSN at any well-child visit
}
# Multiplied into every screening rate (invented): fewer screens where the family's language is
# not English (no validated translation at hand, no interpreter booked) or coverage is thin.
LANGUAGE_SCREEN_FACTOR = {"en": 1.0, "es": 0.82}
OTHER_LANGUAGE_SCREEN_FACTOR = 0.7
PAYER_SCREEN_FACTOR = {"commercial": 1.0, "medicaid": 0.95, "chip": 0.95, "other": 0.95}
UNINSURED_SCREEN_FACTOR = 0.8
# Each practice screens a little more or less: a factor drawn from this range per practice.
PRACTICE_SCREEN_FACTOR = (0.85, 1.08)
# Share of practices whose developmental screen is SWYC Milestones (the rest use ASQ-3), and
# share of social-needs screens done with the AHC HRSN core (the rest: Hunger Vital Sign).
SWYC_PRACTICE_SHARE = 0.3
AHC_SHARE = 0.7

# Positive rates by payer (invented spread around the published ranges).
EPDS_POSITIVE = {"commercial": 0.08, "medicaid": 0.15, "chip": 0.14, "uninsured": 0.17}
DEV_POSITIVE = 0.1
MCHAT_MEDIUM, MCHAT_HIGH = 0.055, 0.02
FOOD_INSECURE = {"commercial": 0.06, "medicaid": 0.21, "chip": 0.18, "uninsured": 0.27}
DEFAULT_POSITIVE_PAYER = "medicaid"
# Other domains relative to food insecurity.
DOMAIN_RATIO = {"housing": 0.5, "transportation": 0.4, "utilities": 0.3}

# Referral after a positive screen (need by screen result), lower when the family's language is
# not English (invented).
REFERRAL_RATE = {
    "food": 0.62,
    "housing": 0.55,
    "transportation": 0.5,
    "utilities": 0.4,
    "mental_health": 0.35,
    "early_intervention": 0.5,
}
REFERRAL_LANGUAGE_FACTOR = 0.75
REFERRAL_DELAY_DAYS = ((0.7, 0), (0.9, 7), (1.0, 40))  # (cumulative share, up to n days later)
# How referrals end (cumulative shares): the organization never answers, declines, accepts
# and the loop is still open, completes (with an outcome), fails, or the practice cancels.
REFERRAL_FATE = (
    (0.08, "requested"),
    (0.16, "rejected"),
    (0.26, "accepted"),
    (0.3, "in_progress"),
    (0.84, "completed"),
    (0.92, "failed"),
    (1.0, "cancelled"),
)
REFERRAL_OUTCOMES = (
    "need_met",
    "need_met",
    "need_met",
    "need_met",
    "partly_met",
    "partly_met",
    "not_met",
    "family_declined",
    "unable_to_reach",
)
# Families whose language is not English are harder to reach by the organization (invented):
# this share of their completions become "failed" instead.
LANGUAGE_FAILED_SHARE = 0.12
