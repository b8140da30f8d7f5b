"""Team notes on a child: internal words for the care team, never for the family.

A note is never edited: what was written stays as written, and an author who got it wrong marks
it "entered in error" with a reason, which the chart shows struck through (the same rule a paper
chart follows). Who was mentioned is kept with the note (`NoteMention`), so the note's task for
each colleague is opened once and can be cancelled when the note is retracted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Child
from medhome.practices.models import PracticeScopedModel

# Long enough for a paragraph of handover, short enough that a note stays a note (a longer
# account belongs in the EHR's progress notes).
BODY_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 300


class TeamNote(PracticeScopedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"), max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField()
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    retraction_reason = models.CharField(
        _("reason"), max_length=REASON_MAX_LENGTH, blank=True, default=""
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True, retraction_reason="")
                | (Q(retracted_at__isnull=False) & ~Q(retraction_reason="")),
                name="team_note_retraction_has_a_reason",
            )
        ]
        indexes = [
            models.Index(fields=["practice", "child", "-created_at"], name="team_note_chart_idx")
        ]

    def __str__(self) -> str:
        return f"team note {self.pk}"  # never the body: it may reach a log line

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None


class NoteMention(PracticeScopedModel):
    """A colleague named with @handle in a note (the handle as written, resolved to the user)."""

    note = models.ForeignKey(TeamNote, on_delete=models.PROTECT, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "user"], name="one_mention_per_note_and_user")
        ]

    def __str__(self) -> str:
        return f"mention {self.pk}"
