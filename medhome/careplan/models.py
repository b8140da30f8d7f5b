"""The child's care team and the shared care plan the family helps write (issue 5, parts 1–3).

The family's priorities and strengths are kept in their own words. Every change to the plan is
written as a PlanChange (who, when, what: field names with old and new values) so the history is
readable; those values are PHI and stay in the practice's database, never in logs or audit detail.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.directory.vocabulary import Need
from medhome.families.models import Caregiver, Child
from medhome.practices.models import PracticeScopedModel, PracticeScopedQuerySet
from medhome.referrals.models import ConsentMethod, Referral
from medhome.screening.models import Administration


class MemberKind(models.TextChoices):
    STAFF = "staff", _("Practice staff")
    EXTERNAL = "external", _("Outside the practice")
    CAREGIVER = "caregiver", _("Caregiver")


class ExternalRole(models.TextChoices):
    SPECIALIST = "specialist", _("Specialist")
    HOME_VISITOR = "home_visitor", _("Home visitor")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention coordinator")
    CHILD_CARE = "child_care", _("Child care or early education provider")
    LEGAL_PARTNER = "legal_partner", _("Legal partner")
    OTHER = "other", _("Other")


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    STOPPED = "stopped", _("Stopped")


class ActionStatus(models.TextChoices):
    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Side(models.TextChoices):
    TEAM = "team", _("Care team")
    FAMILY = "family", _("Family")


class CareTeamMember(PracticeScopedModel):
    """One member of a child's team: practice staff, an outside contact, or a caregiver."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="care_team")
    kind = models.CharField(_("kind"), max_length=20, choices=MemberKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    caregiver = models.ForeignKey(
        Caregiver,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caregiver"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    external_role = models.CharField(
        _("role outside the practice"), max_length=30, choices=ExternalRole.choices, blank=True
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    role_label = models.CharField(_("role on the team"), max_length=120, blank=True)
    is_lead_coordinator = models.BooleanField(_("lead care coordinator"), default=False)
    is_active = models.BooleanField(_("on the team"), default=True)
    # An outside member invited to log in (docs/clinical-rules.md#outside-care-team): a user of a
    # partner organization (referrals.PartnerMembership), who reads this child's plan only while
    # the family's consent to share with this member stands (OutsideConsent).
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outside_care_teams",
        verbose_name=_("login of the outside member"),
    )
    partner_organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner organization"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-is_lead_coordinator", "kind", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=True)
                | Q(kind="external", partner_organization__isnull=False),
                name="careplan_account_is_outside_member",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(is_lead_coordinator=True),
                name="careplan_one_lead_coordinator",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="staff", user__isnull=False, caregiver__isnull=True)
                    | Q(kind="caregiver", caregiver__isnull=False, user__isnull=True)
                    | Q(kind="external", user__isnull=True, caregiver__isnull=True)
                ),
                name="careplan_member_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == MemberKind.STAFF and self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        if self.kind == MemberKind.CAREGIVER and self.caregiver is not None:
            return str(self.caregiver)
        return self.name

    @property
    def outside_label(self) -> str:
        """An outside member as their notes are signed: name (role, organization)."""
        role = self.get_external_role_display() or _("Outside the practice")
        where = f", {self.organization}" if self.organization else ""
        return f"{self.display_name} ({role}{where})"

    @property
    def contact_phone(self) -> str:
        if self.kind == MemberKind.CAREGIVER and self.caregiver is not None:
            return str(self.caregiver.phone or "")
        return self.phone

    @property
    def contact_email(self) -> str:
        if self.kind == MemberKind.STAFF and self.user is not None:
            return self.user.email or ""
        if self.kind == MemberKind.CAREGIVER and self.caregiver is not None:
            return self.caregiver.email
        return self.email

    @property
    def family_contact_email(self) -> str:
        """The email a family may see: a staff member's is their login, never shown to families
        (they call the practice's number, printed at the top)."""
        return "" if self.kind == MemberKind.STAFF else self.contact_email


class CarePlan(PracticeScopedModel):
    """One shared plan per child. `version` counts every change to the plan and its items."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="care_plan")
    family_priorities = models.TextField(_("what matters most to our family"), blank=True)
    family_strengths = models.TextField(_("our family's strengths"), blank=True)
    review_on = models.DateField(_("review the plan on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.child} · v{self.version}"


class Goal(PracticeScopedModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="goals")
    text = models.TextField(_("goal"))
    owner_caregiver = models.ForeignKey(
        Caregiver,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (caregiver)"),
    )
    owner_member = models.ForeignKey(
        CareTeamMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_goals",
        verbose_name=_("owner (team member)"),
    )
    owner_is_family = models.BooleanField(default=False)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    created_by_family = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_caregiver__isnull=True) | Q(owner_member__isnull=True),
                name="careplan_goal_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def owner_label(self) -> str:
        if self.owner_caregiver is not None:
            return str(self.owner_caregiver)
        if self.owner_member is not None:
            return self.owner_member.display_name
        return ""

    @property
    def family_may_edit(self) -> bool:
        """The family's own items: goals they wrote, or goals a caregiver owns."""
        return self.created_by_family or self.owner_is_family


