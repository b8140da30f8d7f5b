"""Distributions of the synthetic population, each a setting with its source.

Figures follow docs/clinical-rules.md#synthetic-population and
docs/clinical-rules.md#people-and-demographics, which cite NCHS / March of Dimes (preterm birth),
Census 2020 (race and ethnicity of children), KFF (Medicaid/CHIP coverage). Where that section gives
no figure the value is a **medhome default**, marked as such; change it here, not in the generator.
"""

from bisect import bisect
from collections.abc import Mapping
from itertools import accumulate
from random import Random


class Weighted[T]:
    """A discrete distribution drawn with one rng.random() call (same seed, same draws)."""

    def __init__(self, weights: Mapping[T, float]):
        self.values: tuple[T, ...] = tuple(weights)
        self.cumulative = tuple(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]

    def share(self, value: T) -> float:
        index = self.values.index(value)
        previous = self.cumulative[index - 1] if index else 0.0
        return (self.cumulative[index] - previous) / self.total


# --- Children -------------------------------------------------------------------------------
# ages 0–18 (to 21 for a few), weighted towards 0–5 as in a pediatric panel
# (≈ 41 % of children are 0–5 with these weights).
AGE_YEARS: Weighted[int] = Weighted(
    {0: 9.0, 1: 8.0, 2: 7.0, 3: 6.5, 4: 6.0, 5: 6.0}
    | dict.fromkeys(range(6, 12), 5.0)
    | dict.fromkeys(range(12, 18), 4.5)
    | {18: 3.0, 19: 1.0, 20: 0.6, 21: 0.3}
)
MAX_AGE_YEARS = 21
# Siblings are born at least this many days apart, unless they are twins (medhome default).
MIN_SIBLING_GAP_DAYS = 300
TWIN_SHARE = 0.03  # of households with 2+ children (≈ 3 % of US births are twins; NCHS)

# preterm (< 37 weeks) ≈ 10.4 % of births, most late preterm (34–36 weeks),
# ≈ 1.5 % < 32 weeks (US 2023–2024, NCHS / March of Dimes). 32–33 weeks takes the rest.
GESTATION_BAND: Weighted[str] = Weighted(
    {"under_32": 0.015, "32_33": 0.012, "34_36": 0.077, "term": 0.896}
)
GESTATION_WEEKS: dict[str, Weighted[int]] = {
    "under_32": Weighted({23: 1, 24: 2, 25: 2, 26: 3, 27: 3, 28: 4, 29: 5, 30: 6, 31: 8}),
    "32_33": Weighted({32: 1, 33: 1.3}),
    "34_36": Weighted({34: 1, 35: 1.5, 36: 2.6}),
    "term": Weighted({37: 12, 38: 25, 39: 40, 40: 17, 41: 6}),
}
# Term children: gestational age is mostly not recorded (medhome default); when it is, days
# are given half the time. Preterm children always have weeks and days.
TERM_GESTATION_RECORDED_SHARE = 0.3
TERM_GESTATION_DAYS_SHARE = 0.5

# Sex assigned at birth (≈ 105 boys per 100 girls at birth; NCHS); "unknown" is rare.
SEX_AT_BIRTH: Weighted[str] = Weighted({"male": 0.511, "female": 0.488, "unknown": 0.001})

# Children with special health care needs ≈ 1 in 5 (National Survey of Children's Health,
# HRSA MCHB; not in the reference figures — unverified, medhome default); higher after birth
# before 32 weeks.
SPECIAL_NEEDS_SHARE = 0.19
SPECIAL_NEEDS_SHARE_VERY_PRETERM = 0.6

# Adolescents (13+) who share a gender identity and pronouns (medhome default).
ADOLESCENT_AGE = 13
PRONOUNS_SHARE = 0.2
NONBINARY_SHARE = 0.02
TRANSGENDER_SHARE = 0.01

# Children who go by a nickname, when their name has one; children of Vietnamese- and
# Chinese-speaking families who go by an English name (medhome defaults).
NICKNAME_SHARE = 0.35
CHOSEN_ENGLISH_NAME_SHARE = 0.2

# --- Race and ethnicity ---------------------------------------------------------------------
# US children, Census 2020, under 18: Hispanic 26 %, non-Hispanic White 47 %, Black 14 %,
# Asian 5 %, multiracial 5 %, AIAN 1 %, NHPI < 0.5 %. Middle Eastern or North African (a 2024
# OMB category, counted as White in 2020) takes 1.2 points of White so that Arabic-speaking
# families exist; "multiple" becomes two categories (MULTIRACIAL_PAIRS). Drawn per household.
HERITAGE: Weighted[str] = Weighted(
    {
        "hispanic": 26.0,
        "white": 45.8,
        "mena": 1.2,
        "black": 14.0,
        "asian": 5.0,
        "multiple": 5.0,
        "aian": 1.0,
        "nhpi": 0.3,
    }
)
# Two-category combinations of multiracial children (medhome default, most common first).
MULTIRACIAL_PAIRS: Weighted[tuple[str, str]] = Weighted(
    {
        ("white", "black"): 35,
        ("white", "hispanic"): 20,
        ("white", "asian"): 15,
        ("white", "aian"): 10,
        ("black", "hispanic"): 12,
        ("asian", "hispanic"): 4,
        ("black", "aian"): 4,
    }
)
# What the registration form holds: the categories, "declined", or nothing yet (medhome default).
RACE_RECORDED: Weighted[str] = Weighted({"given": 0.93, "declined": 0.03, "not_asked": 0.04})
RACE_DETAIL_SHARE = 0.3  # households that add their own words (e.g. "Dominican")

