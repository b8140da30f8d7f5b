"""The practice's EHR pages: the panel spreadsheet upload and the import runs (CSV and FHIR
bulk), the EHR messages waiting for a child, and merging two records of one child.

Thin: parse, one domain call, render."""

import io
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock, spreadsheet
from medhome.core.decorators import requires
from medhome.core.params import parse_id
from medhome.core.requests import AuthedRequest
from medhome.families.selectors import access_child

from . import panel_csv, selectors, waiting
from .forms import PanelUploadForm
from .merge import merge_children
from .models import ImportKind

WAITING_PAGE = 50  # messages on one page, oldest first (the queue), by the date shown


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
    runs = selectors.import_runs(request.actor)[:20]
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


# Valid resources an import reads and does not keep (ehr.bulk_people, ehr.fhir_in.condition).
SKIPPED_REASONS = {
    "not_a_result": gettext_lazy("Gestational-age observations that are not results"),
    "not_an_office_visit": gettext_lazy("Encounters that are not office visits"),
    "health_concern": gettext_lazy("Health concerns (not problem-list entries)"),
    "survey": gettext_lazy("Questionnaire scores and results (a screen is kept from its answers)"),
    "questionnaire": gettext_lazy(
        "Answers to a questionnaire that is not one of medhome's screens"
    ),
    "in_progress": gettext_lazy("Screens still in progress"),
    "entered_in_error": gettext_lazy("Screens, goals, plans and care teams entered in error"),
    "plan_activity_reference": gettext_lazy(
        "Care plan activities that only point to another resource"
    ),
    "plan_activity_status": gettext_lazy("Care plan activities entered in error or unknown"),
    "native_referral": gettext_lazy(
        "Referrals this practice made itself (its own export read back): left as they are"
    ),
    # Kept, without the part: the referral comes in, its service stays empty.
    "service_unknown": gettext_lazy(
        "Referrals kept without their service, which is not in the organization's directory entry"
    ),
}


@requires(Capability.PANEL_IMPORT)
@require_http_methods(["GET"])
def panel_run(request: AuthedRequest, run_id: UUID) -> HttpResponse:
    """One import: a panel spreadsheet (refused rows) or a FHIR bulk export (refused lines,
    by file, line and resource id; skipped resource types)."""
    run = selectors.access_import_run(request.actor, run_id)
    counts = run.counts or {}
    return render(
        request,
        "ehr/panel_run.html",
        {
            "run": run,
            "is_bulk": run.kind == ImportKind.FHIR_BULK,
            # A spreadsheet's refusals are counted by sentence already; a bulk run's by code.
            "refused": selectors.refusals_of(run)
            if run.kind == ImportKind.FHIR_BULK
            else sorted((counts.get("refused") or {}).items()),
            "skipped_types": sorted((counts.get("skipped_types") or {}).items()),
            "skipped": [
                (SKIPPED_REASONS.get(reason, reason), count)
                for reason, count in sorted((counts.get("skipped") or {}).items())
            ],
            "problems": run.problems.all()[:500],
        },
    )


# --- EHR messages waiting for a child ---------------------------------------------------------


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET"])
def waiting_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.waiting_messages(request.actor), WAITING_PAGE).get_page(
        request.GET.get("page")
    )
    found = list(page.object_list)
    # The page shows incoming names and birth dates: who looked is kept, never what they saw.
    record(
        actor=request.actor,
        action=Action.SEARCH,
        object_type="waiting_ehr_messages",
        at=clock.now(),
        detail={"results": len(found)},
    )
    identities = [waiting.identity_of(message) for message in found]
    candidates = selectors.likely_children(request.actor, identities)
    rows = [
        {
            "message": message,
            "label": waiting.message_type_label(message),
            "identity": identity,
            "candidates": likely,
            "can_register": message.message_type in waiting.FULL_DEMOGRAPHICS,
        }
        for message, identity, likely in zip(found, identities, candidates, strict=True)
    ]
    return render(
        request,
        "ehr/waiting.html",
        {"rows": rows, "page": page, "reasons": list(waiting.SET_ASIDE_REASONS.items())},
    )


def _chosen_child(request: AuthedRequest):
    """The child a person chose: a likely child's button (its id) or an MRN typed in."""
    if request.POST.get("child"):
        child_id = parse_id(request.POST["child"], name="child")
        return access_child(request.actor, child_id, need=Capability.FAMILY_EDIT)
    mrn = request.POST.get("mrn", "").strip()
    child = selectors.child_by_mrn(request.actor, mrn, need=Capability.FAMILY_EDIT)
    if child is None:
        raise ValidationError(_("No child of this practice has this MRN."))
    return child


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["POST"])
def waiting_action(request: AuthedRequest, message_id: UUID) -> HttpResponse:
    """ "This is <child>", "Register as a new child" or "Set aside" for one waiting message."""
    message = selectors.access_waiting_message(request.actor, message_id)
    action, actor, now = request.POST.get("action", ""), request.actor, clock.now()
    try:
        if action == "match":
            child = _chosen_child(request)
            waiting.match_message(actor=actor, message=message, child=child, at=now)
            done = _("The message is filed to %(name)s's record and applied.") % {
                "name": child.display_name
            }
        elif action == "register":
            child = waiting.register_from_message(actor=actor, message=message, at=now)
            done = _("%(name)s is registered and the message applied.") % {
                "name": child.display_name
            }
        elif action == "set_aside":
            reason = request.POST.get("reason", "")
            waiting.set_aside(actor=actor, message=message, reason=reason, at=now)
            done = _("The message is set aside.")
        else:
            return HttpResponse(_("Unknown action."), status=400)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, done)
    return redirect("ehr:waiting")


# --- Merging two records of one child -----------------------------------------------------------


@requires(Capability.ATTRIBUTION_MANAGE)
@require_http_methods(["GET", "POST"])
def merge(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Find the other record by its exact MRN (this practice only), compare the two, confirm
    which survives; then ehr.merge.merge_children moves everything (POST only: no MRN in a
    URL)."""
    need = Capability.ATTRIBUTION_MANAGE
    child = access_child(request.actor, child_id, need=need)
    context: dict = {"child": child, "mrn": ""}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "find":
        context["mrn"] = mrn = request.POST.get("mrn", "").strip()
        other = selectors.child_by_mrn(request.actor, mrn, need=need)
        record(
            actor=request.actor,
            action=Action.SEARCH,
            object_type="merge_lookup",
            object_id=child.pk,
            at=clock.now(),
            detail={"results": int(other is not None)},
        )
        if other is None:
            context["error"] = _("No child of this practice has this MRN.")
        elif other.pk == child.pk:
            context["error"] = _("This MRN is this record's own: enter the other record's.")
        else:
            context["other"] = other
            context["records"] = [
                (child, selectors.record_counts(child)),
                (other, selectors.record_counts(other)),
            ]
    elif action == "merge":
        other = access_child(
            request.actor, parse_id(request.POST.get("other"), name="other"), need=need
        )
        keep_this = request.POST.get("survivor") != "other"
        survivor, retired = (child, other) if keep_this else (other, child)
        try:
            merge_children(actor=request.actor, survivor=survivor, retired=retired, at=clock.now())
        except (ValidationError, PermissionDenied) as refused:
            context["error"] = " ".join(getattr(refused, "messages", None) or [str(refused)])
        else:
            messages.success(request, _("The two records are one now."))
            return redirect("families:chart", child_id=survivor.pk)
    elif request.method == "POST":
        return HttpResponse(_("Unknown action."), status=400)
    return render(request, "ehr/merge.html", context)
