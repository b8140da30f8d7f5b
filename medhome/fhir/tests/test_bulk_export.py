"""FHIR Bulk Data export (https://hl7.org/fhir/uv/bulkdata/STU2/export.html): kick-off,
status, cancel, files, `_type` and `_since`, tenancy, audit."""

from datetime import date, timedelta
from typing import Any

import orjson
import pytest
from fhir.resources.R4B.immunization import Immunization as R4BImmunization

from medhome.audit.models import Action, AuditEvent
from medhome.core import clock
from medhome.ehr.models import Immunization
from medhome.fhir import export
from medhome.fhir.models import ExportJob, ExportStatus
from tests.fhir_support import bearer, issue_token

from .bulk_support import (
    backend_token,
    download,
    export_all,
    kick_off,
    run_worker,
    status_path,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.MEDHOME_FHIR_EXPORT = {**settings.MEDHOME_FHIR_EXPORT, "directory": str(tmp_path)}
    return tmp_path


def shot(child: Any, cvx: str = "08", *, key: str = "", given: date = date(2025, 3, 1), **kw):
    return Immunization.objects.create(
        practice_id=child.practice_id,
        child=child,
        source_key=key or f"urn:test:imm|{child.pk}-{cvx}-{given}",
        content_hash="0" * 32,
        imported_at=kw.pop("imported_at", clock.now()),
        cvx=cvx,
        display=kw.pop("display", "Hep B, adolescent or pediatric"),
        given_on=given,
        status=kw.pop("status", "completed"),
    )


def error_of(response: Any) -> str:
    body = orjson.loads(response.content)
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]["diagnostics"]


# -- kick-off refusals ---------------------------------------------------------------------------


def test_kick_off_without_a_token_is_401(client):
    response = client.get("/fhir/Patient/$export", HTTP_PREFER="respond-async")
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]
    assert not ExportJob.objects.exists()


def test_kick_off_needs_prefer_respond_async(client, practice_a):
    token = backend_token(practice_a)
    response = kick_off(client, token, HTTP_PREFER="")
    assert response.status_code == 400
    assert error_of(response) == "The kick-off needs the header 'Prefer: respond-async'."


def test_kick_off_needs_accept_fhir_json(client, practice_a):
    response = kick_off(client, backend_token(practice_a), HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert "Accept: application/fhir+json" in error_of(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("_type=Immunization,Spaceship", "Resource type 'Spaceship' is not served."),
        ("_type=", "Parameter '_type' names no resource type."),
        ("_since=yesterday", "Parameter '_since' must be a FHIR instant with a time zone."),
        (
            "_since=2026-01-01T00:00:00",
            "Parameter '_since' must be a FHIR instant with a time zone.",
        ),
        ("_outputFormat=text/csv", "Only _outputFormat=application/fhir+ndjson is served."),
        (
            "_typeFilter=Immunization%3Fstatus%3Dcompleted",
            "Parameter '_typeFilter' is not supported.",
        ),
    ],
)
def test_kick_off_refuses_bad_parameters(client, practice_a, query, message):
    response = kick_off(client, backend_token(practice_a), f"/fhir/Patient/$export?{query}")
    assert response.status_code == 400
    assert error_of(response) == message
    assert not ExportJob.objects.exists()


def test_patient_scoped_and_user_tokens_are_refused(client, practice_a, child_a, clinician_a):
    patient_token = issue_token(
        scope="patient/*.rs launch", practice=practice_a, user=clinician_a, patient=child_a
    )
    user_token = issue_token(scope="user/*.rs", practice=practice_a, user=clinician_a)
    for token in (patient_token, user_token):
        response = kick_off(client, token)
        assert response.status_code == 403
        assert "Backend Services" in error_of(response)
    assert not ExportJob.objects.exists()


def test_a_type_outside_the_scopes_is_403(client, practice_a):
    token = backend_token(practice_a, scope="system/Patient.rs")
    response = kick_off(client, token, "/fhir/Patient/$export?_type=Immunization")
    assert response.status_code == 403
    assert error_of(response) == "The token's scopes do not allow reading Immunization."


def test_another_practices_group_is_404(client, practice_a, practice_b):
    token = backend_token(practice_a)
    for group in (practice_b.pk, "not-an-id"):
        response = kick_off(client, token, f"/fhir/Group/{group}/$export")
        assert response.status_code == 404
        assert error_of(response) == "The resource was not found."
    assert kick_off(client, token, f"/fhir/Group/{practice_a.pk}/$export").status_code == 202


