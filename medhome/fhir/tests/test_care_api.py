"""The care types through /fhir/ end to end: read and search with a real bearer token, valid
Bundles, `_include=CarePlan:goal`, another practice's ids → 404 with nothing of theirs,
anonymous → 401, a partner organization's token → nothing, the patient/ narrowing, the audit,
the CapabilityStatement, and a page in the same number of queries whatever its size."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from medhome.audit.models import AuditEvent
from medhome.ehr.models import Condition
from medhome.visits.models import Visit
from tests import care_factories, factories
from tests.fhir_support import bearer, issue_token

pytestmark = pytest.mark.django_db

TYPES = ("Encounter", "Appointment", "Condition", "Goal", "CarePlan", "CareTeam")
START = datetime(2026, 3, 10, 14, 0, tzinfo=timezone.get_fixed_timezone(0))


def _visit(child, n: int = 0, **values):
    return Visit.objects.create(
        **{
            "practice": child.practice,
            "child": child,
            "starts_at": START + timedelta(days=n),
            "kind": "well_child",
            "status": "completed",
            "created_at": START,
            **values,
        }
    )


def _condition(child, key: str):
    return Condition.objects.create(
        practice=child.practice,
        child=child,
        source_key=key,
        content_hash="x",
        imported_at=timezone.now(),
        code_system="http://snomed.info/sct",
        code="195967001",
        display="Asthma",
    )


def _care(child, caregiver, user, key: str) -> dict:
    made = care_factories.care_plan(child, caregiver, user)
    return {
        "Encounter": _visit(child),
        "Appointment": _visit(child, 1, status="scheduled"),
        "Condition": _condition(child, key),
        "Goal": made["goal"],
        "CarePlan": made["plan"],
        "CareTeam": child,
    }


@pytest.fixture
def care_a(child_a, caregiver_a, clinician_a):
    return _care(child_a, caregiver_a, clinician_a, "http://ehr.example|A")


@pytest.fixture
def care_b(child_b, caregiver_b, clinician_b):
    return _care(child_b, caregiver_b, clinician_b, "http://ehr.example|B")


def _bundle(answer) -> dict:
    assert answer.status_code == 200, answer.content
    body = answer.json()
    Bundle.model_validate(body)
    return body


@pytest.mark.parametrize("type_name", TYPES)
def test_read_and_search_each_type(client, token_a, care_a, care_b, type_name):
    row = care_a[type_name]
    answer = client.get(f"/fhir/{type_name}/{row.pk}", **bearer(token_a))
    assert answer.status_code == 200, answer.content
    assert answer.json()["resourceType"] == type_name
    bundle = _bundle(client.get(f"/fhir/{type_name}", **bearer(token_a)))
    expected = {str(row.pk)}
    if type_name == "Appointment":  # every visit is an appointment, the held one too
        expected.add(str(care_a["Encounter"].pk))
    assert {e["resource"]["id"] for e in bundle["entry"]} == expected
    by_patient = _bundle(
        client.get(f"/fhir/{type_name}?patient={care_b['CareTeam'].pk}", **bearer(token_a))
    )
    assert by_patient.get("entry", []) == []


@pytest.mark.parametrize("type_name", TYPES)
def test_another_practices_id_is_404_without_its_data(client, token_a, care_a, care_b, type_name):
    answer = client.get(f"/fhir/{type_name}/{care_b[type_name].pk}", **bearer(token_a))
    assert answer.status_code == 404
    body = answer.content.decode()
    assert "Garc" not in body and str(care_b["CareTeam"].pk) not in body
    assert answer.json()["resourceType"] == "OperationOutcome"
    assert client.get(f"/fhir/{type_name}/{care_a[type_name].pk}").status_code == 401


def test_partner_token_reads_none_of_them(client, care_a, practice_a):
    organization = factories.organization("Eastside Early Intervention")
    token = issue_token(scope="user/*.rs", organization=organization)
    for type_name in TYPES:
        assert (
            client.get(f"/fhir/{type_name}/{care_a[type_name].pk}", **bearer(token)).status_code
            == 404
        )
        assert _bundle(client.get(f"/fhir/{type_name}", **bearer(token))).get("entry", []) == []


def test_careplan_include_goal_and_the_audit(client, token_a, care_a, child_a):
    before = AuditEvent.objects.count()
    bundle = _bundle(client.get("/fhir/CarePlan?_include=CarePlan:goal", **bearer(token_a)))
    found = {(e["resource"]["resourceType"], e["search"]["mode"]) for e in bundle["entry"]}
    assert found == {("CarePlan", "match"), ("Goal", "include")}
    rows = list(AuditEvent.objects.order_by("sequence")[before:])
    assert [(r.object_type, str(r.object_id)) for r in rows] == [("child", str(child_a.pk))]
    assert rows[0].detail["type"] == "CarePlan"


def test_patient_scope_reaches_only_the_launch_child(
    client, practice_a, clinician_a, care_a, child_a, family_a
):
    sibling = factories.add_child(family_a, legal_given_name="Sib", mrn="SG-999")
    _visit(sibling, 3)
    token = issue_token(
        scope="patient/Encounter.rs", practice=practice_a, user=clinician_a, patient=child_a
    )
    bundle = _bundle(client.get("/fhir/Encounter", **bearer(token)))
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(care_a["Encounter"].pk)]
    assert client.get("/fhir/Goal", **bearer(token)).status_code == 403


def test_capability_statement_declares_the_care_types(client):
    statement = client.get("/fhir/metadata").json()
    CapabilityStatement.model_validate(statement)
    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(TYPES) <= set(served)
    params = {p["name"] for p in served["Encounter"]["searchParam"]}
    assert {"patient", "date", "status", "class", "type", "identifier", "practitioner"} <= params
    assert "CarePlan:goal" in served["CarePlan"]["searchInclude"]


@pytest.mark.parametrize(
    ("type_name", "query"),
    [
        ("Encounter", "status=finished&_sort=-date"),
        ("CarePlan", "_include=CarePlan:goal"),
        ("CareTeam", "status=active"),
        ("Goal", "lifecycle-status=planned"),
    ],
)
def test_a_page_costs_the_same_queries_whatever_its_size(
    client,
    token_a,
    care_a,
    family_a,
    caregiver_a,
    clinician_a,
    type_name,
    query,
    django_assert_max_num_queries,
):
    url = f"/fhir/{type_name}?{query}"
    with django_assert_max_num_queries(30) as small:
        client.get(url, **bearer(token_a))
    for n in range(4):
        sibling = factories.add_child(family_a, legal_given_name=f"More{n}", mrn=f"SG-7{n}")
        _care(sibling, caregiver_a, clinician_a, f"http://ehr.example|S{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        answer = client.get(url, **bearer(token_a))
    assert len([e for e in _bundle(answer)["entry"] if e["search"]["mode"] == "match"]) == 5


@pytest.mark.parametrize("type_name", TYPES)
def test_last_updated_and_history(client, token_a, care_a, type_name):
    row = care_a[type_name]
    since = _bundle(client.get(f"/fhir/{type_name}?_lastUpdated=ge2000-01-01", **bearer(token_a)))
    assert str(row.pk) in {e["resource"]["id"] for e in since["entry"]}
    future = _bundle(client.get(f"/fhir/{type_name}?_lastUpdated=gt2100-01-01", **bearer(token_a)))
    assert future.get("entry", []) == []
    history = _bundle(client.get(f"/fhir/{type_name}/{row.pk}/_history", **bearer(token_a)))
    assert [e["resource"]["id"] for e in history["entry"]] == [str(row.pk)]
