"""Tables of medhome.experience: the family experience survey after a visit.

An Invitation is one survey offered to one caregiver about one visit; its family link (purpose
`experience`, single use, 14 days) is issued by messaging when the message goes and bound here
when the family first opens it. A Response is the one answer an invitation can have (a DB
constraint: a link reused or answered twice counts once); Answer rows hold item → value, a
Comment the family's own words and whether they allowed their name beside them. Staff entry of
a practice's licensed paper/vendor form makes a Response without an invitation, under that
form's survey key, so it is counted apart (docs/clinical-rules.md#family-experience).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Caregiver, Child
from medhome.portal.models import FamilyLink
from medhome.practices.models import PracticeScopedModel
from medhome.visits.models import Visit


class EnteredBy(models.TextChoices):
    FAMILY = "family", _("The family")
    STAFF = "staff", _("Staff, from the practice's form")


class Invitation(PracticeScopedModel):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="+")
    survey_key = models.CharField(max_length=40)
    # Bound when the family first opens the survey (or at issue for the demo's live link).
    link = models.ForeignKey(
        FamilyLink, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit"], name="experience_one_invitation_per_visit")
        ]
        indexes = [
            models.Index(fields=["practice", "created_at"], name="experience_inv_practice_idx"),
            models.Index(
                fields=["child", "caregiver", "created_at"], name="experience_inv_who_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"invitation {self.created_at:%Y-%m-%d}"


class Response(PracticeScopedModel):
    # Empty for staff entry of a licensed form (no family link, no invitation).
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    survey_key = models.CharField(max_length=40)
    # Who the answers are about; the strata (language, race and ethnicity, payer) are the
    # child's, the site the visit's, as in the measures.
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        "practices.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=35)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    entered_by = models.CharField(max_length=10, choices=EnteredBy)
    entered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(entered_by="staff") | Q(invitation__isnull=False),
                name="experience_family_answer_has_invitation",
            )
        ]
        indexes = [
            models.Index(
                fields=["practice", "survey_key", "answered_on"], name="experience_resp_period_idx"
            )
        ]

    def __str__(self) -> str:
        return f"response {self.answered_on}"


class Answer(PracticeScopedModel):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=20)
    value = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "item"], name="experience_one_answer_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}={self.value}"


class Comment(PracticeScopedModel):
    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="comment")
    text = models.TextField()
    # The family ticked "you may show my name with my comment" (off by default).
    may_show_name = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["practice", "created_at"], name="experience_comment_idx")]

    def __str__(self) -> str:
        return f"comment {self.created_at:%Y-%m-%d}"


class QualityLead(PracticeScopedModel):
    """The one colleague per practice who reads the families' comments (decision 0015)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="experience_one_quality_lead")
        ]

    def __str__(self) -> str:
        return "quality lead"
