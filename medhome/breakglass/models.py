"""Break-glass grants: one person's time-boxed access to one child beyond their role's rights.

A grant is never deleted: ending it early or letting it expire leaves the row, and the practice
admin's review (who, when, a note) is written on it once. The reason is the person's own words,
shown only to the practice admin on the grants page (never in a log, a task or the audit trail).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Role
from medhome.families.models import Child
from medhome.practices.models import PracticeScopedModel

REASON_MAX_LENGTH = 500
REVIEW_NOTE_MAX_LENGTH = 500


class ReasonCategory(models.TextChoices):
    URGENT_CARE = "urgent_care", _("The child needs care now and the team needs the record")
    SAFETY = "safety", _("A concern for the child's or a family member's safety")
    COVERING = "covering", _("Covering for a colleague who is away")
    OTHER = "other", _("Another reason (say which below)")


class BreakGlassGrant(PracticeScopedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    # The role held when the grant was opened: the review reads what was lifted for whom.
    role = models.CharField(max_length=40, choices=Role.choices)
    reason_category = models.CharField(_("reason"), max_length=20, choices=ReasonCategory.choices)
    reason_text = models.TextField(_("why you need it now"), max_length=REASON_MAX_LENGTH)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)  # ended early by the person
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(
        _("review note"), max_length=REVIEW_NOTE_MAX_LENGTH, blank=True, default=""
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")),
                name="break_glass_expires_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review_note="")
                | (Q(reviewed_at__isnull=False, reviewed_by__isnull=False) & ~Q(review_note="")),
                name="break_glass_review_is_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "user", "child", "-expires_at"], name="bg_active_idx"),
            models.Index(fields=["practice", "reviewed_at", "-started_at"], name="bg_review_idx"),
        ]

    def __str__(self) -> str:
        return f"break-glass grant {self.pk}"  # never the reason: it may reach a log line

    def is_active(self, at: datetime) -> bool:
        return self.ended_at is None and self.started_at <= at < self.expires_at
