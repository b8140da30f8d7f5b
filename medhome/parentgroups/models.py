"""Parent groups: a parent circle, a reading group, a fathers' group or the practice's own kind,
led by a parent partner or another member of staff — when they meet, who signed up, who came and
what the group talked about.

Nothing clinical lives here (decision 0014): no child is named, no free text is written about a
person; a meeting's topics are the group's, not anyone's. A sign-up is a caregiver's, made from
the family's link or by staff, and withdrawn rather than deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Caregiver
from medhome.practices.models import PracticeScopedModel

NAME_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 1000
TOPIC_MAX_LENGTH = 80
MAX_TOPICS = 6


class GroupKind(models.TextChoices):
    PARENT_CIRCLE = "parent_circle", _("Parent circle")
    READING_GROUP = "reading_group", _("Reading group")
    FATHERS_GROUP = "fathers_group", _("Fathers' group")
    OTHER = "other", _("Another kind")


class SignUpHow(models.TextChoices):
    FAMILY_LINK = "family_link", _("From the family's link")
    STAFF = "staff", _("By staff")


class ParentGroup(PracticeScopedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind)
    # The practice's own word for its kind of group; required for "another kind" only.
    other_kind = models.CharField(_("which kind"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    # Language tags (core.languages) the group is held in, most used first.
    languages = models.JSONField(_("held in"), default=list)
    description = models.TextField(
        _("what families will find"), max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("led by"),
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"))
    open_for_sign_up = models.BooleanField(_("open for sign-up"), default=True)
    is_active = models.BooleanField(_("running"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(other_kind=""), name="other_group_kind_named"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="group_has_a_place"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return self.other_kind if self.kind == GroupKind.OTHER else str(self.get_kind_display())


class Meeting(PracticeScopedModel):
    group = models.ForeignKey(ParentGroup, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"))
    # Short words the group chose ("sleep", "first foods"), at most MAX_TOPICS.
    topics = models.JSONField(_("topics"), default=list, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["group", "starts_at"], name="parentgroup_meeting_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="meeting_lasts")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.starts_at:%Y-%m-%d %H:%M}"


class SignUp(PracticeScopedModel):
    group = models.ForeignKey(ParentGroup, on_delete=models.PROTECT, related_name="sign_ups")
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, related_name="parent_group_sign_ups"
    )
    how = models.CharField(_("how"), max_length=20, choices=SignUpHow)
    # Empty when the family signed up from their link.
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_up_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A caregiver holds one place in a group at a time; a withdrawn sign-up stays as
            # history and a new one may follow it.
            models.UniqueConstraint(
                fields=["group", "caregiver"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_sign_up_per_caregiver",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=models.F("signed_up_at")),
                name="sign_up_withdrawn_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.signed_up_at:%Y-%m-%d}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class MeetingAttendance(PracticeScopedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, related_name="parent_group_attendance"
    )
    attended = models.BooleanField(_("came"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "caregiver"], name="one_attendance_per_meeting_caregiver"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {'✓' if self.attended else '✗'}"
