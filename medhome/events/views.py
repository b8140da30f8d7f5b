"""Events between visits: unmatched queue, manual entry, CSV upload, and the feed endpoint.

Thin: parse, one domain call, render. The feed authenticates by a practice's bearer token, not
by a session, so it is CSRF-exempt and never touches the user's practice.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.selectors import access_child
from medhome.families.services import record_chart_opened

from . import csv_import, selectors, services
from .forms import CsvUploadForm, EventForm, ResolveForm

# Unmatched events on one page of the queue.
QUEUE_PAGE = 50

MAX_FEED_BYTES = 1_000_000


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def unmatched(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.unmatched_events(request.actor), QUEUE_PAGE).get_page(
        request.GET.get("page")
    )
    events = list(page.object_list)
    # The queue shows incoming names and birth dates: who looked is kept, never what they saw.
    record(
        actor=request.actor,
        action=Action.SEARCH,
        object_type="unmatched_events",
        at=clock.now(),
        detail={"results": len(events)},
    )
    candidates = selectors.candidates_for(request.actor, events)
    rows = [(event, candidates.get(event.pk, [])) for event in events]
    return render(request, "events/unmatched.html", {"rows": rows, "page": page})


@requires(Capability.FAMILY_EDIT)
@require_POST
def resolve(request: AuthedRequest, event_id: UUID) -> HttpResponse:
    event = selectors.access_event(request.actor, event_id, need=Capability.FAMILY_EDIT)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a child."))
        return redirect("events:unmatched")
    child = access_child(request.actor, form.cleaned_data["child"])
    try:
        services.resolve_unmatched(actor=request.actor, event=event, child=child, at=clock.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("events:unmatched")
    messages.success(request, _("Event filed to the child's chart."))
    return redirect("events:unmatched")


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET", "POST"])
def add_event(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id, need=Capability.FAMILY_EDIT)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_event(
                actor=request.actor, child=child, at=clock.now(), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Event recorded."))
            return redirect("events:child", child_id=child.pk)
    return render(request, "events/event_form.html", {"child": child, "form": form})


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def child_events(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id)
    record_chart_opened(actor=request.actor, child=child, at=clock.now())
    events = selectors.events_of_child(request.actor, child)
    return render(request, "events/child_events.html", {"child": child, "events": events})


@requires(Capability.CHART_READ)
@require_http_methods(["GET"])
def detail(request: AuthedRequest, event_id: UUID) -> HttpResponse:
    """One hospital or other visit between visits (what a transition task opens)."""
    event = selectors.access_event(request.actor, event_id)
    if event.child is not None:
        record_chart_opened(actor=request.actor, child=event.child, at=clock.now())
    return render(request, "events/detail.html", {"event": event, "child": event.child})


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET", "POST"])
def upload_csv(request: AuthedRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = csv_import.import_csv(
            actor=request.actor, file=form.cleaned_data["file"], at=clock.now()
        )
        if report.ok:
            messages.success(request, _("%(count)d events imported.") % {"count": report.created})
            return redirect("events:upload")
    return render(request, "events/upload.html", {"form": form, "report": report})


def _bearer(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
@require_POST
def feed(request: HttpRequest) -> HttpResponse:
    """POST text/plain (HL7 v2, answered with an ACK) or application/fhir+json (an Encounter,
    answered with an OperationOutcome). Authorization: Bearer <the practice's feed token>."""
    credential = selectors.credential_for_token(_bearer(request))
    if credential is None:
        response = HttpResponse(_("A valid feed token is required."), status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    if len(request.body) > MAX_FEED_BYTES:
        return HttpResponse(_("The message is too large."), status=413)
    practice = credential.practice
    content_type = request.content_type or ""
    if "json" in content_type:
        outcome, message = services.receive_fhir(
            practice=practice, body=request.body, at=clock.now()
        )
        status = 400 if message.status == "error" else 200
        return JsonResponse(outcome, status=status, content_type="application/fhir+json")
    try:
        raw = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raw = request.body.decode("latin-1")
    ack, message = services.receive_hl7(
        practice=practice, raw=raw, at=clock.now(), sender=credential.sender
    )
    status = 400 if message.status == "error" else 200
    return HttpResponse(ack, status=status, content_type="application/hl7-v2; charset=utf-8")
