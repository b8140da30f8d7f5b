"""The figures of reaching families: the page and its CSV (`?format=csv`). Thin: parse the
range, one selector call, render."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock, spreadsheet
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest

from . import figures as selectors

FIGURES_OBJECT = "messaging.figures"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RangeForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        default = selectors.default_range(today)
        kwargs.setdefault("initial", {"start": default[0], "end": default[1]})
        super().__init__(*args, **kwargs)
        self.default = default

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = cleaned.get("start") or self.default[0]
        end = cleaned.get("end") or self.default[1]
        if self.errors:
            return cleaned
        if start > end:
            raise forms.ValidationError(_("The first day must not be after the last day."))
        if end - start >= timedelta(days=selectors.MAX_DAYS):
            raise forms.ValidationError(
                _("Choose at most %(days)s days.") % {"days": selectors.MAX_DAYS}
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def range(self) -> tuple[date, date]:
        """The range asked for when valid, else the default (the page then shows the error)."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default


@requires(selectors.NEED)
@require_GET
def figures(request: AuthedRequest) -> HttpResponse:
    form = RangeForm(request.GET or None, today=clock.today())
    start, end = form.range()
    found = selectors.figures(request.actor, start=start, end=end)
    if request.GET.get("format") == "csv":
        if form.is_bound and not form.is_valid():
            raise BadRequest(" ".join(str(m) for e in form.errors.values() for m in e))
        return _csv(request, found)
    return render(
        request,
        "messaging/figures.html",
        {
            "form": form,
            "figures": found,
            "tables": [
                (_("By channel"), [*found.by_channel, found.total]),
                (_("By language"), [*found.by_language, found.total]),
            ],
            "show_rates": [found.reminded, found.not_reminded],
            "recall_days": selectors.RECALL_DAYS,
            "query": f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
        },
    )


def _csv(request: AuthedRequest, found: selectors.Figures) -> HttpResponse:
    rows = selectors.export_rows(found)
    record(
        actor=request.actor,
        action=Action.EXPORT,
        object_type=FIGURES_OBJECT,
        at=clock.now(),
        practice=request.actor.practice,
        detail={"from": f"{found.start:%Y-%m-%d}", "to": f"{found.end:%Y-%m-%d}"},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"medhome-reaching-families-{found.start:%Y%m%d}-{found.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = spreadsheet.writer(response)
    writer.writerow(selectors.EXPORT_HEADER)
    writer.writerows(rows)
    return response
