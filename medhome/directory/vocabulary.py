"""The needs a family may be referred for: the directory's taxonomy of services and the
referral's reason share it. Each maps to a Gravity SDOHCC category where one exists
(HL7 SDOH Clinical Care IG, SDOHCC-ValueSetSDOHCategory; shared/docs/domain/interop-codes.md §1.9),
so a referral can be exported as a FHIR ServiceRequest.category."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Need(models.TextChoices):
    FOOD = "food", _("Food")
    HOUSING = "housing", _("Housing")
    UTILITIES = "utilities", _("Utilities")
    TRANSPORTATION = "transportation", _("Transportation")
    LEGAL = "legal", _("Legal help")
    SAFETY = "safety", _("Safety / intimate partner violence")
    PARENTING = "parenting", _("Parenting support")
    HOME_VISITING = "home_visiting", _("Home visiting")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention (Part C)")
    CHILD_CARE = "child_care", _("Child care and early education")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    BENEFITS = "benefits", _("Benefits enrollment (WIC, SNAP, Medicaid/CHIP)")
    EARLY_LITERACY = "early_literacy", _("Early literacy")
    # The next steps after a positive developmental, autism or caregiver-depression screen
    # (medhome.nextsteps, docs/clinical-rules.md#next-steps).
    PRESCHOOL_SPECIAL_EDUCATION = (
        "preschool_special_education",
        _("Early childhood special education (school district)"),
    )
    DEVELOPMENTAL_EVALUATION = "developmental_evaluation", _("Developmental evaluation")
    AUDIOLOGY = "audiology", _("Hearing evaluation (audiology)")
    PARENT_MENTAL_HEALTH = "parent_mental_health", _("Mental health care for a parent")


# Gravity SDOHCC category code per need; None where the IG has no matching category.
SDOHCC_CATEGORY: dict[str, str | None] = {
    Need.FOOD: "food-insecurity",
    Need.HOUSING: "housing-instability",
    Need.UTILITIES: "utility-insecurity",
    Need.TRANSPORTATION: "transportation-insecurity",
    Need.LEGAL: None,
    Need.SAFETY: "intimate-partner-violence",
    Need.PARENTING: None,
    Need.HOME_VISITING: None,
    Need.EARLY_INTERVENTION: None,
    Need.CHILD_CARE: None,
    Need.MENTAL_HEALTH: "stress",
    Need.SUBSTANCE_USE: None,
    Need.BENEFITS: "financial-insecurity",
    Need.EARLY_LITERACY: "educational-attainment",
    Need.PRESCHOOL_SPECIAL_EDUCATION: None,
    Need.DEVELOPMENTAL_EVALUATION: None,
    Need.AUDIOLOGY: None,
    Need.PARENT_MENTAL_HEALTH: "stress",
}

# The need a positive screening domain suggests (instruments' positive_domains).
NEED_FOR_SCREENING_DOMAIN: dict[str, str] = {
    "food": Need.FOOD,
    "housing": Need.HOUSING,
    "utilities": Need.UTILITIES,
    "transportation": Need.TRANSPORTATION,
    "safety": Need.SAFETY,
}
