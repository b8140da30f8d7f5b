"""Measures pages: the practice's dashboard, one measure with its run chart and equity view,
the children behind a figure (audited), the suppressed CSV export and the network comparison.
Thin: parse, one selector call, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock, spreadsheet
from medhome.core.decorators import requires
from medhome.core.params import malformed
from medhome.core.requests import AuthedRequest
from medhome.experience import selectors as experience

from . import (
    coverage,
    definitions,
    network_figures,
    periods,
    program_summary,
    selectors,
    services,
    strata,
    summary,
)

DEFAULT_DIMENSION = "language"
EQUITY_DEFAULT = "dev"
BOOKS = "prog_ror_books"


def _period(request: AuthedRequest) -> periods.Period:
    today = clock.today()
    chosen = periods.parse(request.GET.get("period"), today)
    if chosen is None:
        messages.error(
            request, _("That period is not one of the choices; showing the last 12 months.")
        )
        chosen = periods.parse(None, today)
    assert chosen is not None
    return chosen


def _measure(key: str) -> definitions.Measure:
    if key not in definitions.MEASURES:
        raise Http404
    return definitions.get(key)


def _dimension(request: AuthedRequest) -> str:
    value = request.GET.get("by") or DEFAULT_DIMENSION
    if value not in strata.DIMENSIONS:
        messages.error(
            request, _("That grouping is not one of the choices; showing preferred language.")
        )
        return DEFAULT_DIMENSION
    return value


def _chart_rows(total, rows) -> dict:
    """Bars by group; each label carries its counts where they are shown, so a group at 0 %
    is told apart from one with no children and a small group reads as small."""

    def pct(rate):
        return None if rate is None else round(rate * 100, 1)

    def label(name, numerator, denominator):
        return name if denominator is None else f"{name} ({numerator}/{denominator})"

    return {
        "rows": [
            {
                "label": label(str(_("All children")), total.numerator, total.denominator),
                "rate": pct(total.rate),
                "total": True,
            },
            *(
                {
                    "label": label(
                        row.cell.label, row.cell.shown_numerator, row.cell.shown_denominator
                    ),
                    "rate": pct(row.cell.shown_rate),
                    "total": False,
                }
                for row in rows
            ),
        ]
    }


def _experience_dimension(request: AuthedRequest) -> str:
    value = request.GET.get("experience_by") or experience.DEFAULT_DIMENSION
    if value not in experience.DIMENSIONS:
        messages.error(
            request, _("That grouping is not one of the choices; showing preferred language.")
        )
        return experience.DEFAULT_DIMENSION
    return value


@requires(Capability.MEASURES_READ)
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The practice's figures as the worker last computed them (measures.summary): a few
    queries whatever the measures and months; programs and family experience read live (a
    fixed handful of aggregate queries, not the engine)."""
    period = _period(request)
    today = clock.today()
    figures = summary.read(
        request.actor,
        period=period,
        keys=[*selectors.HEADLINE, BOOKS],
        dimensions=[DEFAULT_DIMENSION],
        chart_keys=selectors.HEADLINE,
        today=today,
    )
    ready = figures.has(period)
    headline = []
    if ready:
        marks = selectors.chart_annotations(request.actor, selectors.HEADLINE, today)
        for key in selectors.HEADLINE:
            total, rows = figures.equity(key, period, DEFAULT_DIMENSION)
            headline.append(
                {
                    "measure": definitions.get(key),
                    "chart": figures.chart(key, periods.rolling_points(today))
                    | {"annotations": marks[key]},
                    "total": total,
                    "rows": rows,
                    "bars": _chart_rows(total, rows),
                }
            )
    # The done-when of issue 18: Reach Out and Read's figure by preferred language.
    books, book_rows = figures.equity(BOOKS, period, DEFAULT_DIMENSION)
    return render(
        request,
        "measures/dashboard.html",
        {
            "period": period,
            "periods": periods.choices(today),
            "summary": summary.status(request.actor, figures),
            "ready": ready,
            "figures": summary.overview(figures, period) if ready else [],
            "headline": headline,
            "programs": program_summary.summary(request.actor.practice_id, period),
            "experience": experience.practice_results(
                request.actor, period.start, period.end, _experience_dimension(request)
            ),
            "books": {"measure": definitions.get(BOOKS), "total": books, "rows": book_rows},
        },
    )


@requires(Capability.MEASURES_READ)
@require_GET
def detail(request: AuthedRequest, measure_key: str) -> HttpResponse:
    measure = _measure(measure_key)
    period = _period(request)
    dimension = _dimension(request)
    today = clock.today()
    figures = summary.read(
        request.actor,
        period=period,
        keys=[measure_key],
        dimensions=[dimension],
        chart_keys=[measure_key],
        today=today,
    )
    ready = figures.has(period)
    total, rows = figures.equity(measure_key, period, dimension)
    marks = selectors.chart_annotations(request.actor, [measure_key], today) if ready else {}
    return render(
        request,
        "measures/detail.html",
        {
            "measure": measure,
            "period": period,
            "periods": periods.choices(today),
            "dimension": strata.DIMENSIONS[dimension],
            "dimensions": strata.DIMENSIONS.values(),
            "summary": summary.status(request.actor, figures),
            "ready": ready,
            "total": total,
            "rows": rows,
            "bars": _chart_rows(total, rows),
            "chart": figures.chart(measure_key, periods.rolling_points(today))
            | {"annotations": marks.get(measure_key, [])},
        },
    )


