"""FHIR Bulk Data export (https://hl7.org/fhir/uv/bulkdata/STU2/export.html): the kick-off
(`Group/<id>/$export`, `Patient/$export`), the status URL (GET polls, DELETE cancels) and the
files. The work itself is export.py's, on the worker.

Who may export (docs/decisions, Bulk Data): a SMART Backend Services client of the practice
(`system/` scopes: the principal's kind "system"). A user's or a patient-launched app's token
is refused with 403: an export is the whole panel, a population operation, never what a person
browsing one chart needs. The Group is the practice panel: its id is the practice's id, its
members the children the Patient type serves the client; another practice's id is a 404.
"""

from datetime import datetime
from typing import Any

import orjson
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from ninja import Router

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.smart.principal import FhirPrincipal, principal_for

from . import export, registry
from .audit import REQUEST_OBJECT
from .errors import BadRequest, FhirError, Forbidden, NotFound, NotSupported, Unauthorized
from .models import ExportStatus
from .outcomes import error_response, fhir_response, operation_outcome

router = Router()
ALLOWED_PARAMS = frozenset({"_type", "_since", "_outputFormat"})


class Busy(FhirError):
    """429: the client's previous export is still queued or running."""

    status = 429
    code = "too-costly"


def accepted(diagnostics: str) -> HttpResponse:
    body = operation_outcome(diagnostics, code="informational", severity="information")
    return fhir_response(body, status=202)


def exporter(request: HttpRequest) -> FhirPrincipal:
    principal = principal_for(request)
    if principal is None:
        raise Unauthorized("A valid bearer token is required.")
    if principal.kind != "system" or principal.actor.practice is None:
        raise Forbidden(
            "Bulk export is for a Backend Services client of the practice (system/ scopes).",
        )
    return principal


# -- the Group: the practice panel ---------------------------------------------------------------


@router.get("/Group/{group_id}", url_name="group_read")
def group_read(request: HttpRequest, group_id: str) -> HttpResponse:
    """The practice panel as a Group (R4 Group: actual, type person): its name and how many
    members the client would export, never the members themselves (no PHI)."""
    try:
        principal = exporter(request)
        practice = principal.actor.practice
        if group_id != str(practice.pk) or not principal.allows("Group", "r"):
            raise NotFound("group")
    except FhirError as error:
        return error_response(error)
    members = export.member_count(principal)
    record(
        actor=principal.actor,
        action=Action.VIEW,
        object_type=REQUEST_OBJECT,
        object_id=practice.pk,
        at=clock.now(),
        detail={
            "client": principal.client_id,
            "via": "fhir",
            "type": "Group",
            "interaction": "read",
        },
    )
    return fhir_response(export.panel_group(practice, members))


# -- kick-off ---------------------------------------------------------------------------------


@router.get("/Patient/$export", url_name="export_patients")
def export_patients(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, level="patient", group_id="")


@router.get("/Group/{group_id}/$export", url_name="export_group")
def export_group(request: HttpRequest, group_id: str) -> HttpResponse:
    return _kick_off(request, level="group", group_id=group_id)


def _kick_off(request: HttpRequest, *, level: str, group_id: str) -> HttpResponse:
    try:
        principal = exporter(request)
        if level == "group" and group_id != str(principal.actor.practice.pk):
            raise NotFound("group")
        types, since = read_kick_off(request, principal)
        if export.active_job(principal) is not None:
            raise Busy("This client already has an export in progress; wait for it or cancel it.")
    except Busy as busy:
        response = error_response(busy)
        response["Retry-After"] = str(export.conf("retry_after_seconds"))
        return response
    except FhirError as error:
        return error_response(error)
    job = export.create_job(
        principal=principal,
        level=level,
        group_id=group_id,
        types=types,
        since=since,
        request_url=request.build_absolute_uri(),
        now=clock.now(),
    )
    response = accepted("The export was accepted.")
    response["Content-Location"] = request.build_absolute_uri(
        reverse("fhir:export_status", kwargs={"job_id": str(job.pk)})
    )
    return response