def test_one_export_at_a_time_per_client(client, practice_a):
    token = backend_token(practice_a)
    assert kick_off(client, token).status_code == 202
    again = kick_off(client, token)
    assert again.status_code == 429
    assert again["Retry-After"] == "10"


# -- status, cancel, files ------------------------------------------------------------------------


def test_status_while_queued_then_the_manifest(client, practice_a, child_a, child_b):
    shot(child_a)
    shot(child_a, "20")
    shot(child_b)  # another practice's: never exported
    token = backend_token(practice_a)
    response = kick_off(client, token, "/fhir/Patient/$export?_type=Immunization")
    assert response.status_code == 202
    path = status_path(response)
    waiting = client.get(path, **bearer(token))
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "queued"
    assert waiting["Retry-After"] == "10"
    assert run_worker() == 1
    done = client.get(path, **bearer(token))
    assert done.status_code == 200
    assert done["Content-Type"] == "application/json"
    manifest = orjson.loads(done.content)
    assert manifest["request"] == "http://testserver/fhir/Patient/$export?_type=Immunization"
    assert manifest["requiresAccessToken"] is True
    assert manifest["error"] == []
    assert [(o["type"], o["count"]) for o in manifest["output"]] == [("Immunization", 2)]
    resources = download(client, token, manifest)["Immunization"]
    for resource in resources:
        R4BImmunization.model_validate(resource)
        assert resource["patient"] == {"reference": f"Patient/{child_a.pk}"}
    assert sorted(r["vaccineCode"]["coding"][0]["code"] for r in resources) == ["08", "20"]


def test_the_files_are_only_for_the_same_client(client, practice_a, practice_b, child_a):
    shot(child_a)
    token = backend_token(practice_a)
    manifest = export_all(client, token, "/fhir/Patient/$export?_type=Immunization")
    url = manifest["output"][0]["url"].removeprefix("http://testserver")
    status = f"/fhir/$export-status/{url.split('/')[3]}"
    other_client = backend_token(practice_a)  # same practice, another backend client
    other_practice = backend_token(practice_b)
    for token_of_other in (other_client, other_practice):
        assert client.get(url, **bearer(token_of_other)).status_code == 404
        assert client.get(status, **bearer(token_of_other)).status_code == 404
        assert client.delete(status, **bearer(token_of_other)).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get(url + "x", **bearer(token)).status_code == 404
    assert client.get(url, **bearer(token)).status_code == 200


def test_cancel_removes_the_job_and_its_files(client, practice_a, child_a, export_dir):
    shot(child_a)
    token = backend_token(practice_a)
    manifest = export_all(client, token, "/fhir/Patient/$export?_type=Immunization")
    url = manifest["output"][0]["url"].removeprefix("http://testserver")
    job = ExportJob.objects.get()
    status = f"/fhir/$export-status/{job.pk}"
    assert any(export_dir.iterdir())
    response = client.delete(status, **bearer(token))
    assert response.status_code == 202
    assert client.get(status, **bearer(token)).status_code == 404
    assert client.get(url, **bearer(token)).status_code == 404
    assert not any(export_dir.iterdir())
    assert kick_off(client, token).status_code == 202  # a new one may start


def test_a_cancelled_queued_job_never_runs(client, practice_a, child_a):
    shot(child_a)
    token = backend_token(practice_a)
    path = status_path(kick_off(client, token))
    assert client.delete(path, **bearer(token)).status_code == 202
    assert run_worker() == 0
    assert ExportJob.objects.get().status == ExportStatus.CANCELLED


def test_since_exports_only_what_changed_after(client, practice_a, child_a):
    now = clock.now()
    shot(child_a, "08", imported_at=now - timedelta(days=3))
    shot(child_a, "20", imported_at=now - timedelta(hours=1))
    token = backend_token(practice_a)
    since = (now - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    manifest = export_all(client, token, f"/fhir/Patient/$export?_type=Immunization&_since={since}")
    found = download(client, token, manifest)["Immunization"]
    assert [r["vaccineCode"]["coding"][0]["code"] for r in found] == ["20"]


def test_a_killed_worker_is_taken_again_after_its_lease(client, practice_a, child_a, export_dir):
    shot(child_a)
    token = backend_token(practice_a)
    path = status_path(kick_off(client, token, "/fhir/Patient/$export?_type=Immunization"))
    job = export.claim_next()  # a worker took it, then died before writing anything
    assert job is not None
    (export_dir / str(job.pk)).mkdir()
    (export_dir / str(job.pk) / "half.part").write_bytes(b'{"resourceType":')
    assert run_worker() == 0  # its lease still runs
    assert client.get(path, **bearer(token))["X-Progress"] == "running"
    ExportJob.objects.filter(pk=job.pk).update(lease_until=clock.now() - timedelta(seconds=1))
    assert run_worker() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportStatus.DONE, 2)
    assert not list((export_dir / str(job.pk)).glob("*.part"))
    manifest = orjson.loads(client.get(path, **bearer(token)).content)
    assert [o["count"] for o in manifest["output"]] == [1]


