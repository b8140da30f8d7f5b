"""Search: the allow-list and its refusals, paging, _count, _sort, _include, _revinclude,
_lastUpdated, the patient/ narrowing, the audit and a fixed number of queries per page."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from medhome.audit.models import AuditEvent
from medhome.families.models import Child
from tests import factories
from tests.fhir_support import bearer, issue_token

from .support import valid

pytestmark = pytest.mark.django_db


def ids(bundle, mode="match"):
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("_has:RelatedPerson:patient:name=M", "_has"),
        ("general-practitioner.name=Ann", "general-practitioner.name"),
        ("general-practitioner:Practitioner.name=Ann", "general-practitioner:Practitioner.name"),
        ("shoe-size=3", "shoe-size"),
        ("_filter=name eq x", "_filter"),
        ("_query=everything", "_query"),
        ("_contained=true", "_contained"),
        ("name:missing=true", "name"),
        ("gender:text=girl", "gender"),
        ("_sort=mrn", "_sort"),
        ("_sort=name;drop table", "_sort"),
        ("_include=Patient:link", "_include"),
        ("_include=*", "_include"),
        ("_include:iterate=Patient:general-practitioner", "_include:iterate"),
        ("_revinclude=Observation:subject", "_revinclude"),
        ("birthdate=yesterday", "birthdate"),
        ("birthdate=ne2023-05-17", "birthdate"),
        ("_lastUpdated=soon", "_lastUpdated"),
        ("_count=-1", "_count"),
        ("_count=ten", "_count"),
        ("_page=forged", "_page"),
        ("general-practitioner=Organization/1", "general-practitioner"),
        ("name=", "name"),
        ("_format=xml", "_format"),
    ],
)
def test_refused_with_400_naming_the_parameter(client, token_a, child_a, query, named):
    answer = client.get(f"/fhir/Patient?{query}", **bearer(token_a))
    assert answer.status_code == 400, answer.content
    outcome = valid(answer.json())
    assert named in outcome["issue"][0]["diagnostics"]
    assert "García" not in answer.content.decode()


def test_refusal_runs_no_search_query(client, token_a, child_a, django_assert_max_num_queries):
    # The token's own look-up (token, context, membership) and nothing else.
    with django_assert_max_num_queries(3):
        assert client.get("/fhir/Patient?_has:X:y:z=1", **bearer(token_a)).status_code == 400


def test_post_search_takes_form_parameters(client, token_a, child_a, child_b):
    answer = client.post(
        "/fhir/Patient/_search",
        data="family=Garc&_count=5",
        content_type="application/x-www-form-urlencoded",
        **bearer(token_a),
    )
    assert answer.status_code == 200
    assert ids(valid(answer.json())) == [str(child_a.pk)]
    refused = client.post(
        "/fhir/Patient/_search",
        data="name.x=1",
        content_type="application/x-www-form-urlencoded",
        **bearer(token_a),
    )
    assert refused.status_code == 400


def test_paging_with_signed_links(client, token_a, child_a, siblings):
    everyone = sorted(str(c.pk) for c in [child_a, *siblings])
    first = valid(client.get("/fhir/Patient?_count=3", **bearer(token_a)).json())
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert set(links) == {"self", "next"}
    second_url = urlsplit(links["next"])
    second = valid(client.get(f"{second_url.path}?{second_url.query}", **bearer(token_a)).json())
    assert sorted(ids(first) + ids(second)) == everyone
    assert {link["relation"] for link in second["link"]} == {"self", "previous"}
    # The token is bound to the search: another query with it is refused.
    page = dict(parse_qsl(second_url.query))["_page"]
    other = client.get(f"/fhir/Patient?_count=3&family=G&_page={page}", **bearer(token_a))
    assert other.status_code == 400
    # ...and to the client: another client's token cannot replay it.
    token_other = issue_token(
        scope="user/*.rs",
        practice=child_a.practice,
        user=factories.make_staff("x2", child_a.practice, "nurse", first_name="A", last_name="B"),
    )
    assert (
        client.get(f"{second_url.path}?{second_url.query}", **bearer(token_other)).status_code
        == 400
    )


def test_count_above_maximum_is_capped(client, token_a, child_a, siblings, settings):
    settings.MEDHOME_FHIR = {"default_count": 1, "max_count": 2}
    assert len(ids(client.get("/fhir/Patient", **bearer(token_a)).json())) == 1
    assert len(ids(client.get("/fhir/Patient?_count=500", **bearer(token_a)).json())) == 2


def test_sort_by_birthdate_both_ways(client, token_a, child_a, siblings):
    by_age = [str(c.pk) for c in sorted([child_a, *siblings], key=lambda c: c.date_of_birth)]
    assert ids(client.get("/fhir/Patient?_sort=birthdate", **bearer(token_a)).json()) == by_age
    assert (
        ids(client.get("/fhir/Patient?_sort=-birthdate", **bearer(token_a)).json()) == by_age[::-1]
    )


def test_last_updated(client, token_a, child_a, siblings):
    Child.objects.filter(pk=siblings[0].pk).update(updated_at=timezone.now() - timedelta(days=30))
    cut = (timezone.now() - timedelta(days=10)).date().isoformat()
    old = ids(client.get(f"/fhir/Patient?_lastUpdated=lt{cut}", **bearer(token_a)).json())
    recent = ids(client.get(f"/fhir/Patient?_lastUpdated=ge{cut}", **bearer(token_a)).json())
    assert old == [str(siblings[0].pk)]
    assert str(siblings[0].pk) not in recent and str(child_a.pk) in recent


def test_token_identifier_gender_birthdate(client, token_a, child_a, child_b):
    for query in (
        "identifier=urn:medhome:mrn|SG-100234",
        "identifier=SG-100234",
        "birthdate=2023-05",
        "gender=female",
        f"_id={child_a.pk}",
        "birthdate=ge2023-05-17&birthdate=le2023-05-17",
    ):
        assert ids(client.get(f"/fhir/Patient?{query}", **bearer(token_a)).json()) == [
            str(child_a.pk)
        ], query
    for query in (
        "identifier=urn:other|SG-100234",
        "birthdate=2022",
        "gender=male",
        "_id=not-a-uuid",
    ):
        assert ids(client.get(f"/fhir/Patient?{query}", **bearer(token_a)).json()) == [], query


def test_include_and_revinclude(client, token_a, child_a, caregiver_a, clinician_a):
    Child.objects.filter(pk=child_a.pk).update(primary_clinician=clinician_a)
    answer = valid(
        client.get(
            "/fhir/Patient?_include=Patient:general-practitioner&_revinclude=RelatedPerson:patient&_include=Patient:organization",
            **bearer(token_a),
        ).json()
    )
    included = {
        (e["resource"]["resourceType"], e["resource"]["id"])
        for e in answer["entry"]
        if e["search"]["mode"] == "include"
    }
    membership = clinician_a.memberships.get()
    assert included == {
        ("Practitioner", str(membership.pk)),
        ("RelatedPerson", str(caregiver_a.pk)),
        ("Organization", str(child_a.practice_id)),
    }
    patient = next(e["resource"] for e in answer["entry"] if e["search"]["mode"] == "match")
    assert patient["generalPractitioner"] == [{"reference": f"Practitioner/{membership.pk}"}]


def test_include_needs_the_target_scope(client, practice_a, clinician_a, child_a):
    token = issue_token(scope="user/Patient.rs", practice=practice_a, user=clinician_a)
    answer = client.get("/fhir/Patient?_revinclude=RelatedPerson:patient", **bearer(token))
    assert answer.status_code == 403


def test_patient_scope_narrows_to_the_launch_child(
    client, practice_a, clinician_a, child_a, siblings, caregiver_a
):
    token = issue_token(
        scope="patient/Patient.rs patient/RelatedPerson.rs",
        practice=practice_a,
        user=clinician_a,
        patient=child_a,
    )
    assert ids(client.get("/fhir/Patient", **bearer(token)).json()) == [str(child_a.pk)]
    assert client.get(f"/fhir/Patient/{siblings[0].pk}", **bearer(token)).status_code == 404
    related = valid(client.get("/fhir/RelatedPerson", **bearer(token)).json())
    assert ids(related) == [str(caregiver_a.pk)]
    assert related["entry"][0]["resource"]["patient"] == {"reference": f"Patient/{child_a.pk}"}


def test_search_audits_one_row_per_child_with_the_client(client, token_a, child_a, siblings):
    before = AuditEvent.objects.count()
    client.get("/fhir/Patient?_count=2&_sort=birthdate", **bearer(token_a))
    rows = list(AuditEvent.objects.order_by("sequence")[before:])
    assert len(rows) == 2
    assert {r.object_type for r in rows} == {"child"}
    assert rows[0].detail["via"] == "fhir" and rows[0].detail["interaction"] == "search-type"
    assert rows[0].detail["client"].startswith("") and len(rows[0].detail["client"]) > 10
    assert set(rows[0].detail) == {"client", "via", "type", "interaction"}


def test_directory_search_audits_the_request(client, token_a, practice_a):
    before = AuditEvent.objects.count()
    client.get("/fhir/Location", **bearer(token_a))
    rows = list(AuditEvent.objects.order_by("sequence")[before:])
    assert [(r.object_type, r.object_id, r.action) for r in rows] == [
        ("fhir_request", "Location", "search")
    ]


def test_fixed_number_of_queries_per_page(
    client, token_a, child_a, caregiver_a, clinician_a, django_assert_max_num_queries
):
    query = "/fhir/Patient?_include=Patient:general-practitioner&_revinclude=RelatedPerson:patient"
    with django_assert_max_num_queries(16) as small:
        client.get(query, **bearer(token_a))
    for n in range(8):
        factories.add_child(child_a.family, legal_given_name=f"More{n}", mrn=f"SG-8{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        answer = client.get(query, **bearer(token_a))
    assert len(ids(answer.json())) == 9
