"""Immunization: the EHR's immunization rows (ehr.models.Immunization, CVX), as US Core
Immunization (http://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-immunization.html).

The mapping is the reverse of the import's (medhome/ehr/fhir_in/immunization.py), so an export
re-imports to the same rows: status (completed | not-done), vaccineCode in CVX
(http://hl7.org/fhir/sid/cvx) with its display, occurrenceDateTime = the date given, the
record's key back as its identifier when the EHR gave one (system|value). primarySource is
1..1 in US Core 3.1 and the EHR's value is not kept, so it is sent absent with the
data-absent-reason extension "unknown" (http://hl7.org/fhir/R4/extension-data-absent-reason.html).
Shown to the roles that see clinical results, as on the chart (ehr.chart.summary_context).
"""

from typing import Any

from django.db.models import QuerySet

from medhome.accounts.roles import Capability
from medhome.ehr.fhir_in.codes import CVX
from medhome.ehr.models import Immunization
from medhome.practices.scoping import scoped
from medhome.smart.principal import FhirPrincipal

from ..params import SEARCH_BASE, US_CORE_SP, date_param, reference_param, token_param
from ..registry import ResourceType, register

PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-immunization"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


def rows(principal: FhirPrincipal) -> QuerySet[Any]:
    return scoped(principal.actor, Immunization, need=Capability.SCREENING_RESULTS)


def to_resource(row: Immunization, principal: FhirPrincipal) -> dict[str, Any]:
    coding = {"system": CVX, "code": row.cvx}
    if row.display:
        coding["display"] = row.display
    # id, meta.lastUpdated (imported_at) and meta.profile: the framework's (bundles.resource_of).
    resource: dict[str, Any] = {"resourceType": "Immunization"}
    system, sep, value = row.source_key.partition("|")
    if sep and system and value:
        resource["identifier"] = [{"system": system, "value": value}]
    resource.update(
        {
            "status": row.status if row.status in ("completed", "not-done") else "completed",
            "vaccineCode": {"coding": [coding], **({"text": row.display} if row.display else {})},
            "patient": {"reference": f"Patient/{row.child_id}"},
            "occurrenceDateTime": row.given_on.isoformat(),
            "_primarySource": {"extension": [{"url": DATA_ABSENT, "valueCode": "unknown"}]},
        }
    )
    return resource


IMMUNIZATION = register(
    ResourceType(
        name="Immunization",
        model=Immunization,
        rows=rows,
        to_resource=to_resource,
        patient_path="child",
        # US Core Immunization's parameters (patient; patient+date; patient+status) and the
        # base vaccine-code (http://hl7.org/fhir/R4/immunization.html#search).
        params={
            p.name: p
            for p in (
                reference_param(
                    "patient",
                    "child_id",
                    "Patient",
                    definition=US_CORE_SP + "us-core-immunization-patient",
                ),
                date_param(
                    "date",
                    "given_on",
                    is_date=True,
                    definition=US_CORE_SP + "us-core-immunization-date",
                ),
                token_param(
                    "status",
                    "status",
                    system="http://hl7.org/fhir/event-status",
                    codes={"completed": "completed", "not-done": "not-done"},
                    definition=US_CORE_SP + "us-core-immunization-status",
                ),
                token_param(
                    "vaccine-code",
                    "cvx",
                    system=CVX,
                    definition=SEARCH_BASE + "Immunization-vaccine-code",
                ),
            )
        },
        profiles=(PROFILE,),
        sorts={"date": "given_on"},
        default_order=("given_on", "pk"),
        updated_field="imported_at",
    )
)
