"""Group well-child care (domain-reference §14, CenteringParenting;
docs/clinical-rules.md#group-care): cohorts of families whose babies are born within a few
weeks of each other, the sessions along the Bright Futures visits, and each child's attendance.
Each child's part of a session is a `visits.Visit` of kind GROUP, so what a well-child visit
does — the schedule's visit row, W30, reminders — a session attended does too, without a line
of it here."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Child
from medhome.practices.models import PracticeScopedModel, Site
from medhome.visits.models import Visit


class CohortStatus(models.TextChoices):
    FORMING = "forming", _("Forming")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Cohort(PracticeScopedModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    # The group's language (a language tag, core.languages): the families' preferred language.
    language = models.CharField(_("language"), max_length=35)
    name = models.CharField(_("name"), max_length=120)
    born_from = models.DateField(_("babies born from"))
    born_to = models.DateField(_("babies born until"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("clinician facilitator"),
    )
    co_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("co-facilitator"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CohortStatus, default=CohortStatus.FORMING
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(born_from__lte=models.F("born_to")), name="cohort_birth_range_order"
            )
        ]
        indexes = [models.Index(fields=["practice", "status"], name="cohort_status_idx")]

    def __str__(self) -> str:
        return self.name


class LeftReason(models.TextChoices):
    INDIVIDUAL = "individual", _("Back to individual well-child visits")
    LEFT_PRACTICE = "left_practice", _("Left the practice")
    BOOKED_IN_ERROR = "in_error", _("Added by mistake")


class CohortMember(PracticeScopedModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="members")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("why"), max_length=20, choices=LeftReason, blank=True)

    class Meta:
        constraints = [
            # A child is in one group at a time (docs/clinical-rules.md#group-care). Written
            # `left_on=None` so a merge of two records both in a group refuses cleanly
            # (ehr.merge: only a boolean "open" flag can be folded).
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(left_on=None),
                name="groupcare_one_open_membership",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, left_reason="")
                | (Q(left_on__isnull=False) & ~Q(left_reason="")),
                name="groupcare_left_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "left_on"], name="cohortmember_cohort_idx")]

    def __str__(self) -> str:
        return f"cohort member {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.left_on is None


class Session(PracticeScopedModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="sessions")
    # The Bright Futures visit it stands for (a key of medhome.periodicity's schedule).
    visit_key = models.CharField(_("well-child visit"), max_length=10)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    topics = models.JSONField(_("topic plan"), default=list, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "visit_key"], name="session_one_per_visit"),
            # A room or a video link, never both nor neither.
            models.CheckConstraint(
                condition=(Q(place="") & ~Q(video_link="")) | (~Q(place="") & Q(video_link="")),
                name="session_place_or_video",
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.visit_key} {self.starts_at:%Y-%m-%d}"

    @property
    def is_video(self) -> bool:
        return bool(self.video_link)


class AttendanceStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    MISSED = "missed", _("Missed")
    # Not part of this session: the family chose its individual visit that day, or went back to
    # individual visits (its group visit cancelled).
    LEFT_OUT = "left_out", _("Not in this session")


class DoubleBooking(models.TextChoices):
    KEEP_BOTH = "keep_both", _("Keep both visits")
    CANCEL_INDIVIDUAL = "cancel_individual", _("Cancel the other visit that day")
    LEAVE_OUT = "leave_out", _("Leave the child out of this session")


class Attendance(PracticeScopedModel):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    # The child's group well-child visit (kind GROUP); none when left out of the session.
    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceStatus, default=AttendanceStatus.BOOKED
    )
    # The individual visit booked to make up a missed session.
    makeup_visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the child had another visit that day: the visit, and what the team chose.
    other_visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    double_booking = models.CharField(
        _("other visit that day"), max_length=20, choices=DoubleBooking, blank=True
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "child"], name="attendance_one_per_child")
        ]
        indexes = [models.Index(fields=["child"], name="attendance_child_idx")]

    def __str__(self) -> str:
        return f"attendance {self.pk}"
