"""The panel spreadsheet upload: the page, its template to download, and a run's summary.

Thin: parse, one domain call, render."""

import io
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock, spreadsheet
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest

from . import panel_csv, selectors
from .forms import PanelUploadForm


@requires(Capability.PANEL_IMPORT)
@require_http_methods(["GET", "POST"])
def upload_panel(request: AuthedRequest) -> HttpResponse:
    form = PanelUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = panel_csv.import_panel_csv(
            actor=request.actor, file=upload, name=upload.name, at=clock.now()
        )
        return redirect("ehr:panel_run", run_id=run.pk)
    runs = selectors.panel_runs(request.actor)[:10]
    return render(
        request,
        "ehr/panel_upload.html",
        {"form": form, "runs": runs, "columns": panel_csv.COLUMNS, "required": panel_csv.REQUIRED},
    )


@requires(Capability.PANEL_IMPORT)
@require_http_methods(["GET"])
def panel_template(request: AuthedRequest) -> HttpResponse:
    columns, example = panel_csv.template_rows()
    handle = io.StringIO()
    writer = spreadsheet.dict_writer(handle, columns)
    writer.writeheader()
    writer.writerow({column: example.get(column, "") for column in columns})
    response = HttpResponse(handle.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="medhome-panel-template.csv"'
    return response


@requires(Capability.PANEL_IMPORT)
@require_http_methods(["GET"])
def panel_run(request: AuthedRequest, run_id: UUID) -> HttpResponse:
    run = selectors.access_panel_run(request.actor, run_id)
    refused = sorted((run.counts.get("refused") or {}).items())
    return render(
        request,
        "ehr/panel_run.html",
        {"run": run, "refused": refused, "problems": run.problems.all()[:500]},
    )
