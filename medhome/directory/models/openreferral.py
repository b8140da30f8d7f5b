"""Who may read a practice's Open Referral API (/openreferral/<practice id>/): the practice's
choice of mode and the bearer tokens it gave its partners.

Only a token's SHA-256 digest is stored; the token is shown once, when it is issued (the same
rule as the portal's links and the feeds' credentials).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.practices.models import PracticeScopedModel


class PublishMode(models.TextChoices):
    OFF = "off", _("not published")
    PUBLIC = "public", _("public: anyone may read")
    TOKEN = "token", _("partners with a token")  # noqa: S105 (a label, not a secret)


class OpenReferralAccess(PracticeScopedModel):
    """One row per practice; a practice without one does not publish (mode off)."""

    mode = models.CharField(
        _("publication"), max_length=10, choices=PublishMode.choices, default=PublishMode.OFF
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("Open Referral API access")
        verbose_name_plural = _("Open Referral API access")
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="dir_oraccess_one_per_practice")
        ]

    def __str__(self) -> str:
        return f"{self.practice} {self.mode}"


class OpenReferralToken(PracticeScopedModel):
    partner = models.CharField(_("partner"), max_length=200)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open Referral API token")
        verbose_name_plural = _("Open Referral API tokens")

    def __str__(self) -> str:
        return self.partner
