"""Closed-loop referrals to community organizations under the family's consent.

docs/clinical-rules.md#referral-states: the referral's life follows the Gravity SDOHCC Task workflow
(states.py); the family's consent names what is shared with which organization; an organization's
staff see only referrals addressed to their organization while the consent stands.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.directory.vocabulary import Need
from medhome.families.models import Caregiver, Child
from medhome.practices.models import PracticeScopedModel, PracticeScopedQuerySet
from medhome.screening.models import Administration

from .states import Outcome, Side, Status


class Priority(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    # e.g. shelter tonight: the organization is expected to answer in hours
    # (docs/clinical-rules.md#referral-follow-up).
    URGENT = "urgent", _("Urgent")


class Source(models.TextChoices):
    SCREENING = "screening", _("Positive screen")
    CARE_PLAN = "care_plan", _("Care plan")
    MANUAL = "manual", _("Started by staff")


class SharedItem(models.TextChoices):
    """What the family may agree to share; the organization sees nothing else."""

    NAME = "name", _("The child's full name")
    CONTACT = "contact", _("How to reach the family")
    LANGUAGE = "language", _("Preferred language")
    NEED = "need", _("The need")
    NOTES = "notes", _("The notes the family agreed to")
    CHILD_AGE = "child_age", _("The child's age")
    # The result (score and positive/negative) of the screen the referral started from, read by
    # the organization's FHIR client as an Observation (medhome.fhir); never the item answers,
    # never an adolescent's confidential screen, never the safety domain (issue 20).
    SCREENING_RESULT = "screening_result", _("The result of the screen behind the referral")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written")
    PORTAL = "portal", _("Portal")


class PartnerRole(models.TextChoices):
    STAFF = "staff", _("Staff")
    ADMIN = "admin", _("Administrator")
    # Invited onto a child's care team (careplan): reads what the family consented to share
    # with them, never the organization's referrals.
    CARE_TEAM = "care_team", _("Outside member of a care team")


# A referral a caregiver may see at all (on a family page, print, link or message): sent, not
# entered in error. Drafts never reached anyone; entered-in-error never existed.
FAMILY_VISIBLE_STATUSES = (
    Status.REQUESTED,
    Status.RECEIVED,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.COMPLETED,
    Status.REJECTED,
    Status.CANCELLED,
    Status.FAILED,
)


class ReferralQuerySet(PracticeScopedQuerySet):
    """The one rule for what a caregiver's surfaces may show (security.md catalogue 11)."""

    def confidential(self) -> "ReferralQuerySet":
        """The adolescent's own. The source screen's flag is read too, so a row written
        outside the services (demo data, the admin) is caught all the same."""
        return self.filter(Q(confidential=True) | Q(source_administration__confidential=True))

    def safety(self) -> "ReferralQuerySet":
        return self.filter(need=Need.SAFETY)

    def shareable_with_family(self) -> "ReferralQuerySet":
        """Never an adolescent's own (confidential chain, or consented by the adolescent),
        never a partner-violence referral (docs/clinical-rules.md#safety-referrals,
        docs/clinical-rules.md#adolescent-confidentiality): neither goes on a caregiver's
        page, print, link or message."""
        return (
            self.filter(confidential=False)
            .exclude(source_administration__confidential=True)
            .exclude(need=Need.SAFETY)
            .exclude(consent__given_by_adolescent=True)
        )

    def native(self) -> "ReferralQuerySet":
        """Referrals made in medhome, not imported (referrals.imported): an imported referral is
        a record of what another system did, so nothing sends it, reminds about it or opens
        follow-up tasks for it (the exchange, the follow-up sweep, the family's reminders)."""
        return self.filter(imported_at__isnull=True)

    def family_visible(self) -> "ReferralQuerySet":
        """Shareable with the family and sent: a draft reached no one, and a referral entered
        in error never existed."""
        return self.shareable_with_family().filter(status__in=FAMILY_VISIBLE_STATUSES)


