"""The measures' summary table: what the worker computed, read by the pages instead of the engine.

`MeasureFigure` holds one figure (numerator, denominator) of one measure over one period, for all
the practice's children or one stratum (a dimension's group), as the engine gave it when the
worker last recomputed the practice (`services.recompute`). Unsuppressed, like the practice's own
dashboard: suppression is applied when a figure leaves the practice, at read time.
`MeasureRefresh` is the practice's bookkeeping: when its figures were computed, how far its audit
trail had got then (what "the data changed since" is measured against), and whether someone asked
for a recompute.
"""

from django.db import models

from medhome.practices.models import Practice, PracticeScopedModel

ALL_CHILDREN = ""  # `dimension` and `group` of the figure over all the practice's children


class MeasureFigure(PracticeScopedModel):
    measure_key = models.CharField(max_length=40)
    period_start = models.DateField()
    period_end = models.DateField()
    dimension = models.CharField(max_length=30, blank=True)  # a strata.DIMENSIONS key, or ""
    group = models.CharField(max_length=64, blank=True)  # the stratum's key ("" = not recorded)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    median_days = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "practice",
                    "measure_key",
                    "period_start",
                    "period_end",
                    "dimension",
                    "group",
                ],
                name="measure_figure_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["practice", "period_end", "period_start", "dimension"],
                name="measure_figure_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_key} {self.period_start}..{self.period_end} {self.dimension}"


class MeasureRefresh(models.Model):
    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    # The practice's audit chain position (AuditChainHead.sequence) read before the figures were
    # computed: a change audited after it is a change the figures may not include.
    audit_sequence = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField(null=True, blank=True)  # "Recompute now", not yet done

    def __str__(self) -> str:
        return f"{self.practice_id} computed {self.computed_at}"
