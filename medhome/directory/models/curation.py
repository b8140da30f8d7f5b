"""A practice's own view of the shared directory: trusted and on-site partners, notes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.practices.models import PracticeScopedModel

from .hsds import Organization


class PracticePartner(PracticeScopedModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="practice_partners",
        verbose_name=_("organization"),
    )
    trusted = models.BooleanField(_("trusted partner"), default=False)
    # Works inside the clinic (e.g. a medical-legal partnership): same-day warm hand-offs.
    on_site = models.BooleanField(_("on-site partner"), default=False)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("practice partner")
        verbose_name_plural = _("practice partners")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "organization"], name="dir_partner_unique_in_practice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.practice})"
