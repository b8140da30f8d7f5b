"""Per-screen reference for "positive screens followed up within 30 days": plain Python over
every positive screen of the practices, read as definitions.py states it
(docs/clinical-rules.md#positive-screen-follow-up-measure)."""

from datetime import date, timedelta

from medhome.measures import definitions, reference_attribution
from medhome.nextsteps.models import Outcome, PositiveScreen

KINDS = {key: kinds for key, kinds, _ in definitions.PSF_MEASURES}


def compute(key: str, rules: dict, practices, start: date, end: date) -> tuple[list, list]:
    """(numerator ids, denominator ids)."""
    days = int(rules["psf_days"])
    last_found = end - timedelta(days=days)
    screens = list(
        PositiveScreen.objects.filter(practice__in=practices, kind__in=KINDS[key]).order_by("pk")
    )
    spans = reference_attribution.spans_of({screen.child_id for screen in screens})
    numerator, denominator = [], []
    for screen in screens:
        if not start <= screen.found_on <= last_found:
            continue
        if not reference_attribution.on_panel(spans, screen.child_id, screen.found_on):
            continue
        denominator.append(screen.pk)
        followed = screen.followed_up_on
        if (
            screen.outcome == Outcome.FOLLOWED_UP
            and followed is not None
            and followed <= screen.found_on + timedelta(days=days)
        ):
            numerator.append(screen.pk)
    return numerator, denominator
