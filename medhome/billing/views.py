"""A visit's billing summary and the day's CSV for the billing team. No claims are made here."""

from datetime import date
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from medhome.core import clock, spreadsheet
from medhome.core.decorators import requires
from medhome.core.params import MalformedId, optional_id
from medhome.core.requests import AuthedRequest

from . import selectors, services
from .summary import Summary

HEADER = [
    "visit_id",
    "mrn",
    "date",
    "code_system",
    "code",
    "units",
    "label",
    "status",
    "confidential",
    "why",
]


@requires(selectors.NEED)
@require_GET
def visit_summary(request: AuthedRequest, visit_id: UUID) -> HttpResponse:
    visit = selectors.access_visit(request.actor, visit_id)
    [summary] = selectors.summaries(request.actor, [visit])
    services.record_billing_read(actor=request.actor, visits=[visit], at=clock.now())
    return render(request, "billing/visit.html", {"summary": summary, "child": visit.child})


def _day(value: str) -> date:
    if not value:
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        # MalformedId: core's 400 whose sentence is shown (it never repeats what was sent).
        raise MalformedId(_("Give the day as YYYY-MM-DD, for example 2026-03-02.")) from None


def rows_of(summary: Summary) -> list[list[object]]:
    visit = summary.visit
    return [
        [
            str(visit.pk),
            visit.child.mrn,
            summary.day.isoformat(),
            line.system,
            line.code,
            "" if line.units is None else line.units,
            line.label,
            line.status.value,
            "yes" if line.confidential else "",
            line.why,
        ]
        for line in summary.lines
    ]


@requires(selectors.NEED)
@require_GET
def day_csv(request: AuthedRequest) -> HttpResponse:
    day = _day(request.GET.get("day", "").strip())
    site = selectors.access_site(request.actor, optional_id(request.GET, "site"))
    visits = selectors.day_visits(request.actor, day, site)
    found = selectors.summaries(request.actor, visits)
    services.record_billing_read(actor=request.actor, visits=visits, at=clock.now(), export=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="medhome-billing-{day:%Y%m%d}.csv"'
    writer = spreadsheet.writer(response)
    writer.writerow(HEADER)
    for summary in found:
        writer.writerows(rows_of(summary))
    return response