def read_kick_off(
    request: HttpRequest, principal: FhirPrincipal
) -> tuple[list[str], datetime | None]:
    """The kick-off's headers and parameters, each refused with its own message (400)."""
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise BadRequest("The kick-off needs the header 'Prefer: respond-async'.")
    if "application/fhir+json" not in request.headers.get("Accept", ""):
        raise BadRequest("The kick-off needs the header 'Accept: application/fhir+json'.")
    unknown = sorted(set(request.GET) - ALLOWED_PARAMS)
    if unknown:
        raise NotSupported(f"Parameter '{unknown[0][:40]}' is not supported.")
    output_format = request.GET.get("_outputFormat")
    if output_format is not None and output_format not in export.NDJSON_FORMATS:
        raise NotSupported("Only _outputFormat=application/fhir+ndjson is served.")
    since = None
    if "_since" in request.GET:
        since = parse_instant(request.GET["_since"])
        if since is None:
            raise BadRequest("Parameter '_since' must be a FHIR instant with a time zone.")
    return read_types(request, principal), since


def read_types(request: HttpRequest, principal: FhirPrincipal) -> list[str]:
    if "_type" not in request.GET:
        return export.default_types(principal)
    asked: list[str] = []
    for value in request.GET.getlist("_type"):
        for name in (v.strip() for v in value.split(",") if v.strip()):
            if name not in registry.REGISTRY:
                raise NotSupported(f"Resource type '{name[:40]}' is not served.")
            if not principal.allows(name, "r"):
                raise Forbidden(f"The token's scopes do not allow reading {name}.")
            if name not in asked:
                asked.append(name)
    if not asked:
        raise BadRequest("Parameter '_type' names no resource type.")
    return asked


def parse_instant(value: str) -> datetime | None:
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


# -- status and cancel ------------------------------------------------------------------------


@router.api_operation(["GET", "DELETE"], "/$export-status/{job_id}", url_name="export_status")
def export_status(request: HttpRequest, job_id: str) -> HttpResponse:
    try:
        principal = exporter(request)
        job = _own_job(principal, job_id)
    except FhirError as error:
        return error_response(error)
    if request.method == "DELETE":
        export.cancel(job)
        return accepted("The export was cancelled.")
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        response = HttpResponse(status=202)
        response["X-Progress"] = job.progress or str(job.status)
        response["Retry-After"] = str(export.conf("retry_after_seconds"))
        return response
    if job.status == ExportStatus.FAILED:
        body = operation_outcome(job.error or "The export failed.", code="exception")
        return fhir_response(body, status=500)

    def file_url(file_id: str) -> str:
        path = reverse("fhir:export_file", kwargs={"job_id": str(job.pk), "file_id": file_id})
        return request.build_absolute_uri(path)

    body = export.manifest(job, file_url=file_url)
    return HttpResponse(orjson.dumps(body), content_type="application/json")


def _own_job(principal: FhirPrincipal, job_id: str) -> Any:
    """The client's job, still there: anyone else's, a cancelled or an expired one → 404."""
    if export.valid_id(job_id) is None:
        raise NotFound("export")
    job = export.job_for(principal, job_id)
    if job is None or job.status in (ExportStatus.CANCELLED, ExportStatus.EXPIRED):
        raise NotFound("export")
    return job


# -- files ------------------------------------------------------------------------------------


@router.get("/$export-file/{job_id}/{file_id}", url_name="export_file")
def export_file(request: HttpRequest, job_id: str, file_id: str) -> HttpResponseBase:
    try:
        principal = exporter(request)
        job = _own_job(principal, job_id)
        path = export.file_path(job, file_id) if job.status == ExportStatus.DONE else None
        if path is None or not path.is_file():
            raise NotFound("group")
    except FhirError as error:
        return error_response(error)
    return FileResponse(path.open("rb"), content_type="application/fhir+ndjson")
