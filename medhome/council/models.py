"""The family advisory council (issue 19): families who help run the practice.

A council belongs to the practice that hosts it; a network-wide council (`network_wide`) is hosted
by one practice of the network and its recommendations reach every practice of the network.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.practices.models import PracticeScopedModel

NAME_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 2000


class Council(PracticeScopedModel):
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    network_wide = models.BooleanField(_("across the network"), default=False)
    created_on = models.DateField(_("started on"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecommendationStatus(models.TextChoices):
    HEARD = "heard", _("Heard")
    UNDER_REVIEW = "under_review", _("Under review")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_ADOPTED = "not_adopted", _("Not adopted, with the reason")


class Recommendation(PracticeScopedModel):
    """What the council asked the practice to change, and where it stands ("you said, we did")."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="recommendations")
    raised_on = models.DateField(_("raised on"))
    title = models.CharField(_("what families asked for"), max_length=NAME_MAX_LENGTH * 2)
    status = models.CharField(
        _("status"), max_length=20, choices=RecommendationStatus.choices, default="heard"
    )

    class Meta:
        ordering = ["-raised_on"]

    def __str__(self) -> str:
        return self.title
