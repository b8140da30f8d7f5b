"""The languages a colleague speaks, in their own words of proficiency.

A person's languages are theirs, not the practice's: one row per user and language, whatever
practices they work in (a user may be a member of several), so a colleague records them once and
every practice they work for sees them. They are not PHI; changes are audited all the same, in
the chain of the practice where the change was made.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Proficiency(models.TextChoices):
    """Self-reported, in four plain words, each the everyday name of a level of the Interagency
    Language Roundtable scale (ILR, www.govtilr.org): basic ≈ ILR 1 (elementary), conversational
    ≈ ILR 2 (limited working), fluent ≈ ILR 3-4 (professional), native ≈ ILR 5 (functionally
    native). Self-reported: nobody here has tested it (docs/clinical-rules.md#team-languages)."""

    BASIC = "basic", _("basic")
    CONVERSATIONAL = "conversational", _("conversational")
    FLUENT = "fluent", _("fluent")
    NATIVE = "native", _("native")


class StaffLanguage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="languages"
    )
    # The same tags as families' preferred languages (core.languages.normalize_language).
    language = models.CharField(_("language"), max_length=35)
    proficiency = models.CharField(_("proficiency"), max_length=20, choices=Proficiency)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "language"], name="one_row_per_staff_language")
        ]
        ordering = ["language"]

    def __str__(self) -> str:
        return f"{self.language} ({self.proficiency})"