class ProgressNote(PracticeScopedModel):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("note"))
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Written by an outside member of the care team from their own page (by_user is their login).
    by_outside_member = models.ForeignKey(
        CareTeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A note another system sent whose author is nobody here (careplan.imported_plan): their
    # name as that system wrote it, so the note still says who wrote it.
    by_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]

    @property
    def by_label(self) -> str:
        if self.by_caregiver is not None:
            return str(self.by_caregiver)
        if self.by_outside_member is not None:
            return self.by_outside_member.outside_label
        if self.by_user is not None:
            return self.by_user.get_full_name() or self.by_user.get_username()
        return self.by_name


class PlanActionQuerySet(PracticeScopedQuerySet):
    """The one rule for which actions a caregiver's surfaces may show (security.md item 11).

    The stored flag carries the chain (an action once linked to the adolescent's own item);
    the directly linked referral's and screen's flags are read too, so an action whose
    referral became the adolescent's after the link (the adolescent consented), or a row
    written outside the services (demo data, the admin), is hidden all the same."""

    def confidential(self) -> "PlanActionQuerySet":
        return self.filter(
            Q(confidential=True) | Q(referral__confidential=True) | Q(screening__confidential=True)
        )

    def family_visible(self) -> "PlanActionQuerySet":
        return (
            self.filter(confidential=False)
            .exclude(referral__confidential=True)
            .exclude(screening__confidential=True)
            .exclude(referral__need=Need.SAFETY)
        )


class PlanAction(PracticeScopedModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="actions")
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    text = models.TextField(_("action"))
    owner_caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_member = models.ForeignKey(
        CareTeamMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.TO_DO
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screening = models.ForeignKey(
        Administration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The adolescent's own (docs/clinical-rules.md#adolescent-confidentiality): linked, now or
    # once, to their confidential screen or to a referral that is theirs. Set by the services
    # when the link is made and never cleared, so unlinking does not hand the action to the
    # caregivers.
    confidential = models.BooleanField(_("confidential"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = PlanActionQuerySet.as_manager()  # type: ignore[misc]  # narrows the base manager

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["plan", "confidential"], name="plan_action_confid_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_caregiver__isnull=True) | Q(owner_member__isnull=True),
                name="careplan_action_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def owner_label(self) -> str:
        if self.owner_caregiver is not None:
            return str(self.owner_caregiver)
        if self.owner_member is not None:
            return self.owner_member.display_name
        return ""

    @property
    def is_confidential(self) -> bool:
        """The adolescent's own: the same rule as PlanActionQuerySet.confidential."""
        return (
            self.confidential
            or bool(self.referral is not None and self.referral.confidential)
            or bool(self.screening is not None and self.screening.confidential)
        )


class PlanChange(PracticeScopedModel):
    """One versioned change: who, when, on which item, and each field's old and new value."""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField()
    actor_label = models.CharField(max_length=200)
    side = models.CharField(max_length=10, choices=Side.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    operation = models.CharField(max_length=10)  # "create" or "update"
    # [{"field": name, "old": value, "new": value}, …]
    changes = models.JSONField(default=list)
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="careplan_change_version")
        ]


class OutsideItem(models.TextChoices):
    """What a family may agree to share with an outside member of the care team
    (docs/clinical-rules.md#outside-care-team). The shared care plan is always shared; the rest
    only when named. Never screening answers, safety (partner-violence) items, or the team's
    internal notes."""

    CARE_PLAN = "care_plan", _("The shared care plan")
    VISITS = "visits", _("Recent visits (dates and kinds)")
    IMMUNIZATIONS = "immunizations", _("Immunizations")


class OutsideConsentQuerySet(PracticeScopedQuerySet):
    def in_force(self) -> "OutsideConsentQuerySet":
        return self.filter(revoked_at__isnull=True)


class OutsideConsent(PracticeScopedModel):
    """The family's consent to share with one outside member of the child's care team: who
    agreed, how, when, which items; revoked with a reason. Shaped like referrals.ReferralConsent
    (docs/decisions/0010-outside-care-team.md says why it is a table of its own). A new consent
    is a new row; at most one is in force per member."""

    member = models.ForeignKey(CareTeamMember, on_delete=models.PROTECT, related_name="consents")
    given_by_caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The adolescent consented for their own items
    # (docs/clinical-rules.md#adolescent-confidentiality).
    given_by_adolescent = models.BooleanField(default=False)
    shared_items = models.JSONField(default=list)
    method = models.CharField(_("how given"), max_length=10, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=500, blank=True)

    objects = OutsideConsentQuerySet.as_manager()  # type: ignore[misc]  # narrows the manager

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by_caregiver__isnull=False, given_by_adolescent=False)
                | Q(given_by_caregiver__isnull=True, given_by_adolescent=True),
                name="outside_consent_given_by_one_person",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(revoked_at__isnull=True),
                name="outside_consent_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"outside consent {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def shares(self, item: str) -> bool:
        return item in self.shared_items
