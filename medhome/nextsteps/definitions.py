"""The next steps a positive screen proposes, as data (docs/clinical-rules.md#next-steps).

Source for every step: /work/shared/docs/domain-reference.md §4 "Next steps after a positive
screen" (cited below as "domain-reference §4"), and the publications it names next to each
kind. The system proposes; a clinician decides (a step may be declined with a reason).

Which screens are positive is the instruments' own business (their bands, medhome.instruments):
this module only reads the scored result (`positive`, `band`, `positive_domains`).
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from medhome.directory.vocabulary import NEED_FOR_SCREENING_DOMAIN, Need


class ScreenKind(models.TextChoices):
    DEVELOPMENTAL = "developmental", _("Developmental concern")
    AUTISM = "autism", _("Autism risk")
    BEHAVIORAL = "behavioral", _("Behavioral or social-emotional concern")
    CAREGIVER_DEPRESSION = "caregiver_depression", _("Caregiver depression")
    ADOLESCENT_DEPRESSION = "adolescent_depression", _("Adolescent depression")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    SOCIAL_NEEDS = "social_needs", _("Social needs")


@dataclass(frozen=True)
class StepDefinition:
    key: str
    label: Promise
    source: str  # the publication the step comes from, cited as domain-reference §4 names it
    need: str = ""  # the referral need "Refer" starts; "" = no referral (do it, or a task)
    # Partner violence / safety: never on a family page, link, print or message.
    safety: bool = False


AAP_AUTISM = "AAP clinical report, Hyman, Levy & Myers, Pediatrics 2020;145(1):e20193447"
AAP_DEVELOPMENT = "AAP clinical report, Lipkin & Macias, Pediatrics 2020;145(1):e20193449"
AAP_CAREGIVER_DEPRESSION = "AAP clinical report, Earls et al., Pediatrics 2019;143(1):e20183259"
GLAD_PC = "GLAD-PC, Zuckerbrot et al., Pediatrics 2018;141(3):e20174081"
AAP_SBIRT = "AAP policy statement, Pediatrics 2016;138(1):e20161211"
MCHAT = "M-CHAT-R/F scoring (Robins et al.; docs/domain/instruments.md §5): medium risk → Follow-Up"
SOCIAL = "domain-reference §4 and §7 (Gravity SDOHCC: resources and a referral with consent)"
SAFETY = "domain-reference §4 (partner violence: a private conversation first; NDVH 1-800-799-7233)"

STEPS: dict[str, StepDefinition] = {
    step.key: step
    for step in (
        # Autism risk: refer at the same time to EI (under 3) and for a diagnostic evaluation,
        # do not wait for one before the other, and arrange a hearing evaluation.
        StepDefinition(
            "early_intervention",
            _("Refer to Early Intervention (Part C)"),
            AAP_AUTISM + "; " + AAP_DEVELOPMENT,
            Need.EARLY_INTERVENTION,
        ),
        StepDefinition(
            "preschool_special_education",
            _("Refer to the school district's early childhood special education"),
            AAP_DEVELOPMENT,
            Need.PRESCHOOL_SPECIAL_EDUCATION,
        ),
        StepDefinition(
            "diagnostic_evaluation",
            _("Refer for a diagnostic (developmental) evaluation"),
            AAP_AUTISM,
            Need.DEVELOPMENTAL_EVALUATION,
        ),
        StepDefinition(
            "audiology",
            _("Arrange a hearing (audiology) evaluation"),
            AAP_AUTISM,
            Need.AUDIOLOGY,
        ),
        StepDefinition("mchat_follow_up", _("Give the M-CHAT-R/F Follow-Up interview"), MCHAT),
        # General developmental concern: EI or the school district, and a medical evaluation as
        # indicated (hearing and vision included) while surveillance continues.
        StepDefinition(
            "medical_evaluation",
            _("Medical evaluation as indicated, hearing and vision included"),
            AAP_DEVELOPMENT,
        ),
        # Behavioral / social-emotional: a behavioral health clinician, a warm hand-off the same
        # day when one works on site (a HealthySteps specialist under 3).
        StepDefinition(
            "behavioral_health_handoff",
            _("Warm hand-off to the behavioral health clinician"),
            "domain-reference §4 (behavioral / social-emotional concern)",
            Need.MENTAL_HEALTH,
        ),
        # Caregiver depression: talk with the parent, refer to the parent's own clinician or a
        # mental health provider, offer community and peer supports.
        StepDefinition(
            "talk_with_parent", _("Talk with the parent about the result"), AAP_CAREGIVER_DEPRESSION
        ),
        StepDefinition(
            "parent_mental_health",
            _("Refer the parent to their own clinician or a mental health provider"),
            AAP_CAREGIVER_DEPRESSION,
            Need.PARENT_MENTAL_HEALTH,
        ),
        StepDefinition(
            "peer_support",
            _("Offer community and peer support"),
            AAP_CAREGIVER_DEPRESSION,
            Need.PARENTING,
        ),
        # Adolescent depression: assess suicide risk and make a safety plan; treat or actively
        # monitor mild depression, consult or refer for moderate and severe; follow up.
        StepDefinition(
            "suicide_risk_assessment",
            _("Assess suicide risk and make a safety plan"),
            GLAD_PC,
        ),
        StepDefinition(
            "treat_or_refer",
            _("Treat or monitor in primary care, or refer to mental health"),
            GLAD_PC,
            Need.MENTAL_HEALTH,
        ),
        # Substance use (CRAFFT ≥ 2): brief intervention and, when indicated, referral (SBIRT).
        StepDefinition("brief_intervention", _("Brief intervention"), AAP_SBIRT),
        StepDefinition(
            "substance_use_referral",
            _("Referral to treatment when indicated"),
            AAP_SBIRT,
            Need.SUBSTANCE_USE,
        ),
        # Social needs: resources and a referral the family wants, per positive domain.
        *(
            StepDefinition(f"resources_{domain}", label, SOCIAL, NEED_FOR_SCREENING_DOMAIN[domain])
            for domain, label in (
                ("food", _("Offer food resources or a referral")),
                ("housing", _("Offer housing resources or a referral")),
                ("utilities", _("Offer help with utilities or a referral")),
                ("transportation", _("Offer transportation resources or a referral")),
            )
        ),
        StepDefinition(
            "safety_conversation",
            _("Talk privately about safety; offer the hotline and a referral"),
            SAFETY,
            Need.SAFETY,
            safety=True,
        ),
    )
}

# The instruments whose positive result is each kind (their rows, medhome.instruments). A
# first-stage form whose positive result only calls for the full form (PHQ-2 → PHQ-9,
# GAD-2 → GAD-7) is not a positive screen yet: the full form decides.
DEVELOPMENTAL_KEYS_PREFIX = "swyc_milestones_"
KIND_OF_INSTRUMENT: dict[str, str] = {
    "asq3": ScreenKind.DEVELOPMENTAL,
    "mchat_r": ScreenKind.AUTISM,
    "mchat_rf_followup": ScreenKind.AUTISM,
    "swyc_posi": ScreenKind.AUTISM,
    "asqse2": ScreenKind.BEHAVIORAL,
    "psc17": ScreenKind.BEHAVIORAL,
    "swyc_bpsc": ScreenKind.BEHAVIORAL,
    "swyc_ppsc": ScreenKind.BEHAVIORAL,
    "gad7": ScreenKind.BEHAVIORAL,
    "epds": ScreenKind.CAREGIVER_DEPRESSION,
    "phq9": ScreenKind.CAREGIVER_DEPRESSION,  # the adolescent's own PHQ-9: see kind_of
    "phqa": ScreenKind.ADOLESCENT_DEPRESSION,
    "crafft": ScreenKind.SUBSTANCE_USE,
    "hvs": ScreenKind.SOCIAL_NEEDS,
    "ahc_hrsn": ScreenKind.SOCIAL_NEEDS,
}


def kind_of(instrument_key: str, respondent: str) -> str | None:
    if instrument_key.startswith(DEVELOPMENTAL_KEYS_PREFIX):
        return ScreenKind.DEVELOPMENTAL
    kind = KIND_OF_INSTRUMENT.get(instrument_key)
    if kind == ScreenKind.CAREGIVER_DEPRESSION and respondent == "adolescent":
        return ScreenKind.ADOLESCENT_DEPRESSION
    return kind


def is_positive(instrument_key: str, *, positive: bool | None, band: str) -> bool:
    """The instrument's own positive bands; and an M-CHAT-R at medium risk, whose result waits
    for the Follow-Up interview (docs/clinical-rules.md#next-steps)."""
    if instrument_key == "mchat_r" and band == "medium":
        return True
    return bool(positive)


def age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def steps_for(
    kind: str,
    *,
    instrument_key: str,
    band: str,
    positive_domains: list[str],
    born: date,
    on: date,
) -> list[str]:
    """The step keys a positive screen of `kind` proposes, in the order to offer them."""
    early = "early_intervention" if age_in_years(born, on) < 3 else "preschool_special_education"
    if kind == ScreenKind.AUTISM:
        if instrument_key == "mchat_r" and band == "medium":
            return ["mchat_follow_up"]
        return [early, "diagnostic_evaluation", "audiology"]
    if kind == ScreenKind.DEVELOPMENTAL:
        return [early, "medical_evaluation"]
    if kind == ScreenKind.BEHAVIORAL:
        return ["behavioral_health_handoff"]
    if kind == ScreenKind.CAREGIVER_DEPRESSION:
        return ["talk_with_parent", "parent_mental_health", "peer_support"]
    if kind == ScreenKind.ADOLESCENT_DEPRESSION:
        return ["suicide_risk_assessment", "treat_or_refer"]
    if kind == ScreenKind.SUBSTANCE_USE:
        return ["brief_intervention", "substance_use_referral"]
    if kind == ScreenKind.SOCIAL_NEEDS:
        # In the screen's order of domains: medhome records no ranking by the family yet.
        keys = []
        for domain in positive_domains:
            key = "safety_conversation" if domain == "safety" else f"resources_{domain}"
            if key in STEPS and key not in keys:
                keys.append(key)
        return keys
    return []
