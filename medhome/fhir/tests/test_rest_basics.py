"""Read, search and the CapabilityStatement over the generic routes, with Patient."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from medhome.families.models import MRN_SYSTEM
from tests.fhir_support import bearer, issue_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_a(practice_a, clinician_a):
    return issue_token(scope="user/*.rs", practice=practice_a, user=clinician_a)


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
