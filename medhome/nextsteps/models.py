"""One row per positive screen and the next steps it proposes
(docs/clinical-rules.md#next-steps).

A positive screen is created in the transaction that scores the form (screening.hooks), once
per administration. Its outcome is kept here, settled by services.settle from its steps: pending
until a step is done (a referral sent, a task done, a step marked done) → followed up on that
day; every step declined → declined. The measure "positive screens followed up within 30 days"
reads `followed_up_on` (medhome.measures).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Child
from medhome.practices.models import PracticeScopedModel
from medhome.referrals.models import Referral
from medhome.screening.models import Administration

from .definitions import ScreenKind


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    FOLLOWED_UP = "followed_up", _("Followed up")
    DECLINED = "declined", _("Declined")


class StepStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    TAKEN = "taken", _("Taken")  # became a task or a referral not yet done or sent
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class PositiveScreen(PracticeScopedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="positive_screens")
    administration = models.OneToOneField(
        Administration, on_delete=models.PROTECT, related_name="positive_screen"
    )
    kind = models.CharField(max_length=30, choices=ScreenKind.choices)
    # The adolescent's own (copied from the screen): only roles that may see it, and a
    # referral from it needs the adolescent's consent (referrals enforces that).
    confidential = models.BooleanField(default=False)
    found_at = models.DateTimeField()
    found_on = models.DateField()  # the practice's day, for the measure
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_at = models.DateTimeField(null=True, blank=True)
    followed_up_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "outcome", "found_at"], name="positive_outcome_idx"),
            models.Index(fields=["practice", "kind", "found_on"], name="positive_kind_found_idx"),
            models.Index(fields=["child", "found_at"], name="positive_child_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.outcome}"


class NextStep(PracticeScopedModel):
    positive_screen = models.ForeignKey(
        PositiveScreen, on_delete=models.PROTECT, related_name="steps"
    )
    key = models.CharField(max_length=40)  # definitions.STEPS
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=StepStatus.choices, default=StepStatus.PROPOSED
    )
    decline_reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # The task it became, by id: only medhome.tasks reads the task table (tasks.selectors).
    task_ref = models.UUIDField(null=True, blank=True)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["positive_screen", "key"], name="one_step_per_key"),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="declined_step_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} · {self.status}"
