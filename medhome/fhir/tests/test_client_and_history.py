"""A client nobody here wrote (SMART's fhirclient) against the API; history; every
directory type read and valid."""

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from fhirclient.models.patient import Patient as ClientPatient
from fhirclient.server import FHIRServer

from medhome.audit.models import AuditEvent
from tests.fhir_support import bearer, issue_token

from .support import valid


class DjangoTransport(requests.adapters.BaseAdapter):
    """requests → Django's test client, in the test's transaction (pytest-django's live_server
    needs a flush that the append-only audit trail refuses). fhirclient builds every URL and
    parameter and parses every answer itself; only the socket is replaced."""

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def, override]
        url = urlsplit(request.url)
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()}
        answer = Client().generic(
            request.method, f"{url.path}?{url.query}", data=request.body or b"", **headers
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers.update(dict(answer.items()))
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.mark.django_db
def test_fhirclient_reads_and_searches(practice_a, clinician_a, child_a):
    token = issue_token(scope="user/Patient.rs", practice=practice_a, user=clinician_a)
    server = FHIRServer(None, base_uri="http://testserver/fhir/")
    server.session.mount("http://testserver/", DjangoTransport())
    server.session.headers["Authorization"] = f"Bearer {token}"
    patient = ClientPatient.read(str(child_a.pk), server)
    assert patient.birthDate.isostring == "2023-05-17"
    assert patient.name[0].family == "García"
    found = ClientPatient.where(struct={"family": "Garc"}).perform_resources_iter(server)
    assert [p.id for p in list(found)] == [str(child_a.pk)]
    audited = AuditEvent.objects.filter(object_type="child", object_id=str(child_a.pk))
    assert {e.detail.get("interaction") for e in audited if e.detail.get("via") == "fhir"} >= {
        "read",
        "search-type",
    }


@pytest.mark.django_db
def test_history_answers_the_current_version(client, practice_a, clinician_a, child_a):
    token = issue_token(scope="user/*.rs", practice=practice_a, user=clinician_a)
    one = valid(client.get(f"/fhir/Patient/{child_a.pk}/_history", **bearer(token)).json())
    assert one["type"] == "history"
    assert [e["resource"]["meta"]["versionId"] for e in one["entry"]] == [str(child_a.version)]
    everyone = valid(client.get("/fhir/Patient/_history?_count=5", **bearer(token)).json())
    assert [e["resource"]["id"] for e in everyone["entry"]] == [str(child_a.pk)]
    vread = client.get(f"/fhir/Patient/{child_a.pk}/_history/{child_a.version}", **bearer(token))
    assert vread.status_code == 200
    assert client.get(f"/fhir/Patient/{child_a.pk}/_history/99", **bearer(token)).status_code == 404
    assert client.get("/fhir/Patient/_history?name=x", **bearer(token)).status_code == 400


@pytest.mark.django_db
def test_every_type_reads_valid(client, practice_a, clinician_a, child_a, caregiver_a):
    token = issue_token(scope="user/*.rs", practice=practice_a, user=clinician_a)
    for name in (
        "Patient",
        "RelatedPerson",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Location",
    ):
        bundle = valid(client.get(f"/fhir/{name}", **bearer(token)).json())
        for entry in bundle.get("entry", []):
            read = client.get(f"/fhir/{name}/{entry['resource']['id']}", **bearer(token))
            assert read.status_code == 200
            assert valid(read.json()) == entry["resource"]
    related = client.get(f"/fhir/RelatedPerson/{caregiver_a.pk}", **bearer(token)).json()
    assert related["telecom"][0] == {"system": "phone", "value": "+16175550142", "use": "mobile"}
