"""The huddle sheet's pages. Thin: parse, one domain call, render."""

from datetime import date, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.practices.calendar import calendar_of, next_business_day
from medhome.practices.models import Site
from medhome.screening.views import TODAY_SITE_KEY, parse_day
from medhome.visits import selectors as visit_selectors

from . import labels, pdf, selectors, services


def _choice(request: AuthedRequest) -> tuple[date, list[Site], Site | None]:
    """The day and site asked for; the site remembered with Today's (one choice for both)."""
    day = parse_day(request.GET.get("day"))
    sites = visit_selectors.sites_of(request.actor)
    site = visit_selectors.choose_site(
        sites, request.GET.get("site", ""), request.session.get(TODAY_SITE_KEY, "")
    )
    chosen = str(site.pk) if site else visit_selectors.ALL_SITES
    if "site" in request.GET and request.session.get(TODAY_SITE_KEY) != chosen:
        request.session[TODAY_SITE_KEY] = chosen
    return day, sites, site


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def sheet(request: AuthedRequest) -> HttpResponse:
    """A site's day for the morning huddle; htmx swaps only the sheet when site or day change."""
    day, sites, site = _choice(request)
    huddle = selectors.huddle_sheet(request.actor, day, site=site)
    next_clinic_day = next_business_day(clock.today(), calendar=calendar_of(request.actor.practice))
    services.record_sheet_read(actor=request.actor, sheet=huddle, at=clock.now())
    context = {
        "sheet": huddle,
        "labels": labels.card_labels(),
        "sites": sites,
        "site": site,
        "day": day,
        "today": clock.today(),
        # The next clinic day on the practice calendar: Friday's huddle prepares Monday's.
        "next_clinic_day": next_clinic_day,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
    }
    if request.htmx:
        return render(request, "huddle/sheet.html#sheet", context)
    return render(request, "huddle/sheet.html", context)


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def sheet_pdf(request: AuthedRequest) -> HttpResponse:
    """The sheet on paper: five children a page, no navigation."""
    day, _sites, site = _choice(request)
    huddle = selectors.huddle_sheet(request.actor, day, site=site)
    now = clock.now()
    services.record_sheet_read(actor=request.actor, sheet=huddle, at=now, printed=True)
    return pdf.response(huddle, actor=request.actor, printed_at=now)
