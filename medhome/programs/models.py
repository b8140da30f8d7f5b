"""The practice's own programs that nurture parents (domain-reference §14): which programs it
runs, who is offered and enrolled (with tiers, dates, reasons and the family's agreement), every
contact (what happened, what the parent is doing well), and the concrete supports a contact found
the family needs, each carried by a referral of the existing loop.

A program's facts are copied onto its row from the shipped definition (`definitions.py`) or
written by the practice for a program of its own; the rules read the row, never the catalogue,
so a practice's adjustment holds.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Caregiver, Child
from medhome.practices.models import PracticeScopedModel

from .definitions import catalogue

NAME_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 300


class Program(PracticeScopedModel):
    key = models.SlugField(_("short name"), max_length=40)
    # The shipped definition it was added from; blank for the practice's own program.
    definition = models.CharField(max_length=40, blank=True)
    # Blank for a shipped program the practice has not renamed: its name comes from the
    # catalogue, in the reader's language.
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, blank=True)
    summary = models.TextField(_("what it offers"), blank=True, max_length=TEXT_MAX_LENGTH)
    source = models.CharField(_("source"), max_length=200, blank=True)
    min_age_days = models.PositiveIntegerField(_("from age (days)"), null=True, blank=True)
    # Exclusive: a child is eligible while younger than this.
    max_age_days = models.PositiveIntegerField(_("until age (days)"), null=True, blank=True)
    roles = models.JSONField(_("roles that deliver it"), default=list, blank=True)
    contact_kinds = models.JSONField(_("contact kinds"), default=list, blank=True)
    # [{"key", "name", "criteria", "contact_every_days"}]
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    universal = models.BooleanField(_("every eligible child, without enrolment"), default=False)
    referral_need = models.CharField(_("reached by referral for"), max_length=30, blank=True)
    contact_every_days = models.PositiveIntegerField(
        _("due for a contact after (days)"), null=True, blank=True
    )
    serves = models.JSONField(_("schedule rows or measures it serves"), default=list, blank=True)
    is_active = models.BooleanField(_("running"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "key"], name="one_program_key_per_practice")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """A shipped program's name in the reader's language; the practice's own as written."""
        if self.name:
            return self.name
        shipped = catalogue().get(self.definition)
        return str(shipped.name) if shipped else self.key

    @property
    def is_partner(self) -> bool:
        return bool(self.referral_need)

    @property
    def has_tiers(self) -> bool:
        return bool(self.tiers)

    def tier_name(self, key: str) -> str:
        for tier in self.tiers:
            if tier["key"] == key:
                return gettext(tier["name"])
        return key

    def tier_rows(self) -> list[dict[str, str]]:
        """The tiers in the reader's language: a shipped tier's words were copied in English
        (catalogue msgids), so they translate; words the practice changed show as written."""
        return [
            {"key": t["key"], "name": gettext(t["name"]), "criteria": gettext(t["criteria"])}
            for t in self.tiers
        ]

    def eligible_at(self, age_days: int) -> bool:
        if self.min_age_days is not None and age_days < self.min_age_days:
            return False
        return self.max_age_days is None or age_days < self.max_age_days

    def every_days(self, tier: str = "") -> int | None:
        for row in self.tiers:
            if row["key"] == tier and row.get("contact_every_days"):
                return int(row["contact_every_days"])
        return self.contact_every_days


class EnrolmentStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ENROLLED = "enrolled", _("Enrolled")
    # Not the screening answer "Declined" (which the Spanish says as "preferred not to answer").
    DECLINED = "declined", pgettext_lazy("enrolment", "Declined")
    GRADUATED = "graduated", _("Graduated")
    LEFT = "left", _("Left the program")


OPEN_STATUSES = (EnrolmentStatus.OFFERED, EnrolmentStatus.ENROLLED)


class Agreement(models.TextChoices):
    """How the family agreed to take part (recorded when enrolled)."""

    SPOKEN = "spoken", _("Said yes in person or by phone")
    WRITTEN = "written", _("Signed a form")
    FAMILY_LINK = "family_link", _("Said yes on a family link")


