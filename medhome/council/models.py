"""The family advisory council (issue 19): families who help run the practice.

A council belongs to the practice that hosts it; a network-wide council (`network_wide`) is hosted
by one practice of the network and its recommendations reach every practice of the network.

Members are parents and caregivers who agreed to serve; the day one withdraws their consent their
row keeps only what their past contributions need (attendance, compensation, recommendations
raised) and loses their name and how to reach them: it reads "a former member" from then on
(docs/decisions/0016-family-council.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Caregiver
from medhome.practices.models import PracticeScopedModel, PracticeScopedQuerySet

NAME_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 2000
DETAIL_MAX_LENGTH = 200


class Council(PracticeScopedModel):
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    network_wide = models.BooleanField(_("across the network"), default=False)
    created_on = models.DateField(_("started on"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReachBy(models.TextChoices):
    TEXT = "text", _("Text message")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    MAIL = "mail", _("Letter by mail")
    IN_PERSON = "in_person", _("In person at the practice")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed form")
    VERBAL = "verbal", _("Said so to a staff member")
    ELECTRONIC = "electronic", _("By text or email")


class MemberQuerySet(PracticeScopedQuerySet):
    def current(self) -> "MemberQuerySet":
        return self.filter(withdrawn_on__isnull=True)


class Member(PracticeScopedModel):
    """A parent or caregiver on the council, with their consent and how they want to be reached.

    `name` is the name they want used (not necessarily their legal name); it and `contact_detail`
    are emptied, and `caregiver` unlinked, when they withdraw."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="members")
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("the name they want used"), max_length=NAME_MAX_LENGTH, blank=True)
    language = models.CharField(_("language"), max_length=35)
    reach_by = models.CharField(_("how they want to be reached"), max_length=20, choices=ReachBy)
    contact_detail = models.CharField(
        _("number, email or address"), max_length=DETAIL_MAX_LENGTH, blank=True
    )
    consent_given_on = models.DateField(_("agreed to serve on"))
    consent_method = models.CharField(_("how they agreed"), max_length=20, choices=ConsentMethod)
    withdrawn_on = models.DateField(_("withdrew on"), null=True, blank=True)

    objects = MemberQuerySet.as_manager()  # type: ignore[misc]  # narrows the base manager

    class Meta:
        ordering = ["consent_given_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(name="", contact_detail="", caregiver__isnull=True),
                name="council_member_withdrawn_keeps_no_name",
            )
        ]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def has_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def shown_name(self) -> str:
        return str(_("a former member")) if self.has_withdrawn else self.name


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("By video")
    BOTH = "both", _("In person and by video")


class Meeting(PracticeScopedModel):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("date"))
    format = models.CharField(_("where"), max_length=20, choices=MeetingFormat)
    place = models.CharField(_("place or video link"), max_length=DETAIL_MAX_LENGTH, blank=True)
    agenda = models.TextField(_("agenda topics, one a line"), max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.council} {self.held_on}"

    @property
    def topics(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class MeetingAttendance(PracticeScopedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="council_attended_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class CompensationForm(models.TextChoices):
    CASH = "cash", _("Cash")
    GIFT_CARD = "gift_card", _("Gift card")
    STIPEND = "stipend", _("Stipend (check or transfer)")
    CHILD_CARE = "child_care", _("Child care paid for")
    TRANSPORT = "transport", _("Transport paid for")
    MEAL = "meal", _("Meal")


class Compensation(PracticeScopedModel):
    """What a member was paid for their time at a meeting (CSSP, "Common Threads")."""

    attendance = models.OneToOneField(
        MeetingAttendance, on_delete=models.PROTECT, related_name="compensation"
    )
    amount = models.DecimalField(_("amount (USD)"), max_digits=8, decimal_places=2)
    form = models.CharField(_("form"), max_length=20, choices=CompensationForm)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="council_compensation_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.form}"


class RecommendationStatus(models.TextChoices):
    HEARD = "heard", _("Heard")
    UNDER_REVIEW = "under_review", _("Under review")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_ADOPTED = "not_adopted", _("Not adopted, with the reason")


class Recommendation(PracticeScopedModel):
    """What the council asked the practice to change, and where it stands ("you said, we did").

    `title` is the English text of the request (kept in step with its English RecommendationText),
    so apps below the family pages (improvement) can name it without reading the texts."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="recommendations")
    raised_on = models.DateField(_("raised on"))
    title = models.CharField(_("what families asked for"), max_length=NAME_MAX_LENGTH * 2)
    status = models.CharField(
        _("status"), max_length=20, choices=RecommendationStatus.choices, default="heard"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("raised at the meeting of"),
    )
    raised_by = models.ManyToManyField(
        Member, through="RaisedBy", related_name="recommendations", blank=True
    )

    class Meta:
        ordering = ["-raised_on"]

    def __str__(self) -> str:
        return self.title


class RaisedBy(PracticeScopedModel):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "member"], name="council_raised_by_once"
            )
        ]


class RecommendationText(PracticeScopedModel):
    """The request and the practice's answer in one language, as families read them."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="texts"
    )
    language = models.CharField(_("language"), max_length=35)
    asked = models.CharField(_("what families asked for"), max_length=NAME_MAX_LENGTH * 2)
    answer = models.TextField(_("what we did"), max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "language"], name="council_one_text_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.asked}"


class RecommendationChange(PracticeScopedModel):
    """The history of a recommendation: its status moves and the edits of its texts."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="changes"
    )
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, choices=RecommendationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RecommendationStatus.choices, blank=True)
    # The languages whose texts changed ("en", "es"), never the words.
    languages = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation_id} {self.from_status}→{self.to_status}"