def test_a_revoked_client_stops_its_export(client, practice_a, child_a):
    token = backend_token(practice_a)
    path = status_path(kick_off(client, token))
    job = ExportJob.objects.get()
    from medhome.smart.models import SmartClient

    SmartClient.objects.filter(application__client_id=job.client_id).update(revoked_at=clock.now())
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, "The client was revoked.")
    failed = client.get(path, **bearer(token))
    assert failed.status_code == 500
    assert error_of(failed) == "The client was revoked."


def test_a_cancel_while_writing_stops_at_the_next_chunk(
    client, practice_a, child_a, export_dir, settings, monkeypatch
):
    settings.MEDHOME_FHIR_EXPORT = {**settings.MEDHOME_FHIR_EXPORT, "chunk_rows": 1}
    for day in range(1, 13):
        shot(child_a, given=date(2025, 3, day))
    token = backend_token(practice_a)
    path = status_path(kick_off(client, token, "/fhir/Patient/$export?_type=Immunization"))
    original = export.children_of

    def cancel_then_read(kind, rows):
        client.delete(path, **bearer(token))  # the client's DELETE, while the worker writes
        return original(kind, rows)

    monkeypatch.setattr(export, "children_of", cancel_then_read)
    assert run_worker() == 0
    assert ExportJob.objects.get().status == ExportStatus.CANCELLED
    assert not any(export_dir.iterdir())
    assert not AuditEvent.objects.filter(object_type="fhir_export").exists()


def test_expired_exports_lose_their_files(client, practice_a, child_a, export_dir):
    shot(child_a)
    token = backend_token(practice_a)
    manifest = export_all(client, token, "/fhir/Patient/$export?_type=Immunization")
    url = manifest["output"][0]["url"].removeprefix("http://testserver")
    export.remove_expired(now=clock.now() + timedelta(hours=25))
    assert ExportJob.objects.get().status == ExportStatus.EXPIRED
    assert client.get(url, **bearer(token)).status_code == 404
    assert not any(export_dir.iterdir())


def test_the_export_is_audited_per_child_with_the_client(client, practice_a, child_a):
    shot(child_a)
    token = backend_token(practice_a)
    export_all(client, token, "/fhir/Patient/$export?_type=Immunization")
    job = ExportJob.objects.get()
    events = AuditEvent.objects.filter(practice=practice_a, action=Action.EXPORT)
    child_event = events.get(object_type="child")
    assert child_event.object_id == str(child_a.pk)
    assert child_event.detail == {"client": job.client_id, "export": str(job.pk)}
    job_event = events.get(object_type="fhir_export")
    assert job_event.detail["counts"] == {"Immunization": 1}


def test_never_another_practices_rows(
    client, practice_a, child_a, caregiver_a, child_b, caregiver_b
):
    shot(child_a)
    shot(child_b)
    token = backend_token(practice_a)
    manifest = export_all(client, token, f"/fhir/Group/{practice_a.pk}/$export")
    assert {o["type"] for o in manifest["output"]} >= {"Patient", "RelatedPerson", "Immunization"}
    files = download(client, token, manifest)
    text = orjson.dumps(files).decode()
    assert str(child_a.pk) in text
    assert str(child_b.pk) not in text
    assert str(caregiver_b.pk) not in text
    assert str(practice_b_id(child_b)) not in text


def practice_b_id(child: Any) -> Any:
    return child.practice_id


def test_the_group_is_the_practice_panel(client, practice_a, practice_b, child_a, child_b):
    from fhir.resources.R4B.group import Group

    token = backend_token(practice_a)
    response = client.get(f"/fhir/Group/{practice_a.pk}", **bearer(token))
    assert response.status_code == 200
    body = orjson.loads(response.content)
    Group.model_validate(body)
    assert (body["id"], body["quantity"], body["actual"]) == (str(practice_a.pk), 1, True)
    assert client.get(f"/fhir/Group/{practice_b.pk}", **bearer(token)).status_code == 404
    assert client.get(f"/fhir/Group/{practice_a.pk}").status_code == 401
    narrow = backend_token(practice_a, scope="system/Patient.rs")
    assert client.get(f"/fhir/Group/{practice_a.pk}", **bearer(narrow)).status_code == 404