class Enrolment(PracticeScopedModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrolments")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices)
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    offered_on = models.DateField(_("offered on"))
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    agreement = models.CharField(
        _("the family's agreement"), max_length=20, choices=Agreement.choices, blank=True
    )
    agreed_by = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The person who works with the family: their caseload.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Enrolled outside the program's eligibility by a role allowed to, and why.
    override_reason = models.CharField(
        _("why outside the eligibility"), max_length=REASON_MAX_LENGTH, blank=True
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("program enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "child"],
                condition=Q(status__in=["offered", "enrolled"]),
                name="one_open_enrolment_per_program_and_child",
            ),
            models.CheckConstraint(
                condition=~Q(status="enrolled") | Q(enrolled_on__isnull=False),
                name="enrolment_enrolled_has_a_date",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "program", "status"], name="enrolment_program_idx"),
            models.Index(fields=["practice", "staff", "status"], name="enrolment_caseload_idx"),
            models.Index(fields=["child", "program"], name="enrolment_child_idx"),
        ]

    def __str__(self) -> str:
        return f"enrolment {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def tier_label(self) -> str:
        """The tier's name in the reader's language ("" without a tier)."""
        return self.program.tier_name(self.tier) if self.tier else ""


class EnrolmentChange(PracticeScopedModel):
    """Each step of an enrolment (offered, enrolled, tier changed, declined, graduated, left)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="changes")
    on = models.DateField()
    recorded_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    from_tier = models.CharField(max_length=20, blank=True)
    to_tier = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        indexes = [models.Index(fields=["enrolment", "recorded_at"], name="enrolment_change_idx")]

    def __str__(self) -> str:
        return f"enrolment change {self.pk}"


class Contact(PracticeScopedModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="contacts")
    # Blank only for a universal program (a Reach Out and Read book needs no enrolment).
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        "visits.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("what happened"), max_length=30)
    on = models.DateField(_("date"))
    recorded_at = models.DateTimeField()
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40)
    setting = models.CharField(_("where"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    book_language = models.CharField(_("language of the book"), max_length=35, blank=True)
    # The goals the parent set (a VIP session) or the decisions made (a case review).
    goals = models.TextField(_("goals the parent set"), max_length=TEXT_MAX_LENGTH, blank=True)
    # What the parent is doing well, in words (strengths-based observation), and the caregiver
    # it is about: the family's page shows it to that caregiver's link (or to every caregiver's
    # when it names none).
    strengths = models.TextField(
        _("what the parent is doing well"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    protective_factors = models.JSONField(_("protective factors"), default=list, blank=True)
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    show_family = models.BooleanField(_("show the strengths to the family"), default=True)
    note = models.TextField(_("note for the team"), max_length=TEXT_MAX_LENGTH, blank=True)
    # A universal program's contact outside its ages (a book at 4 months), by a clinician, and why.
    override_reason = models.CharField(
        _("why outside the eligibility"), max_length=REASON_MAX_LENGTH, blank=True
    )

    class Meta:
        indexes = [
            models.Index(fields=["practice", "program", "child", "-on"], name="contact_reach_idx"),
            models.Index(fields=["child", "-on"], name="contact_child_idx"),
            models.Index(fields=["enrolment", "-on"], name="contact_enrolment_idx"),
        ]

    def __str__(self) -> str:
        return f"program contact {self.pk}"  # never the words: they may reach a log line


class ConcreteSupport(PracticeScopedModel):
    """A benefit or support the family needs (named at a contact), and the referral that carries
    it through the loop; whether the family got it is the referral's outcome."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="supports")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    support = models.CharField(_("support"), max_length=30)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The legal partner's part (a denied benefit, an eviction, a utility shut-off).
    legal_referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    noted_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["child", "noted_on"], name="support_child_idx")]

    def __str__(self) -> str:
        return f"concrete support {self.pk}"
