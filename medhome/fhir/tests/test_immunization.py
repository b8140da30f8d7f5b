"""Immunization (US Core): read and search over the EHR's immunization rows, the practice's own
only, for the roles that see clinical results."""

from datetime import date

import orjson
import pytest

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.ehr.models import Immunization
from tests.fhir_support import bearer, issue_token

from .support import valid

pytestmark = pytest.mark.django_db


def shot(child, cvx, given, status="completed", key=""):
    return Immunization.objects.create(
        practice_id=child.practice_id,
        child=child,
        source_key=key or f"Immunization/{cvx}-{given}",
        content_hash="0" * 32,
        imported_at=clock.now(),
        cvx=cvx,
        display=f"vaccine {cvx}",
        given_on=given,
        status=status,
    )


@pytest.fixture
def shots(child_a, child_b):
    return {
        "hepb": shot(child_a, "08", date(2024, 1, 11), key="urn:ehr:imm|778"),
        "dtap": shot(child_a, "20", date(2025, 3, 2)),
        "refused": shot(child_a, "03", date(2025, 3, 2), status="not-done"),
        "other": shot(child_b, "08", date(2024, 1, 11)),
    }


def search(client, token, query):
    response = client.get(f"/fhir/Immunization?{query}", **bearer(token))
    assert response.status_code == 200, response.content
    body = valid(orjson.loads(response.content))
    return sorted(e["resource"]["vaccineCode"]["coding"][0]["code"] for e in body.get("entry", []))


def test_read_is_us_core_and_keeps_the_ehr_identifier(client, practice_a, clinician_a, shots):
    token = issue_token(scope="user/Immunization.rs", practice=practice_a, user=clinician_a)
    response = client.get(f"/fhir/Immunization/{shots['hepb'].pk}", **bearer(token))
    assert response.status_code == 200
    body = valid(orjson.loads(response.content))
    assert body["identifier"] == [{"system": "urn:ehr:imm", "value": "778"}]
    assert body["status"] == "completed"
    assert body["occurrenceDateTime"] == "2024-01-11"
    assert body["vaccineCode"]["coding"] == [
        {"system": "http://hl7.org/fhir/sid/cvx", "code": "08", "display": "vaccine 08"}
    ]
    assert body["patient"] == {"reference": f"Patient/{shots['hepb'].child_id}"}
    assert body["meta"]["profile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-immunization"
    ]
    other = client.get(f"/fhir/Immunization/{shots['other'].pk}", **bearer(token))
    assert other.status_code == 404


def test_search_parameters(client, practice_a, clinician_a, child_a, shots):
    token = issue_token(scope="user/Immunization.rs", practice=practice_a, user=clinician_a)
    assert search(client, token, f"patient=Patient/{child_a.pk}") == ["03", "08", "20"]
    assert search(client, token, "date=ge2025-01-01") == ["03", "20"]
    assert search(client, token, "status=not-done") == ["03"]
    assert search(client, token, "vaccine-code=http://hl7.org/fhir/sid/cvx|08") == ["08"]
    assert search(client, token, f"patient={shots['other'].child_id}") == []


def test_roles_without_clinical_results_read_none(client, practice_a, staff_a, shots):
    front_desk = staff_a[Role.FRONT_DESK]  # the chart, never clinical results
    token = issue_token(scope="user/Immunization.rs", practice=practice_a, user=front_desk)
    assert search(client, token, "") == []
