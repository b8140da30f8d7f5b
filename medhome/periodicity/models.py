from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.families.models import Child
from medhome.practices.models import PracticeScopedModel


class Source(models.TextChoices):
    INSTRUMENT = "instrument", _("Screening instrument")
    MANUAL = "manual", _("Entered by staff")
    VISIT = "visit", _("Visit")
    EHR = "ehr", _("From the EHR")
    ELSEWHERE = "elsewhere", _("Done elsewhere")


class RowCompletion(PracticeScopedModel):
    """A schedule row done (or awaiting its next step) for a child: the engine's only input
    besides the child's facts. No FK to screening or visits: layers depend one way
    (pyproject import-linter), so the origin is an id, not a relation."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="row_completions")
    row = models.CharField(_("schedule row"), max_length=40)
    # The visit the result counts for (docs/clinical-rules.md#screening-row-done); blank for range,
    # recurring and newborn rows, which are done once anywhere in their span.
    visit_key = models.CharField(_("visit"), max_length=10, blank=True)
    done_on = models.DateField(_("done on"))
    # An M-CHAT-R medium-risk result without its Follow-Up, a PHQ-2 ≥ 3 without its PHQ-9.
    next_step_pending = models.BooleanField(_("next step pending"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=Source)
    source_id = models.UUIDField(null=True, blank=True)
    # Where a row done elsewhere was done ("school", "WIC", "another clinic"), or the EHR record
    # that completed it; shown with the row.
    source_detail = models.CharField(_("where"), max_length=200, blank=True)
    schedule_version = models.CharField(max_length=40)
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["child", "row", "visit_key"], name="rowcompletion_child_row_idx"),
            # Covers the panel's per-child subquery (child, visit, then row, flag and date in
            # the index): 0.4 s less for 100,000 children on SQLite (docs/benchmarks.md).
            models.Index(
                fields=["child", "visit_key", "row", "next_step_pending", "done_on"],
                name="rowcompletion_panel_idx",
            ),
            models.Index(fields=["source_id", "row"], name="rowcompletion_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.row} {self.visit_key or ''} {self.done_on}"
