from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.core import clock
from medhome.practices.models import PracticeScopedModel


class TextPack(PracticeScopedModel):
    """A practice's licensed wording for one instrument version in one language.

    Loaded only by `manage.py load_text_pack` once the practice holds the authors' permission
    (docs/clinical-rules.md#instrument-licenses); medhome itself never ships this text.
    """

    instrument_key = models.CharField(_("instrument"), max_length=40)
    instrument_version = models.CharField(_("instrument version"), max_length=20)
    language = models.CharField(_("language (BCP 47)"), max_length=35)
    # {"title", "preamble", "footer": str,
    #  "items": {link_id: str}, "options": {link_id: {code: str}}}
    content = models.JSONField(_("content"))
    permission_reference = models.CharField(
        _("permission reference"),
        max_length=500,
        help_text=_("Who granted permission to use this wording, and the reference of the grant"),
    )
    loaded_at = models.DateTimeField(_("loaded at"), default=clock.now)
    loaded_by = models.CharField(_("loaded by"), max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "instrument_key", "instrument_version", "language"],
                name="one_text_pack_per_instrument_version_language",
            ),
            models.CheckConstraint(
                condition=~models.Q(permission_reference=""),
                name="text_pack_permission_reference_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} {self.instrument_version} ({self.language})"