class Referral(PracticeScopedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    need = models.CharField(_("need"), max_length=30, choices=Need.choices)
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("organization"),
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("service"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.ROUTINE
    )
    reason = models.TextField(_("why the family is referred"))
    source = models.CharField(
        _("started from"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    source_administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # None: imported from another system (the EHR bulk import has no user).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    # When the EHR bulk import recorded it (referrals.imported, docs/clinical-rules.md
    # #imported-referrals); None for a referral made here.
    imported_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    # The organization's first decision (received is only "opened", not a response).
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("about the outcome"), blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    warm_handoff = models.BooleanField(_("warm hand-off"), default=False)
    # The adolescent's own (docs/clinical-rules.md#adolescent-confidentiality): started from their
    # confidential screen, or consented by the adolescent. Stored once so every surface filters
    # by one indexed column; it never goes back to False (what was the adolescent's stays
    # theirs).
    confidential = models.BooleanField(_("confidential"), default=False)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()  # type: ignore[misc]  # narrows the base manager

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""),
                name="referral_completed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status__in=["completed", "entered_in_error"]),
                name="referral_outcome_only_when_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "status"], name="referral_practice_status_idx"),
            models.Index(fields=["organization", "status"], name="referral_org_status_idx"),
            models.Index(fields=["practice", "requested_at"], name="referral_requested_idx"),
            models.Index(fields=["child", "confidential"], name="referral_child_confid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_need_display()} · {self.get_status_display()}"

    @property
    def is_safety(self) -> bool:
        return self.need == Need.SAFETY

    @property
    def is_confidential(self) -> bool:
        """The adolescent's own: the same rule as ReferralQuerySet.confidential."""
        source = self.source_administration
        return self.confidential or bool(source is not None and source.confidential)

    @property
    def number(self) -> str:
        """How the practice and the organization name a referral to each other without the
        child's name (an organization sees the name only when the family consented to it)."""
        return f"R-{self.pk.hex[:8].upper()}"


class ReferralConsent(PracticeScopedModel):
    """What the family agreed to share with the named organization, by whom and how.

    Consent belongs to whoever the shared data is about (docs/clinical-rules.md#referral-consent and
    docs/clinical-rules.md#adolescent-confidentiality): a caregiver for their own answers and
    household needs, an adolescent for their own confidential items.
    """

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="consent")
    given_by_caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_by_adolescent = models.BooleanField(default=False)
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+"
    )
    shared_items = models.JSONField(default=list)
    notes_to_share = models.TextField(_("what the family agreed to share"), blank=True)
    method = models.CharField(_("how given"), max_length=10, choices=ConsentMethod.choices)
    # None: imported with its referral from another system.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by_caregiver__isnull=False, given_by_adolescent=False)
                | Q(given_by_caregiver__isnull=True, given_by_adolescent=True),
                name="consent_given_by_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"consent for {self.referral_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def shares(self, item: str) -> bool:
        return item in self.shared_items


class FamilyAnswer(models.TextChoices):
    """The family's answer to "Did you get help from …?" on its referral-status page, in its
    own words (docs/clinical-rules.md#referral-follow-up)."""

    GOT_HELP = "got_help", _("Yes, we got help")
    WAITING = "waiting", _("We are still waiting")
    UNREACHABLE = "unreachable", _("We could not reach them")
    NOT_NEEDED = "not_needed", _("We do not need it any more")


class ReferralEvent(models.Model):
    """One change of state: who, when, from which side, and why (§7: every change recorded).
    A family's answer is an event too, with or without a change of state (`family_answer`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # As shown at the time: the organization's name, or the staff member's name.
    actor_label = models.CharField(max_length=200)
    side = models.CharField(max_length=20, choices=Side.choices)
    reason = models.CharField(max_length=500, blank=True)
    family_answer = models.CharField(max_length=20, choices=FamilyAnswer.choices, blank=True)
    # The referral's version after this change: orders events that share a moment (a warm
    # hand-off sends and accepts at once).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["at", "version"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_idx")]

    def __str__(self) -> str:
        return f"{self.from_status or '·'} → {self.to_status}"


class ReferralMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=20, choices=Side.choices)
    body = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_message_idx")]

    def __str__(self) -> str:
        return f"message on {self.referral_id}"


class PartnerMembership(models.Model):
    """A community organization's staff user: they act for the organization, never a practice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_memberships"
    )
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="partner_memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=PartnerRole.choices, default=PartnerRole.STAFF
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_partner_membership_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization}"


class ReferralSettings(PracticeScopedModel):
    """The practice's follow-up rules (§7 defaults: 3 business days, 30 days, urgent in hours)."""

    response_business_days = models.PositiveSmallIntegerField(
        _("business days to wait for a response"), default=3
    )
    close_days = models.PositiveSmallIntegerField(_("days to wait for closing"), default=30)
    urgent_response_hours = models.PositiveSmallIntegerField(
        _("hours to wait for a response to an urgent referral"), default=4
    )

    class Meta:
        verbose_name_plural = "referral settings"
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="one_referral_settings_per_practice")
        ]

    def __str__(self) -> str:
        return f"referral settings of {self.practice_id}"
