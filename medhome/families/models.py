from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from medhome.practices.models import Practice, PracticeScopedModel, PracticeScopedQuerySet

from .names import later_words, name_key
from .vocabulary import (
    Channel,
    Payer,
    RaceEthnicityGroup,
    Relationship,
    SexAtBirth,
    Weekday,
    race_ethnicity_group,
)

zip_code_validator = RegexValidator(
    r"^\d{5}(-\d{4})?$", _("Enter a US ZIP code: five digits, or ZIP+4 such as 02128-1234.")
)
mrn_validator = RegexValidator(
    r"^[A-Za-z0-9-]{1,30}$", _("An MRN has 1 to 30 letters, digits or dashes.")
)
state_validator = RegexValidator(r"^[A-Z]{2}$", _("Enter the two-letter state code, e.g. MA."))


class Family(PracticeScopedModel):
    """A household: the caregivers and children who live and come to the practice together."""

    name = models.CharField(
        _("household name"), max_length=200, help_text=_("How the family names itself")
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name


class ChildQuerySet(PracticeScopedQuerySet):
    def matching_name(self, query: str, *, practice: Practice) -> "ChildQuerySet":
        """Prefix match on given, family or preferred name, any order, accent-insensitive.

        Range conditions (key <= column < key with its last character incremented) rather than
        LIKE, so both SQLite and PostgreSQL use the (practice, *_name_key) indexes. The key
        columns compare by code point on both (SQLite's BINARY, PostgreSQL's "C" collation set by
        migration 0002), which makes the range exactly the set of strings with that prefix.

        The condition is a flat OR of branches, each naming the practice and at most one range
        per key column: SQLite then answers every branch from one index (MULTI-INDEX OR), with
        or without planner statistics (measured in docs/benchmarks.md).
        """
        tokens = name_key(query).split()[:3]
        if not tokens:
            return self.none()

        def prefix(field: str, token: str) -> dict[str, str]:
            successor = token[:-1] + chr(ord(token[-1]) + 1)
            return {f"{field}__gte": token, f"{field}__lt": successor}

        surnames = ("family_name_key", "second_family_name_key")
        givens = ("given_name_key", "preferred_name_key")
        first, last = tokens[0], tokens[-1]
        if len(tokens) == 1:
            branches = [prefix(field, first) for field in (*surnames, *givens)]
        else:
            branches = [
                prefix(given, first) | prefix(surname, last)
                for given in givens
                for surname in surnames
            ] + [
                prefix(surname, first) | prefix(given, last)
                for given in givens
                for surname in surnames
            ]
            branches.append(prefix("family_name_key", " ".join(tokens)))
        condition = Q()
        for branch in branches:
            condition |= Q(practice=practice, **branch)
        return self.filter(condition)

    def on_panel(self, on: date) -> "ChildQuerySet":
        """Children attributed to their practice on that day: an open panel membership
        (docs/clinical-rules.md#attribution). The due list, reminders and the measures'
        denominators count only these."""
        return self.filter(on_panel(on))


def on_panel(on: object, child: str = "pk", *, practices: Iterable[Any] | None = None) -> Exists:
    """The outer row's child (its `child` column) is on the panel on `on` (a date, or an
    OuterRef to a date column of the outer row): a membership started on or before that day
    and not ended by it (starts_on inclusive, ends_on exclusive;
    docs/clinical-rules.md#attribution).

    `practices` (the practices whose children the outer rows are) names the memberships'
    practice too. A membership is always at its child's practice (families.attribution,
    ehr.patients), so the answer is the same; PostgreSQL turns the EXISTS into a hash of the
    memberships, and without it one practice's figure hashed every practice's
    (docs/benchmarks.md, "Measures engine against hand-written SQL")."""
    memberships = PanelMembership.objects.filter(child=OuterRef(child), starts_on__lte=on)
    if practices is not None:
        memberships = memberships.filter(practice__in=practices)
    return Exists(memberships.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on)))


