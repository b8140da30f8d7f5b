"""The programs medhome ships as definitions: facts only, each cited to the program's own public
pages as read for domain-reference §14 (2026-12). A practice runs a program by adding it from this
catalogue (its row copies the facts, which the practice may then adjust) or by defining its own
program the same way (`Program.definition` blank).

Values §14 marks **unverified** are settings, not literals: `MEDHOME_PROGRAMS` (see
`settings_for`). Contact kinds, topics, settings of a contact, concrete supports and the
Strengthening Families protective factors are medhome's vocabulary for recording a contact in
seconds; none is an instrument's wording.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DAYS_PER_MONTH = 30.4375
DAYS_PER_YEAR = 365.25


def months(n: float) -> int:
    return round(n * DAYS_PER_MONTH)


def years(n: float) -> int:
    return round(n * DAYS_PER_YEAR)


def fewest_days_in_months(n: int) -> int:
    """The fewest days n calendar months can span (6 → 181): a lower age bound in days that
    lets in every child who is n calendar months old, whatever month they were born in."""

    def first_of(k: int) -> date:
        return date(2024 + k // 12, k % 12 + 1, 1)

    return min((first_of(k + n) - first_of(k)).days for k in range(48))


# What happened at a contact (the kinds a program lists are the ones its form offers).
CONTACT_KINDS: dict[str, Promise] = {
    "book_given": _("Book given, with guidance on reading aloud"),
    "vip_session": _("VIP session with the coach"),
    "hs_consult": _("HealthySteps specialist contact"),
    "hs_team_visit": _("Well-child visit with the HealthySteps specialist"),
    "dulce_visit": _("Family specialist at the well-child visit"),
    "dulce_case_review": _("DULCE case review"),
    "chw_outreach": _("Outreach attempt"),
    "chw_visit": _("Community health worker visit"),
    "contact": _("Contact"),
}
# DULCE's weekly interdisciplinary case review (§14) is the team's meeting, not one
# specialist's contact: whoever records the review (a role with plan.edit) records its contact,
# attributed to their own role, whatever roles the program lists (clinical-rules#programs).
CASE_REVIEW_KIND = "dulce_case_review"
TEAM_KINDS = frozenset({CASE_REVIEW_KIND})

# Where the contact happened (HealthySteps: "in clinic, by phone, at home").
SETTINGS: dict[str, Promise] = {
    "clinic": _("In clinic"),
    "phone": _("By phone"),
    "home": _("At home"),
    "video": _("By video"),
    "text": _("By text message"),
    "community": _("In the community"),
}

# The outcome of an outreach attempt (a CHW's call, text or knock on the door).
OUTREACH_OUTCOMES: dict[str, Promise] = {
    "reached": _("Reached the family"),
    "left_message": _("Left a message"),
    "not_reached": _("Could not reach the family"),
    "wrong_number": _("Wrong number or address"),
}
REACHED = "reached"

# What a contact was about: HealthySteps' tier 2 components (§14: development and behavior,
# care coordination and systems navigation, positive parenting, early learning) and the family
# needs its tier 1 screens for, in medhome's words.
TOPICS: dict[str, Promise] = {
    "development": _("Child development"),
    "behavior": _("Behavior"),
    "sleep": _("Sleep"),
    "feeding": _("Feeding"),
    "crying_soothing": _("Crying and soothing"),
    "positive_parenting": _("Positive parenting"),
    "early_learning": _("Early learning, reading and play"),
    "parent_wellbeing": _("The parent's well-being"),
    "family_needs": _("Family needs (food, housing, utilities)"),
    "care_navigation": _("Finding services and care coordination"),
    "benefits": _("Benefits and income"),
    "child_care": _("Child care"),
}

# Strengthening Families Protective Factors (CSSP; domain-reference §14): the vocabulary for the
# strengths a contact records, next to the parent's own words.
PROTECTIVE_FACTORS: dict[str, Promise] = {
    "resilience": _("Parental resilience"),
    "social_connections": _("Social connections"),
    "knowledge": _("Knowledge of parenting and child development"),
    "concrete_support": _("Concrete support in times of need"),
    "child_competence": _("Social and emotional competence of the child"),
}

# Concrete supports DULCE and CHWs help families get (§14: income, benefits such as WIC, SNAP,
# Medicaid, food, housing, utilities), each reached through a referral of the existing loop with
# the referral need it travels as.
SUPPORTS: dict[str, Promise] = {
    "wic": _("WIC"),
    "snap": _("SNAP (food benefits)"),
    "medicaid_renewal": _("Medicaid/CHIP enrollment or renewal"),
    "child_care_subsidy": _("Child care subsidy"),
    "utility_assistance": _("Utility assistance"),
    "housing": _("Housing"),
}
SUPPORT_NEEDS: dict[str, str] = {
    "wic": "benefits",
    "snap": "benefits",
    "medicaid_renewal": "benefits",
    "child_care_subsidy": "child_care",
    "utility_assistance": "utilities",
    "housing": "housing",
}
LEGAL_NEED = "legal"


@dataclass(frozen=True)
class Tier:
    key: str
    name: Promise
    # Who the tier is for, in words (HealthySteps' tiers are chosen by the team, not computed).
    criteria: Promise
    contact_every_days: int | None = None


@dataclass(frozen=True)
class Definition:
    key: str
    name: Promise
    summary: Promise
    source: str
    min_age_days: int | None
    max_age_days: int | None  # exclusive: a child is eligible while younger than this
    roles: tuple[str, ...]  # the roles that deliver it (record its contacts)
    contact_kinds: tuple[str, ...]
    tiers: tuple[Tier, ...] = ()
    # Every eligible child is in it without an enrolment (Reach Out and Read's book at each
    # well-child visit): contacts need no enrolment, and "not reached" means no contact lately.
    universal: bool = False
    # Reached by referral to a partner organization: no enrolment in medhome, the referral is
    # the loop (§14: home visiting, Help Me Grow).
    referral_need: str = ""
    contact_every_days: int | None = None
    serves: tuple[str, ...] = field(default=())  # periodicity rows or measures it serves


def _setting(program: str, name: str, default: Any) -> Any:
    return settings.MEDHOME_PROGRAMS.get(program, {}).get(name, default)


def catalogue() -> dict[str, Definition]:
    """The shipped definitions, with the unverified values read from the settings."""
    return {
        definition.key: definition
        for definition in (
            Definition(
                key="reach_out_and_read",
                name=_("Reach Out and Read"),
                summary=_(
                    "At each well-child visit from 6 months to 5 years, a new book for the child "
                    "to keep, chosen for their age, culture and language, and guidance to the "
                    "parent on reading aloud together."
                ),
                source="reachoutandread.org (domain-reference §14)",
                # The 6-month visit of a child born in the shortest six months is day 181.
                min_age_days=fewest_days_in_months(6),
                max_age_days=years(5),
                roles=(
                    "pediatrician",
                    "nurse_practitioner",
                    "nurse",
                    "family_specialist",
                    "community_health_worker",
                ),
                contact_kinds=("book_given",),
                universal=True,
                # "Without a book this year": the eligible-not-reached list looks back a year.
                contact_every_days=365,
                serves=("well_child_visits", "anticipatory_guidance"),
            ),
            Definition(
                key="vip",
                name=_("Video Interaction Project"),
                summary=_(
                    "From birth, sessions with a VIP coach on the day of well-child visits: a "
                    "short video of parent and child playing or reading, watched together to "
                    "reinforce what the parent does well; a toy or book and a learning guide go "
                    "home."
                ),
                source="NYU Video Interaction Project pages (domain-reference §14)",
                min_age_days=0,
                max_age_days=_setting("vip", "max_age_days", years(5)),
                roles=("family_specialist", "community_health_worker", "behavioral_health"),
                contact_kinds=("vip_session",),
                contact_every_days=_setting("vip", "contact_every_days", 92),
                serves=("well_child_visits",),
            ),
            Definition(
                key="healthysteps",
                name=_("HealthySteps"),
                summary=_(
                    "Children 0–3: tier 1 universal screening and guidance, tier 2 short-term "
                    "support for mild concerns, tier 3 comprehensive, ongoing team visits with the "
                    "HealthySteps specialist."
                ),
                source="healthysteps.org (ZERO TO THREE; domain-reference §14)",
                min_age_days=0,
                max_age_days=years(3),
                roles=("family_specialist", "behavioral_health"),
                contact_kinds=("hs_consult", "hs_team_visit"),
                tiers=(
                    Tier(
                        "1",
                        _("Tier 1 — universal"),
                        _("Every family with a child 0–3: screening, guidance, a support line."),
                    ),
                    Tier(
                        "2",
                        _("Tier 2 — short-term support"),
                        _("Mild concerns: typically 1–3 consults, navigation, parenting guidance."),
                        _setting("healthysteps", "tier2_contact_every_days", 30),
                    ),
                    Tier(
                        "3",
                        _("Tier 3 — comprehensive"),
                        _("Higher risk: ongoing team-based well-child visits with the specialist."),
                        _setting("healthysteps", "tier3_contact_every_days", 30),
                    ),
                ),
                serves=("developmental", "maternal_depression", "social_needs"),
            ),
            Definition(
                key="dulce",
                name=_("DULCE"),
                summary=_(
                    "Families with infants from birth to 6 months: a family specialist at each "
                    "well-child visit, a weekly interdisciplinary case review with a legal partner "
                    "and an early childhood systems representative, and concrete supports such as "
                    "benefits enrollment."
                ),
                source="CSSP DULCE pages (domain-reference §14)",
                min_age_days=0,
                max_age_days=months(6) + 1,
                roles=("family_specialist",),
                contact_kinds=("dulce_visit", "dulce_case_review"),
                # §14: the team meets weekly (frequency unverified) — a setting.
                contact_every_days=_setting("dulce", "review_every_days", 7),
                serves=("well_child_visits", "maternal_depression", "social_needs"),
            ),
            Definition(
                key="chw",
                name=_("Community health workers"),
                summary=_(
                    "Outreach, navigation and home visits for the families on a community health "
                    "worker's caseload."
                ),
                source="domain-reference §14 (community health workers)",
                min_age_days=None,
                max_age_days=None,
                roles=("community_health_worker",),
                contact_kinds=("chw_outreach", "chw_visit"),
                contact_every_days=_setting("chw", "contact_every_days", 14),
                serves=("social_needs",),
            ),
            Definition(
                key="home_visiting",
                name=_("Home visiting"),
                summary=_("Home visiting programs in the community, reached by referral."),
                source="domain-reference §14",
                # The ages home visiting programs serve vary by model (§14 is silent): a setting.
                min_age_days=0,
                max_age_days=_setting("home_visiting", "max_age_days", years(5)),
                roles=(),
                contact_kinds=(),
                referral_need="home_visiting",
            ),
            Definition(
                key="help_me_grow",
                name=_("Help Me Grow"),
                summary=_(
                    "A centralized access point (call or web) that links families to "
                    "developmental and family-support services; reached by referral."
                ),
                source="domain-reference §14",
                # §14 gives no age range for Help Me Grow: a setting.
                min_age_days=0,
                max_age_days=_setting("help_me_grow", "max_age_days", years(8)),
                roles=(),
                contact_kinds=(),
                referral_need="developmental_evaluation",
            ),
        )
    }
