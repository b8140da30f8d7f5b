"""The family's links: one table for every page a family opens without an account.

A link is a bearer credential for one child's pages of one purpose, made for one caregiver.
Only a digest of the token is kept, so a copy of the database cannot be used to act in a
family's name. What a purpose shows (screeners, the care plan, referral status) belongs to its
own app; this table knows only who the link is for, how long it works and whether it may be
used again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Caregiver, Child
from medhome.families.vocabulary import Channel
from medhome.practices.models import PracticeScopedModel


class Purpose(models.TextChoices):
    # Later issues add their purposes here (visit reminders, visit pages).
    SCREENING = "screening", _("Pre-visit questions")
    CARE_PLAN = "care_plan", _("Care plan")
    REFERRAL_STATUS = "referral_status", _("Referral status")
    EXPERIENCE = "experience", _("How was your visit?")
    PARENT_GROUPS = "parent_groups", _("Parent groups")


# A screening link is finished once every screener on it is sent; the plan and the referral
# status are pages a family comes back to until the link expires or is revoked.
SINGLE_USE = frozenset({Purpose.SCREENING, Purpose.EXPERIENCE})


class FamilyLink(PracticeScopedModel):
    purpose = models.CharField(_("for"), max_length=30, choices=Purpose)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="family_links")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="family_links")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=35)
    channel = models.CharField(_("sent by"), max_length=20, choices=Channel, blank=True)
    # None when medhome issued it itself (a visit reminder's pre-visit link).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_opened_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["child", "purpose", "created_at"], name="family_link_child_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def single_use(self) -> bool:
        return self.purpose in SINGLE_USE
