"""What the team needs to know, from the EHR, read-only on the chart (issue 15 item 6): active
problems, active medications, allergies (or "no known allergies", or "not recorded"),
immunizations given by vaccine, the last completed visits and the active coverage. One query
per table, whatever the child's history; shown to roles that may see clinical results."""

from collections import defaultdict
from datetime import date
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register
from medhome.visits.models import Visit, VisitStatus

from .models import Allergy, Condition, Coverage, Immunization, Medication

LAST_VISITS = 3


def summary_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    if not request.actor.can(Capability.SCREENING_RESULTS):
        return None
    mine = {"practice_id": child.practice_id, "child": child}
    allergies = list(Allergy.objects.filter(**mine, clinical_status="active").order_by("display"))
    vaccines: dict[str, list[date]] = defaultdict(list)
    # Three columns, not the rows: a child's tens of doses are only grouped here.
    for display, cvx, given_on in (
        Immunization.objects.filter(**mine, status="completed")
        .order_by("display", "cvx", "given_on")
        .values_list("display", "cvx", "given_on")
    ):
        vaccines[display or cvx].append(given_on)
    return {
        "child": child,
        "problems": Condition.objects.filter(**mine, clinical_status="active").order_by("display"),
        "medications": Medication.objects.filter(**mine, status="active").order_by("display"),
        "allergies": [a for a in allergies if not a.no_known_allergy],
        # "No known allergies" only when the EHR said so and listed none.
        "no_known_allergies": bool(allergies) and all(a.no_known_allergy for a in allergies),
        "vaccines": sorted(vaccines.items()),
        "visits": Visit.objects.filter(**mine, status=VisitStatus.COMPLETED)
        .select_related("clinician")
        .order_by("-starts_at")[:LAST_VISITS],
        "coverage": Coverage.objects.filter(**mine, active=True).order_by("-starts_on").first(),
    }


def register_panels() -> None:
    register(
        Panel(order=30, place="main", template="ehr/chart_summary.html", context=summary_context)
    )
