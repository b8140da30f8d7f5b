"""Improvement cycles (issue 19, learning together in the network): plan–do–study–act per
practice, aimed at one of the measures engine's figures and, optionally, answering a family
council's recommendation; another practice of the network may adopt the change as a new cycle of
its own (`adopted_from`). No child is named anywhere in these tables: a cycle is about a figure.

docs/decisions/0017-improvement-cycles.md says why the stages are one straight line.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.council.models import Recommendation
from medhome.practices.models import PracticeScopedModel

TITLE_MAX_LENGTH = 200
SHORT_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000


class Stage(models.TextChoices):
    PLAN = "plan", _("Plan")
    DO = "do", _("Do")
    STUDY = "study", _("Study")
    ACT = "act", _("Act")


class Decision(models.TextChoices):
    ADOPT = "adopt", _("Adopt: keep the change")
    ADAPT = "adapt", _("Adapt: change it and test again")
    ABANDON = "abandon", _("Abandon: stop the change")


class Cycle(PracticeScopedModel):
    title = models.CharField(_("the change"), max_length=TITLE_MAX_LENGTH)
    # The aim, in the model for improvement's three parts: what, by how much, by when.
    aim_what = models.CharField(_("what we will improve"), max_length=SHORT_MAX_LENGTH)
    aim_how_much = models.CharField(_("by how much"), max_length=SHORT_MAX_LENGTH)
    aim_by = models.DateField(_("by when"))
    measure_key = models.CharField(_("measure it aims to move"), max_length=40)
    # Optional: one stratum of the measure (e.g. preferred language = es), measures.strata keys.
    stratum_dimension = models.CharField(_("for the group of"), max_length=30, blank=True)
    stratum_group = models.CharField(_("group"), max_length=60, blank=True)
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("council recommendation it answers"),
    )
    started_on = models.DateField(_("change started on"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.PLAN)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    prediction = models.TextField(_("what we predict (plan)"), blank=True)
    done = models.TextField(_("what was done (do)"), blank=True)
    learned = models.TextField(_("what was learned (study)"), blank=True)
    adopted_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("adopted from"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["practice", "measure_key", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage="act") | ~models.Q(decision=""),
                name="improvement_act_has_a_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(stage="plan") | models.Q(started_on__isnull=False),
                name="improvement_started_before_do",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CycleChange(PracticeScopedModel):
    """One move of a cycle from a stage to the next: who, when, and the decision at "act"."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=10, choices=Stage.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