class Child(PracticeScopedModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children")
    legal_given_name = models.CharField(_("legal first name"), max_length=100)
    legal_family_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    given_name_key = models.CharField(max_length=100, editable=False, blank=True)
    family_name_key = models.CharField(max_length=100, editable=False, blank=True)
    # "garcia lopez" → "lopez": families are looked up by either surname.
    second_family_name_key = models.CharField(max_length=100, editable=False, blank=True)
    preferred_name_key = models.CharField(max_length=100, editable=False, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex_at_birth = models.CharField(_("sex assigned at birth"), max_length=10, choices=SexAtBirth)
    gender_identity = models.CharField(_("gender identity"), max_length=100, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    mrn = models.CharField(_("MRN"), max_length=30, validators=[mrn_validator])
    race_ethnicity = models.JSONField(_("race and ethnicity"), default=list, blank=True)
    race_ethnicity_detail = models.CharField(
        _("race and ethnicity in the family's words"), max_length=200, blank=True
    )
    race_ethnicity_group = models.CharField(
        max_length=20, choices=RaceEthnicityGroup, default=RaceEthnicityGroup.UNKNOWN
    )
    preferred_language = models.CharField(_("preferred language"), max_length=35)
    payer = models.CharField(_("payer"), max_length=20, choices=Payer)
    payer_member_id = models.CharField(_("member ID"), max_length=40, blank=True)
    address_line1 = models.CharField(_("street address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("apartment, unit"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True, validators=[state_validator])
    # Blank for a family without a fixed address (the EHR sends no postal code): the child is on
    # the panel all the same; what needs a place (directory distance, nearest site) does without.
    zip_code = models.CharField(
        _("ZIP code"), max_length=10, blank=True, validators=[zip_code_validator]
    )
    has_special_health_care_needs = models.BooleanField(
        _("special health care needs"), default=False
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary care clinician"),
    )
    gestational_age_weeks = models.PositiveSmallIntegerField(
        _("gestational age at birth (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(22), MaxValueValidator(44)],
        help_text=_("Completed weeks, 22 to 44. Used for corrected age under 24 months."),
    )
    gestational_age_days = models.PositiveSmallIntegerField(
        _("and days"), null=True, blank=True, validators=[MaxValueValidator(6)]
    )
    # The first-week visit is due 48–72 h after discharge as well as at 3–5 days (Bright
    # Futures 2024 footnote; docs/clinical-rules.md#visit-windows window table), so the discharge
    # moves the
    # close of the 3–5-day window. Keyed in, or set by an A03 of the birth stay (events).
    birth_discharged_on = models.DateField(
        _("discharged from the birth hospital on"),
        null=True,
        blank=True,
        help_text=_("Moves the first-week visit: due within 48–72 hours of discharge."),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = ChildQuerySet.as_manager()  # type: ignore[misc]  # narrows the base manager

    class Meta:
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["practice", "mrn"], name="mrn_unique_in_practice"),
            models.CheckConstraint(
                condition=Q(gestational_age_weeks__isnull=True)
                | Q(gestational_age_weeks__gte=22, gestational_age_weeks__lte=44),
                name="gestational_age_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "family_name_key"], name="child_family_name_idx"),
            models.Index(
                fields=["practice", "second_family_name_key"], name="child_second_family_name_idx"
            ),
            models.Index(fields=["practice", "given_name_key"], name="child_given_name_idx"),
            models.Index(fields=["practice", "preferred_name_key"], name="child_pref_name_idx"),
            models.Index(fields=["practice", "date_of_birth"], name="child_dob_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} {self.legal_family_name}"

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_given_name

    @property
    def is_preterm(self) -> bool:
        return self.gestational_age_weeks is not None and self.gestational_age_weeks < 37

    def refresh_derived_fields(self) -> None:
        """Search keys and the stratification group follow the names and categories given."""
        self.given_name_key = name_key(self.legal_given_name)
        self.family_name_key = name_key(self.legal_family_name)
        self.second_family_name_key = later_words(self.family_name_key)
        self.preferred_name_key = name_key(self.preferred_name)
        self.race_ethnicity_group = race_ethnicity_group(list(self.race_ethnicity))


class Caregiver(PracticeScopedModel):
    """A parent or other caregiver, with how they want to be reached, in their own words."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="caregivers")
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    relationship = models.CharField(
        _("relationship to the children"), max_length=20, choices=Relationship
    )
    is_legal_guardian = models.BooleanField(_("legal guardian"), default=True)
    # CMS82 (maternal depression screening) counts the mother's screen: who gave birth is not
    # the relationship ("mother" may be adoptive, a birth parent may be "parent"), so it is
    # recorded apart (docs/clinical-rules.md#measures; issue 14).
    is_birth_parent = models.BooleanField(
        _("birth parent of the children"),
        default=False,
        help_text=_(
            "Gave birth to the children of this family (for maternal depression measures)."
        ),
    )
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=35)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    preferred_channel = models.CharField(
        _("preferred way to be reached"), max_length=20, choices=Channel
    )
    availability_note = models.CharField(
        _("best times, in their words"), max_length=300, blank=True
    )
    has_transportation_barrier = models.BooleanField(
        _("transportation is hard to arrange"), default=False
    )
    transportation_note = models.CharField(_("about transportation"), max_length=300, blank=True)
    culture_and_identity = models.TextField(
        _("what we want the team to know about our culture and identity"), blank=True
    )
    strengths = models.TextField(_("our family's strengths"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-is_primary_contact", "family_name", "given_name"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class AvailabilityWindow(PracticeScopedModel):
    """When a caregiver can be reached (a work schedule leaves these hours free)."""

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="window_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class PanelEndReason(models.TextChoices):
    TRANSFERRED = "transferred", _("Transferred to another practice")
    AGED_OUT = "aged_out", _("Aged out of pediatric care")
    DECEASED = "deceased", _("Deceased")
    MOVED = "moved", _("Moved away")
    OTHER = "other", _("Other")


class PanelMembership(PracticeScopedModel):
    """A span of time a child is on the practice's panel, with the primary care clinician
    (attribution). A child may leave and come back: one row per span, at most one open."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="memberships")
    starts_on = models.DateField(_("on the panel from"))
    ends_on = models.DateField(_("left the panel on"), null=True, blank=True)
    end_reason = models.CharField(_("why"), max_length=20, choices=PanelEndReason, blank=True)
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary care clinician"),
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ends_on__isnull=True),
                name="one_open_membership_per_child",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "starts_on", "ends_on"], name="membership_child_idx"),
            models.Index(fields=["practice", "ends_on"], name="membership_practice_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on or ''}"


# The practice's own MRN as an identifier system: a merge keeps the retired record's MRN under
# it, so a hospital message or a CSV row carrying that MRN still finds the survivor.
MRN_SYSTEM = "urn:medhome:mrn"


class ChildIdentifier(PracticeScopedModel):
    """An identifier another system knows the child by (FHIR Identifier system + value; an
    HL7 PID-3 with its assigning authority). After a merge the retired record's identifiers
    stay here on the survivor, marked retired, so later messages carrying them still match."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="identifiers")
    system = models.CharField(max_length=200)
    value = models.CharField(max_length=100)
    retired = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "system", "value"], name="child_identifier_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"


class CaregiverIdentifier(PracticeScopedModel):
    """An identifier of a caregiver in another system (a FHIR RelatedPerson's identifier or
    id, a CSV panel's caregiver id)."""

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="identifiers")
    system = models.CharField(max_length=200)
    value = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "system", "value"], name="caregiver_identifier_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"
