"""A case review: the team met about one family, who was there, what they said, what they decided.

Each decision ("who does what by when") is also a follow-up task in the one task room
(medhome.tasks); the decision keeps the task's id, not a foreign key, because tasks are read only
through tasks.selectors. The review belongs to the practice; a review held in a program's
meeting (DULCE's weekly review with a legal partner, issue 18) names the program, and records
that program's case-review contact for each enrolled child in the same transaction.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Role
from medhome.families.models import Child, Family
from medhome.practices.models import PracticeScopedModel

SUMMARY_MAX = 2000
DECISION_MAX = 300


class CaseReview(PracticeScopedModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="case_reviews")
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("who attended")
    )
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    # The program whose review meeting this was (blank: the practice's general case review).
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
    )

    class Meta:
        ordering = ["-held_on", "-recorded_at"]
        indexes = [
            models.Index(fields=["practice", "family", "held_on"], name="casereview_family_idx"),
            models.Index(fields=["practice", "program", "held_on"], name="casereview_program_idx"),
        ]

    def __str__(self) -> str:
        return f"case review {self.pk} on {self.held_on}"


class Decision(models.Model):
    """One decision of a review, as it was written; its task says whether it is done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="decisions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("what"), max_length=DECISION_MAX)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    assignee_role = models.CharField(_("for the role"), max_length=40, choices=Role.choices)
    due_on = models.DateField(_("by when"))
    task_id = models.UUIDField()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "position"], name="casereview_decision_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"decision {self.position} of {self.review_id}"
