"""Read, search and the CapabilityStatement over the generic routes, with Patient."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from medhome.families.models import MRN_SYSTEM
from tests.fhir_support import bearer

pytestmark = pytest.mark.django_db


def test_metadata_is_public_and_lists_every_type(client):
    answer = client.get("/fhir/metadata")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/fhir+json")
    statement = answer.json()
    CapabilityStatement.model_validate(statement)
    rest = statement["rest"][0]
    types = {r["type"] for r in rest["resource"]}
    assert {"Patient", "Practitioner", "PractitionerRole", "Organization", "Location"} <= types
    uris = {e["url"]: e["valueUri"] for e in rest["security"]["extension"][0]["extension"]}
    assert uris == {
        "authorize": "http://testserver/oauth/authorize",
        "token": "http://testserver/oauth/token",
    }
    patient = next(r for r in rest["resource"] if r["type"] == "Patient")
    assert {p["name"] for p in patient["searchParam"]} >= {
        "_id",
        "_lastUpdated",
        "identifier",
        "name",
        "family",
        "given",
        "birthdate",
        "gender",
    }
    assert "no past versions" in rest["documentation"]


def test_read_patient(client, token_a, child_a):
    answer = client.get(f"/fhir/Patient/{child_a.pk}", **bearer(token_a))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    Patient.model_validate(body)
    assert body["id"] == str(child_a.pk)
    assert body["identifier"][0]["system"] == MRN_SYSTEM
    assert body["identifier"][0]["value"] == "SG-100234"
    assert body["birthDate"] == "2023-05-17"
    assert body["meta"]["versionId"] == str(child_a.version)
    assert answer["ETag"] == f'W/"{child_a.version}"'


def test_a_patients_identifiers_oldest_first_without_retired_ones(
    client, token_a, child_a, child_b
):
    """The identifiers come in the Patient's own query (fhir.inline), sorted there: oldest
    first, a retired one left out, another child's never mixed in, on a read and a search."""
    from datetime import UTC, datetime

    from medhome.families.models import ChildIdentifier

    def held(child, system, value, day, *, retired=False):
        ChildIdentifier.objects.create(
            practice_id=child.practice_id, child=child, system=system, value=value,
            retired=retired, created_at=datetime(2026, 1, day, tzinfo=UTC),
        )  # fmt: skip

    held(child_a, "urn:example:medicaid", "M-2", 9)
    held(child_a, "urn:example:hospital", "H-1", 3)
    held(child_a, "urn:example:old", "X-0", 1, retired=True)
    held(child_b, "urn:example:hospital", "H-B", 2)
    expected = [
        {"system": "urn:example:hospital", "value": "H-1"},
        {"system": "urn:example:medicaid", "value": "M-2"},
    ]
    read = client.get(f"/fhir/Patient/{child_a.pk}", **bearer(token_a)).json()
    assert read["identifier"][1:] == expected
    page = client.get(f"/fhir/Patient?_id={child_a.pk}", **bearer(token_a)).json()
    assert page["entry"][0]["resource"]["identifier"][1:] == expected


def test_search_patient(client, token_a, child_a, child_b):
    answer = client.get("/fhir/Patient?family=garc", **bearer(token_a))
    assert answer.status_code == 200, answer.content
    bundle = answer.json()
    Bundle.model_validate(bundle)
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(child_a.pk)]


def test_no_token_is_401(client, child_a):
    answer = client.get(f"/fhir/Patient/{child_a.pk}")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    OperationOutcome.model_validate(answer.json())
