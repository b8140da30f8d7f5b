import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Role
from medhome.core.choices import ChoiceLabels


class Network(models.Model):
    """A quality-improvement collaborative of practices (aggregates are shared, children never)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class MeasuresRefresh(models.TextChoices):
    """When the worker recomputes the practice's measures (medhome.measures.services): every
    night, or also within minutes of a change to the practice's record (and every night)."""

    NIGHTLY = "nightly", _("Every night")
    ON_CHANGE = "on_change", _("When the practice's data change (and every night)")


class Practice(models.Model):
    """The tenant: every clinical row belongs to exactly one practice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="practices", null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(_("state"), max_length=2, help_text=_("Two-letter US state code"))
    # The number families call: printed on every family page, letter and care plan, where a
    # staff member's login email must never stand in for it.
    phone = models.CharField(_("phone number for families"), max_length=30, blank=True)
    measures_refresh = models.CharField(
        _("when the measures are computed"),
        max_length=20,
        choices=MeasuresRefresh.choices,
        default=MeasuresRefresh.NIGHTLY,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "name"], name="site_name_unique_in_practice"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PracticeScopedQuerySet(models.QuerySet):
    """The read vocabulary of tenancy: every clinical query starts from for_practice()."""

    def for_practice(self, practice: Practice | None) -> "PracticeScopedQuerySet":
        if practice is None:
            return self.none()
        return self.filter(practice=practice)


class MembershipQuerySet(PracticeScopedQuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A staff user's role in one practice. A user may hold memberships in several practices."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="one_membership_per_practice")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.practice}"


class PracticeScopedModel(ChoiceLabels, models.Model):
    """Base of every clinical table: the practice it belongs to, set once and never moved."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")

    objects = PracticeScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class PracticeCalendar(models.Model):
    """When the practice works: the one calendar every business-day or business-hour deadline
    counts on (referral follow-ups, transition tasks, alert escalation). A practice without a
    row works the defaults of the MEDHOME_CALENDAR setting (practices.calendar)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, primary_key=True, related_name="calendar"
    )
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    # ISO weekday numbers, Monday = 1 … Sunday = 7.
    working_weekdays = models.JSONField(_("working days"), default=list)
    # ISO dates ("2026-07-03") on which the practice is closed although it is a working weekday.
    holidays = models.JSONField(_("holidays"), default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="calendar_opens_before_it_closes",
            )
        ]

    def __str__(self) -> str:
        return f"calendar of {self.practice_id}"
