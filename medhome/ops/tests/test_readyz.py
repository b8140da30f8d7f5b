"""/readyz: ready only when the database answers, a worker beats, the queue moves and every
practice's audit chain head matches its newest event; the answer names checks and ages only."""

import json
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.db.models import F
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from medhome.accounts.roles import Role
from medhome.audit.models import Action, AuditChainAnchor, AuditChainHead, AuditEvent
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.jobs.models import WorkerHeartbeat
from medhome.ops import health
from tests.conftest import CAREGIVER_A, CHILD_A

pytestmark = pytest.mark.django_db


def beat(
    *, seconds_ago: float, worker_id: str = "w1", stopped: bool = False, schedules: bool = True
) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": "host-1",
            "pid": 4242,
            "started_at": seen - timedelta(hours=1),
            "last_seen_at": seen,
            "stopped_at": seen if stopped else None,
            "runs_schedule": schedules,
        },
    )


def queued(*, seconds_ago: float, run_after=None, status=TaskResultStatus.READY) -> None:
    row = DBTaskResult.objects.create(
        task_path="medhome.jobs.tasks.run_job",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=run_after or get_date_max(),
        status=status,
    )
    enqueued = timezone.now() - timedelta(seconds=seconds_ago)
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=enqueued)


def audited(practice, times: int = 2) -> None:
    actor = Actor(user=None, practice=practice, role="ehr_import", request_id="r-ready")
    for n in range(times):
        record(actor=actor, action=Action.VIEW, object_type="child", object_id=n, at=timezone.now())


def ready(client) -> tuple[int, dict]:
    response = client.get(reverse("readyz"))
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


@pytest.fixture
def all_well(practice_a, practice_b):
    """A worker that just beat, an empty queue, two practices with audit chains in step."""
    beat(seconds_ago=2)
    audited(practice_a)
    audited(practice_b, times=1)


def test_ready_when_every_check_passes(client, all_well):
    queued(seconds_ago=5)  # a task just enqueued is a queue that moves

    status, body = ready(client)

    assert status == 200
    assert body == {
        "status": "ready",
        "checks": {
            "database": {"ok": True},
            "worker": {"ok": True, "age_seconds": body["checks"]["worker"]["age_seconds"]},
            "queue": {"ok": True, "age_seconds": body["checks"]["queue"]["age_seconds"]},
            "audit_chain": {"ok": True},
        },
    }
    assert 2 <= body["checks"]["worker"]["age_seconds"] <= 10
    assert 5 <= body["checks"]["queue"]["age_seconds"] <= 15


def test_an_empty_queue_and_a_fresh_installation_without_events_are_ready(client, practice_a):
    beat(seconds_ago=0)

    status, body = ready(client)

    assert status == 200
    assert body["checks"]["queue"] == {"ok": True}
    assert body["checks"]["audit_chain"] == {"ok": True}


def test_a_stale_heartbeat_is_not_ready(client, all_well, settings):
    settings.MEDHOME_READY_WORKER_SECONDS = 30
    beat(seconds_ago=31)

    status, body = ready(client)

    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["age_seconds"] >= 31
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["worker"]


def test_no_worker_ever_and_a_stopped_worker_are_not_ready(client, all_well):
    WorkerHeartbeat.objects.all().delete()
    assert ready(client)[1]["checks"]["worker"] == {"ok": False}

    beat(seconds_ago=1, stopped=True)  # stopped cleanly a second ago: gone all the same
    status, body = ready(client)

    assert status == 503
    assert body["checks"]["worker"] == {"ok": False}


def test_workers_that_do_not_schedule_are_not_enough(client, all_well):
    beat(seconds_ago=3600)  # the scheduling worker is gone
    beat(seconds_ago=1, worker_id="extra", schedules=False)

    status, body = ready(client)

    assert status == 503
    assert body["checks"]["worker"]["ok"] is False


def test_one_live_worker_among_dead_ones_is_enough(client, all_well):
    beat(seconds_ago=3600, worker_id="old")

    assert ready(client)[0] == 200


def test_an_old_queued_task_is_not_ready(client, all_well, settings):
    settings.MEDHOME_READY_QUEUE_SECONDS = 600
    queued(seconds_ago=5)
    queued(seconds_ago=601)

    status, body = ready(client)

    assert status == 503
    assert body["checks"]["queue"]["ok"] is False
    assert body["checks"]["queue"]["age_seconds"] >= 601
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["queue"]


