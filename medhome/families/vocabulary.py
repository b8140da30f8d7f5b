"""Coded vocabularies of the family record, each with its source
(docs/clinical-rules.md#people-and-demographics)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RaceEthnicity(models.TextChoices):
    """OMB SPD 15 (2024 revision) minimum categories, several allowed.

    medhome rule (docs/clinical-rules.md#people-and-demographics): collect in the 2024 combined
    form, map to the 1997 codes (CDC Race & Ethnicity code system, urn:oid:2.16.840.1.113883.6.238)
    for exchange.
    """

    AMERICAN_INDIAN_ALASKA_NATIVE = "aian", _("American Indian or Alaska Native")
    ASIAN = "asian", _("Asian")
    BLACK = "black", _("Black or African American")
    HISPANIC_LATINO = "hispanic", _("Hispanic or Latino")
    MIDDLE_EASTERN_NORTH_AFRICAN = "mena", _("Middle Eastern or North African")
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "nhpi", _("Native Hawaiian or Other Pacific Islander")
    WHITE = "white", _("White")
    DECLINED = "declined", _("Prefers not to answer")


# One value per child for stratifying measures: the single category, "multiple", "declined" or
# "unknown" (docs/clinical-rules.md#people-and-demographics: stratify by the 2024 categories plus
# multiple and declined).
RaceEthnicityGroup = models.TextChoices(  # type: ignore[call-overload]  # functional API
    "RaceEthnicityGroup",
    [
        *((c.name, (c.value, c.label)) for c in RaceEthnicity if c != RaceEthnicity.DECLINED),
        ("MULTIPLE", ("multiple", _("More than one"))),
        ("DECLINED", ("declined", _("Declined"))),
        ("UNKNOWN", ("unknown", _("Not asked yet"))),
    ],
)


# 2024 category → (1997 race codes, 1997 ethnicity code); MENA maps to White (medhome rule).
OMB_1997_CODES: dict[str, tuple[tuple[str, ...], str | None]] = {
    RaceEthnicity.AMERICAN_INDIAN_ALASKA_NATIVE: (("1002-5",), None),
    RaceEthnicity.ASIAN: (("2028-9",), None),
    RaceEthnicity.BLACK: (("2054-5",), None),
    RaceEthnicity.NATIVE_HAWAIIAN_PACIFIC_ISLANDER: (("2076-8",), None),
    RaceEthnicity.WHITE: (("2106-3",), None),
    RaceEthnicity.MIDDLE_EASTERN_NORTH_AFRICAN: (("2106-3",), None),
    RaceEthnicity.HISPANIC_LATINO: ((), "2135-2"),
}


def race_ethnicity_group(categories: list[str]) -> str:
    if not categories:
        return RaceEthnicityGroup.UNKNOWN
    if RaceEthnicity.DECLINED in categories:
        return RaceEthnicityGroup.DECLINED
    if len(categories) > 1:
        return RaceEthnicityGroup.MULTIPLE
    return categories[0]


def omb_1997_codes(categories: list[str]) -> tuple[list[str], str]:
    """(race codes, ethnicity code) for exchange; ASKU when declined, UNK when never asked."""
    if RaceEthnicity.DECLINED in categories:
        return ["ASKU"], "ASKU"
    if not categories:
        return ["UNK"], "UNK"
    races: list[str] = []
    ethnicity = "2186-5"  # Not Hispanic or Latino
    for category in categories:
        category_races, category_ethnicity = OMB_1997_CODES[category]
        races.extend(code for code in category_races if code not in races)
        if category_ethnicity:
            ethnicity = category_ethnicity
    return races or ["UNK"], ethnicity


class SexAtBirth(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class Payer(models.TextChoices):
    """Coverage types of docs/clinical-rules.md#people-and-demographics."""

    MEDICAID = "medicaid", _("Medicaid")
    CHIP = "chip", _("CHIP")
    COMMERCIAL = "commercial", _("Commercial")
    UNINSURED = "uninsured", _("Uninsured")
    OTHER = "other", _("Other (TRICARE, Indian Health Service…)")


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    PARENT = "parent", _("Parent")
    GRANDMOTHER = "grandmother", _("Grandmother")
    GRANDFATHER = "grandfather", _("Grandfather")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    FOSTER_PARENT = "foster_parent", _("Foster parent")
    GUARDIAN = "guardian", _("Legal guardian")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    TEXT = "text", _("Text message")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Patient portal")
    PRINT = "print", _("Print or mail")
    IN_PERSON = "in_person", _("In person")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