# --- Language -------------------------------------------------------------------------------
# preferred language Spanish ≈ 25 % in the demo practices; Vietnamese, Arabic, Haitian
# Creole, Chinese, Somali ≈ 1 % each; the rest English. Drawn per household given its heritage,
# so names and language agree: 0.26 × 0.93 + multiracial-with-Hispanic ≈ 25 % Spanish.
# With Census 2020 heritage shares, 25 % Spanish means most Hispanic families prefer Spanish;
# a safety-net profile would raise the Hispanic share instead (the figures allow the shift).
LANGUAGE_BY_HERITAGE: dict[str, Weighted[str]] = {
    "hispanic": Weighted({"es": 0.93, "en": 0.07}),
    "white": Weighted({"en": 1.0}),
    "mena": Weighted({"ar": 0.85, "en": 0.15}),
    "black": Weighted({"en": 0.86, "ht": 0.07, "so": 0.07}),
    "asian": Weighted({"en": 0.6, "vi": 0.2, "zh": 0.2}),
    "aian": Weighted({"en": 1.0}),
    "nhpi": Weighted({"en": 1.0}),
}
MULTIRACIAL_HISPANIC_SPANISH_SHARE = 0.25
# A second caregiver of a non-English-speaking household who prefers English (medhome default).
SECOND_CAREGIVER_ENGLISH_SHARE = 0.2
# Caregivers whose preferred language is not English who ask for an interpreter (medhome default).
INTERPRETER_SHARE = 0.75

# --- Payer ----------------------------------------------------------------------------------
# Medicaid/CHIP ≈ 50 % in the demo practices (national ≈ 40 %, KFF), uninsured ≈ 5 %.
# Families whose home language is not English are more often publicly covered or uninsured
# (a disparity the equity view should show); overall 0.7 × 43 % + 0.3 × 70 % ≈ 51 % public.
PAYER_ENGLISH: Weighted[str] = Weighted(
    {"medicaid": 36, "chip": 7, "commercial": 49, "uninsured": 4, "other": 4}
)
PAYER_OTHER_LANGUAGE: Weighted[str] = Weighted(
    {"medicaid": 58, "chip": 12, "commercial": 20, "uninsured": 9, "other": 1}
)
# American Indian / Alaska Native families: Indian Health Service is "other"
# (docs/clinical-rules.md#people-and-demographics).
PAYER_AIAN: Weighted[str] = Weighted(
    {"medicaid": 45, "chip": 7, "commercial": 18, "uninsured": 5, "other": 25}
)
SIBLING_OTHER_PAYER_SHARE = 0.08  # a sibling covered differently (e.g. CHIP by age/income)

# --- Households -----------------------------------------------------------------------------
# households of 1–4 children (mean ≈ 1.8 here: medhome default).
CHILDREN_PER_HOUSEHOLD: Weighted[int] = Weighted({1: 45, 2: 33, 3: 15, 4: 7})
# 1–2 caregivers, some grandparents or foster caregivers as legal guardians. The shares of
# household types are a medhome default.
HOUSEHOLD_TYPE: Weighted[str] = Weighted(
    {
        "two_parents": 0.55,
        "single_mother": 0.25,
        "single_father": 0.05,
        "grandparents": 0.07,
        "foster": 0.04,
        "aunt_uncle": 0.02,
        "guardian": 0.02,
    }
)
SAME_SEX_PARENTS_SHARE = 0.04  # of two-parent households: relationship "parent" for both
SECOND_CAREGIVER_SHARE = {"grandparents": 0.5, "foster": 0.5, "single_mother": 0.15}
FOSTER_LEGAL_GUARDIAN_SHARE = 0.25  # kinship or pre-adoptive guardianship; else the state
COMPOUND_SURNAME_SHARE = 0.35  # Hispanic children registered "Father Mother"
HYPHENATED_SURNAME_SHARE = 0.04  # other two-parent households
MARRIED_NAME_SHARE = 0.6  # mothers who took the children's surname, where that is the custom
SINGLE_MOTHER_OWN_SURNAME_SHARE = 0.55
APARTMENT_SHARE = 0.45

# --- Reaching the family --------------------------------------------------------------------
# medhome defaults: text most common, then phone, portal, email, print, in person.
CHANNEL: Weighted[str] = Weighted(
    {"text": 45, "phone": 25, "portal": 12, "email": 7, "print": 5, "in_person": 4}
)
PHONE_SHARE = 0.9  # caregivers with a phone when their channel does not need one
EMAIL_SHARE = {"en": 0.6, "other": 0.35}  # when their channel does not need one
EMAIL_DOMAINS = ("example.org", "example.com")  # RFC 2606: never anyone's real address
AVAILABILITY_SHARE = 0.8  # primary caregivers who give hours; second caregivers: half as often
TRANSPORTATION_BARRIER_SHARE = 0.15  # households (medhome default from the issue)
CULTURE_SHARE = 0.6  # primary caregivers who write about culture and identity
STRENGTHS_SHARE = 0.7  # primary caregivers who name their family's strengths
SECOND_SENTENCE_SHARE = 0.4

# --- Practices ------------------------------------------------------------------------------
SECOND_SITE_SHARE = 0.5  # practices with a second site (the reference asks for 1–2 sites)


# --- Attribution (docs/clinical-rules.md#attribution) -----------------------------------------
# medhome defaults: the share of children whose membership has ended by the as-of date (a
# parameter of the generator, `ended_share`), the share who joined after birth, the reasons a
# membership ended, and the age from which an ending is "aged out".
PANEL_ENDED_SHARE = 0.04
PANEL_JOINED_LATER_SHARE = 0.15
PANEL_AGE_OUT_YEARS = 18
PANEL_END_REASONS: Weighted[str] = Weighted({"transferred": 0.6, "moved": 0.4})