def test_the_queue_counts_only_tasks_due_and_not_started(client, all_well, settings):
    settings.MEDHOME_READY_QUEUE_SECONDS = 600
    now = timezone.now()
    queued(seconds_ago=3600, status=TaskResultStatus.RUNNING)
    queued(seconds_ago=3600, status=TaskResultStatus.SUCCESSFUL)
    # A retry enqueued an hour ago waiting for its back-off, and one due only a minute ago.
    queued(seconds_ago=3600, run_after=now + timedelta(minutes=5))
    queued(seconds_ago=3600, run_after=now - timedelta(seconds=60))

    status, body = ready(client)

    assert status == 200
    assert 60 <= body["checks"]["queue"]["age_seconds"] < 600


def test_a_head_behind_its_newest_event_is_not_ready(client, all_well, practice_a):
    AuditChainHead.objects.filter(practice=practice_a).update(sequence=F("sequence") - 1)

    status, body = ready(client)

    assert status == 503
    assert body["checks"]["audit_chain"] == {"ok": False}
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["audit_chain"]


def test_events_without_a_head_and_a_head_without_events_are_not_ready(
    client, all_well, practice_a, practice_b
):
    head = AuditChainHead.objects.get(practice=practice_a)
    AuditChainHead.objects.filter(practice=practice_a).delete()
    assert ready(client)[1]["checks"]["audit_chain"] == {"ok": False}

    head.save()  # put back as it was: in step again
    assert ready(client)[0] == 200

    # A head whose events are gone (the trail refuses DELETE; only a restore gone wrong could).
    from medhome.practices.models import Practice

    empty = Practice.objects.create(name="Empty", state="MA")
    AuditChainHead.objects.create(practice=empty, sequence=3)
    assert ready(client)[1]["checks"]["audit_chain"] == {"ok": False}


def test_a_head_at_the_retention_anchor_with_every_event_dropped_is_ready(client, all_well):
    """A quiet practice whose every event is older than the retention: the job dropped them and
    left its chain's anchor where the head stands."""
    from medhome.practices.models import Practice

    quiet = Practice.objects.create(name="Quiet", state="MA")
    AuditChainHead.objects.create(practice=quiet, sequence=3, hash="a" * 64)
    AuditChainAnchor.objects.create(
        practice=quiet, sequence=3, hash="a" * 64, dropped_before=timezone.now()
    )
    assert ready(client)[1]["checks"]["audit_chain"] == {"ok": True}
    AuditChainAnchor.objects.filter(practice=quiet).update(sequence=2)
    assert ready(client)[1]["checks"]["audit_chain"] == {"ok": False}


def test_a_database_that_does_not_answer_is_not_ready_and_skips_the_rest(
    client, all_well, monkeypatch
):
    def no_answer() -> health.Check:
        raise OperationalError("connection to server at 10.0.0.5 failed: Sofía García")

    monkeypatch.setattr(health, "database", no_answer)

    status, body = ready(client)

    assert status == 503
    assert body == {
        "status": "not ready",
        "checks": {"database": {"ok": False, "error": "database"}},
    }


def test_a_check_whose_query_fails_fails_alone(client, all_well, monkeypatch):
    def broken(*, now) -> health.Check:
        raise OperationalError("relation does not exist")

    monkeypatch.setattr(health, "queue", broken)

    status, body = ready(client)

    assert status == 503
    assert body["checks"]["queue"] == {"ok": False, "error": "database"}
    assert body["checks"]["audit_chain"] == {"ok": True}


def test_the_answer_carries_no_phi_and_no_practice(client, all_well, child_a, practice_a):
    AuditChainHead.objects.filter(practice=practice_a).update(sequence=F("sequence") + 1)
    beat(seconds_ago=3600)
    queued(seconds_ago=3600)

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    text = response.content.decode()
    for value in (*CHILD_A.values(), *CAREGIVER_A.values()):
        assert str(value) not in text
    assert str(child_a.pk) not in text
    assert practice_a.name not in text and str(practice_a.pk) not in text
    assert "host-1" not in text and "4242" not in text and "run_job" not in text
    assert AuditEvent.objects.filter(practice=practice_a).exists()


def test_get_only_anonymous_and_never_cached(client, all_well):
    assert client.post(reverse("readyz")).status_code == 405
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_staff_without_a_second_factor_reach_it(settings, log_in, staff_a, practice_a, all_well):
    settings.MEDHOME_REQUIRE_MFA = True
    client = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    assert client.get(reverse("readyz")).status_code == 200
    assert client.get(reverse("practices:choose")).status_code == 302  # the rule does hold


def test_probes_over_plain_http_are_not_redirected(client, all_well, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse("readyz")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("account_login")).status_code == 301


def test_a_bounded_number_of_queries(client, all_well, network, django_assert_max_num_queries):
    from medhome.practices.models import Practice

    for n in range(5):
        audited(Practice.objects.create(name=f"P{n}", state="MA", network=network))
        queued(seconds_ago=n)
        beat(seconds_ago=n, worker_id=f"w{n}")

    with django_assert_max_num_queries(4):
        assert client.get(reverse("readyz")).status_code == 200
