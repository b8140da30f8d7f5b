"""Attribution per child, in plain Python, for the reference implementations: the same rules
as measures/attribution.py (docs/clinical-rules.md#measure-attribution)."""

from collections import defaultdict
from datetime import date

from medhome.families.models import PanelMembership
from medhome.measures.attribution import enrolled_joined_by

Spans = dict  # child id -> [(starts_on, ends_on or None)]


def spans_of(child_ids) -> Spans:
    spans: Spans = defaultdict(list)
    rows = PanelMembership.objects.filter(child_id__in=list(child_ids))
    for child_id, starts_on, ends_on in rows.values_list("child_id", "starts_on", "ends_on"):
        spans[child_id].append((starts_on, ends_on))
    return spans


def on_panel(spans: Spans, child_id, day: date) -> bool:
    """starts_on inclusive, ends_on exclusive."""
    return any(s <= day and (e is None or e > day) for s, e in spans[child_id])


def enrolled(spans: Spans, child_id, first: date, anchor: date, gap_days: int) -> bool:
    joined_by = enrolled_joined_by(first, anchor, gap_days)
    return any(s <= joined_by and (e is None or e > anchor) for s, e in spans[child_id])
