"""Improvement cycles in tests (medhome.improvement): rows written directly for the access
sweeps (tests/url_matrix.py FILL "cycle_id"), and a council recommendation to answer."""

from datetime import date

from medhome.core import clock


def cycle(practice, owner, **overrides):
    from medhome.improvement.models import Cycle

    now = clock.now()
    values = {
        "title": "Evening well-child visits",
        "aim_what": "Infants with six well-child visits by 15 months",
        "aim_how_much": "by 10 points",
        "aim_by": date(2027, 6, 30),
        "measure_key": "w30_1",
        "owner": owner,
        "created_at": now,
        "updated_at": now,
    } | overrides
    return Cycle.objects.create(practice=practice, **values)


def cycle_rows(practice, owner) -> dict:
    return {"cycle": cycle(practice, owner)}


def recommendation(practice, *, network_wide: bool = False, title: str = "Evening visits"):
    from medhome.council.models import Council, Recommendation

    council = Council.objects.create(
        practice=practice,
        name="Network council" if network_wide else "Family council",
        network_wide=network_wide,
        created_on=date(2026, 1, 10),
    )
    return Recommendation.objects.create(
        practice=practice, council=council, raised_on=date(2026, 3, 2), title=title
    )
