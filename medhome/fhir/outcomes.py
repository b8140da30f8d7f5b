"""FHIR JSON answers: `application/fhir+json` bodies and OperationOutcomes."""

from typing import Any

import orjson
from django.http import HttpResponse

from .errors import FhirError, NotFound

FHIR_JSON = "application/fhir+json; charset=utf-8"
# One body for an unknown id, a malformed id and another practice's id: nothing tells them
# apart (../shared/docs/security.md: another practice's object → 404 with no PHI).
NOT_FOUND = "The resource was not found."


def fhir_response(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(orjson.dumps(body), status=status, content_type=FHIR_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def operation_outcome(
    diagnostics: str, *, code: str = "invalid", severity: str = "error"
) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def error_response(error: FhirError) -> HttpResponse:
    diagnostics = NOT_FOUND if isinstance(error, NotFound) else error.diagnostics
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="medhome FHIR", error="invalid_token"'
    response = fhir_response(operation_outcome(diagnostics, code=error.code), status=error.status)
    for name, value in headers.items():
        response[name] = value
    return response
