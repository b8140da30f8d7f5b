"""Helpers of the FHIR core's tests: R4B validation of any answer."""

from typing import Any

from fhir.resources.R4B import get_fhir_model_class


def valid(body: dict[str, Any]) -> dict[str, Any]:
    """The answer, after proving it (and every resource in a Bundle) valid R4B."""
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    for entry in body.get("entry") or []:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return body
