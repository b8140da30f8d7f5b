"""_summary and _elements: which elements stay, the SUBSETTED tag, counts that never cross a
practice, and the refusals."""

import pytest

from medhome.audit.models import AuditEvent
from medhome.fhir import subset
from medhome.fhir.subset import SUBSETTED
from tests.fhir_support import bearer, issue_token

from .support import valid

pytestmark = pytest.mark.django_db


def read(client, token, child, query=""):
    answer = client.get(f"/fhir/Patient/{child.pk}{query}", **bearer(token))
    assert answer.status_code == 200, answer.content
    return valid(answer.json())


def is_subsetted(resource):
    return SUBSETTED in resource["meta"].get("tag", [])


def test_a_whole_read_is_not_tagged(client, token_a, child_a):
    patient = read(client, token_a, child_a)
    assert not is_subsetted(patient)
    assert "birthDate" in patient and "name" in patient
    assert read(client, token_a, child_a, "?_summary=false") == patient


def test_summary_true_keeps_only_the_summary_elements(client, token_a, child_a):
    whole = read(client, token_a, child_a)
    summary = read(client, token_a, child_a, "?_summary=true")
    assert is_subsetted(summary)
    # Patient's summary elements (R4B): name, birthDate, gender, identifier … ; not
    # communication, contact or extension.
    for kept in ("identifier", "name", "birthDate", "gender"):
        assert summary[kept] == whole[kept]
    assert "communication" in whole and "communication" not in summary
    assert "extension" in whole and "extension" not in summary
    assert summary["id"] == whole["id"]


def test_summary_data_drops_only_the_narrative(client, token_a, child_a):
    whole = read(client, token_a, child_a)
    data = read(client, token_a, child_a, "?_summary=data")
    assert is_subsetted(data)
    assert {k for k in data if k != "text"} == {k for k in whole if k != "text"}
    assert "text" not in data


def test_summary_text_keeps_the_narrative_and_what_is_mandatory(client, token_a, child_a):
    text = read(client, token_a, child_a, "?_summary=text")
    assert is_subsetted(text)
    assert set(text) <= {"resourceType", "id", "meta", "text"}


def test_elements_keeps_the_named_elements(client, token_a, child_a):
    whole = read(client, token_a, child_a)
    some = read(client, token_a, child_a, "?_elements=birthDate,gender")
    assert is_subsetted(some)
    assert set(some) == {"resourceType", "id", "meta", "birthDate", "gender"}
    assert some["birthDate"] == whole["birthDate"]


def test_elements_names_a_choice_element_by_its_base_name_and_keeps_what_is_mandatory():
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "meta": {"versionId": "1"},
        "status": "final",
        "code": {"text": "PHQ-9 total"},
        "valueInteger": 12,
        "_valueInteger": {"extension": []},
        "note": [{"text": "discussed"}],
        "subject": {"reference": "Patient/p1"},
    }
    some = subset.apply(observation, subset.Subset(elements=("value",)))
    # value[x] is asked as "value"; status and code are mandatory (1..1) in R4B.
    assert set(some) == {
        "resourceType",
        "id",
        "meta",
        "status",
        "code",
        "valueInteger",
        "_valueInteger",
    }
    assert some["meta"]["versionId"] == "1" and SUBSETTED in some["meta"]["tag"]
    assert observation["meta"] == {"versionId": "1"}  # the resource given is not changed


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("_summary=maybe", "_summary"),
        ("_summary=count", "_summary=count"),
        ("_elements=shoeSize", "shoeSize"),
        ("_elements=,", "_elements"),
        ("_summary=true&_elements=name", "together"),
    ],
)
def test_a_read_refuses_a_bad_subset(client, token_a, child_a, query, named):
    answer = client.get(f"/fhir/Patient/{child_a.pk}?{query}", **bearer(token_a))
    assert answer.status_code == 400
    assert named in valid(answer.json())["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("_summary=maybe", "_summary"),
        ("_summary=true&_summary=false", "_summary"),
        ("_elements=shoeSize", "shoeSize"),
        ("_summary=data&_elements=name", "together"),
    ],
)
def test_a_search_refuses_a_bad_subset(client, token_a, child_a, query, named):
    answer = client.get(f"/fhir/Patient?{query}", **bearer(token_a))
    assert answer.status_code == 400
    assert named in valid(answer.json())["issue"][0]["diagnostics"]


def test_a_search_page_subsets_every_entry_and_its_links_keep_asking(
    client, token_a, child_a, siblings
):
    answer = client.get("/fhir/Patient?_elements=birthDate&_count=2", **bearer(token_a))
    bundle = valid(answer.json())
    assert len(bundle["entry"]) == 2
    for entry in bundle["entry"]:
        assert set(entry["resource"]) == {"resourceType", "id", "meta", "birthDate"}
        assert is_subsetted(entry["resource"])
    following = next(link["url"] for link in bundle["link"] if link["relation"] == "next")
    assert "_elements=birthDate" in following
    rest = valid(client.get(following.split("testserver")[-1], **bearer(token_a)).json())
    assert set(rest["entry"][0]["resource"]) == {"resourceType", "id", "meta", "birthDate"}


def test_summary_count_counts_only_what_the_caller_may_read(
    client, token_a, child_a, siblings, child_b
):
    answer = client.get("/fhir/Patient?_summary=count", **bearer(token_a))
    bundle = valid(answer.json())
    assert bundle["total"] == 4  # child_a and three siblings; practice B's child is not counted
    assert "entry" not in bundle
    named = client.get(f"/fhir/Patient?_summary=count&_id={child_b.pk}", **bearer(token_a))
    assert valid(named.json())["total"] == 0
    one = client.get(f"/fhir/Patient?_summary=count&identifier={child_a.mrn}", **bearer(token_a))
    assert valid(one.json())["total"] == 1


def test_summary_count_is_audited_as_a_search_naming_no_child(client, token_a, child_a):
    before = AuditEvent.objects.count()
    client.get("/fhir/Patient?_summary=count", **bearer(token_a))
    added = AuditEvent.objects.order_by("-pk")[: AuditEvent.objects.count() - before]
    assert [e.object_type for e in added] == ["fhir_request"]
    assert added[0].detail["interaction"] == "search-type"


def test_a_patient_token_counts_only_its_own_child(
    client, practice_a, clinician_a, child_a, siblings
):
    token = issue_token(
        scope="patient/Patient.rs launch/patient",
        practice=practice_a,
        user=clinician_a,
        patient=child_a,
    )
    bundle = valid(client.get("/fhir/Patient?_summary=count", **bearer(token)).json())
    assert bundle["total"] == 1