@requires(Capability.MEASURES_READ)
@require_POST
def recompute(request: AuthedRequest) -> HttpResponse:
    """ "Recompute now": the worker's next sweep recomputes the practice's figures (minutes);
    the page says so and goes back where it was asked from."""
    key = request.POST.get("measure", "")
    if key:
        _measure(key)
    services.request_recompute(actor=request.actor, at=clock.now())
    messages.success(
        request,
        _("Recompute queued: the figures will be updated within a few minutes."),
    )
    target = reverse("measures:detail", args=[key]) if key else reverse("measures:dashboard")
    period = request.POST.get("period", "")
    if periods.parse(period, clock.today()) is not None and period:
        target += "?" + urlencode({"period": period})
    return redirect(target)


@requires(Capability.MEASURES_READ)
@require_GET
def children(request: AuthedRequest, measure_key: str) -> HttpResponse:
    measure = _measure(measure_key)
    period = _period(request)
    which = request.GET.get("which", "missing")
    if which not in selectors.WHICH:
        messages.error(request, _("Choose the children who met the measure, who did not, or all."))
        which = "missing"
    stratum = None
    by, group = request.GET.get("by"), request.GET.get("group")
    if by is not None and group is not None:
        if by in strata.DIMENSIONS:
            if not strata.is_group_key(by, group):
                raise malformed("group")
            stratum = (by, group)
        else:
            messages.error(
                request, _("That grouping is not one of the choices; showing every group.")
            )
    withheld = not selectors.may_list_children(request.actor, measure_key)
    listed, count = (
        ([], 0)
        if withheld
        else selectors.children_behind(request.actor, measure_key, period, which, stratum=stratum)
    )
    return render(
        request,
        "measures/children.html",
        {
            "withheld": withheld,
            "measure": measure,
            "period": period,
            "which": which,
            "dimension": strata.DIMENSIONS[stratum[0]] if stratum else None,
            "group_query": urlencode({"by": stratum[0], "group": stratum[1]}) if stratum else "",
            "children": listed,
            "count": count,
            "limit": selectors.DRILL_LIMIT,
        },
        status=403 if withheld else 200,
    )


@requires(Capability.MEASURES_READ)
@require_GET
def export(request: AuthedRequest) -> HttpResponseBase:
    """The stratified table as CSV, streamed, in the form asked for: `use=internal` for the
    practice's own quality work (its figures as its dashboard shows them), `use=shared` (the
    default) for sharing beyond the practice, small counts suppressed."""
    period = _period(request)
    key = request.GET.get("measure")
    if key:
        _measure(key)
    form = request.GET.get("use", selectors.ExportForm.SHARED)
    if form not in selectors.ExportForm.ALL:
        return HttpResponseBadRequest(_("Choose the internal or the shared form of the table."))
    keys = [key] if key else list(definitions.MEASURES)
    # The summary's figures when the worker has computed this period (what the dashboard shows),
    # else the engine's, computed now.
    figures = summary.read(
        request.actor,
        period=period,
        keys=keys,
        dimensions=list(strata.DIMENSIONS),
        today=clock.today(),
    )
    rows = selectors.export_rows(
        request.actor, keys, period, form, figures if figures.has(period) else None
    )
    response = StreamingHttpResponse(
        spreadsheet.streamed(selectors.EXPORT_HEADER, rows),
        content_type="text/csv; charset=utf-8",
    )
    name = f"medhome-measures-{key or 'all'}-{period.key}-{form}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires()
@require_GET
def network(request: AuthedRequest) -> HttpResponse:
    period = _period(request)
    dimension = _dimension(request)
    equity_key = request.GET.get("measure") or EQUITY_DEFAULT
    if equity_key not in definitions.MEASURES:
        messages.error(request, _("That measure is not one of the choices."))
        equity_key = EQUITY_DEFAULT
    figures = network_figures.read(
        request.actor, period=period, equity_key=equity_key, dimension=dimension
    )
    return render(
        request,
        "measures/network.html",
        {
            "period": period,
            "periods": periods.choices(clock.today()),
            "dimension": strata.DIMENSIONS[dimension],
            "dimensions": strata.DIMENSIONS.values(),
            "measures": [definitions.get(key) for key in definitions.MEASURE_ORDER],
            "measure": definitions.get(equity_key),
            "total": figures.equity_total,
            "equity_rows": figures.equity_rows,
            "practices": figures.practices,
            "pending": figures.pending,
            "pending_names": ", ".join(p.name for p in figures.pending),
            "computed_since": figures.computed_since,
            "rows": figures.rows,
        },
    )


@requires(coverage.NEED)
@require_GET
def language_coverage(request: AuthedRequest) -> HttpResponse:
    """The families' languages against the team's speakers (an aggregate: no child is named)."""
    rows = coverage.language_coverage(request.actor, on=clock.today())
    return render(request, "measures/coverage.html", {"rows": rows})
