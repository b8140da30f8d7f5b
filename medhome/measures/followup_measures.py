"""Positive screens followed up within 30 days, for every kind of screen (medhome measure,
docs/clinical-rules.md#positive-screen-follow-up-measure): rows are positive screens
(medhome.nextsteps), each in the numerator when its outcome was "followed up" within the days
after it was found. The outcome itself is nextsteps' (docs/clinical-rules.md#next-steps).
"""

from datetime import date, timedelta

from django.db.models import F, OuterRef, Q, QuerySet

from medhome.measures import definitions
from medhome.measures.attribution import on_panel, own_rows
from medhome.measures.sql import flagged, shift
from medhome.nextsteps.definitions import ScreenKind
from medhome.nextsteps.models import Outcome, PositiveScreen

KINDS = {key: kinds for key, kinds, _ in definitions.PSF_MEASURES}


def found_window(rules: dict, start: date, end: date) -> tuple[date, date]:
    """Found from the period's first day to its last minus the follow-up days, so each screen
    has its whole time to be followed up in the period (as SNS-E's window)."""
    return start, end - timedelta(days=int(rules["psf_days"]))


def positive_screens(rules: dict, kinds, practices, start: date, end: date) -> QuerySet:
    """The units: positive screens of these kinds found in the window, of a child on the
    practice's panel on the day found (docs/clinical-rules.md#measure-attribution)."""
    first, last = found_window(rules, start, end)
    return PositiveScreen.objects.filter(
        practice__in=practices, kind__in=kinds, found_on__gte=first, found_on__lte=last
    ).filter(on_panel(OuterRef("found_on"), "child_id", practices=own_rows(practices)))


def followed_in_time(rules: dict) -> Q:
    """Followed up on the day found up to `psf_days` after it (day 30 counts, day 31 not);
    a declined or pending screen is not."""
    return Q(
        outcome=Outcome.FOLLOWED_UP,
        followed_up_on__isnull=False,
        followed_up_on__lte=shift(F("found_on"), int(rules["psf_days"])),
    )


def followed_up(key: str, rules, practices, start: date, end: date):
    screens = positive_screens(rules, KINDS[key], practices, start, end)
    return flagged(screens, followed_in_time(rules), "child_id"), "child__"


BUILDERS = dict.fromkeys(KINDS, followed_up)
ALL_KINDS = tuple(ScreenKind.values)
