"""The read replica's router (medhome.core.replica) and its settings (medhome.core.databases):
the measures' figures read from the replica only while it keeps up, writes and migrations never
there, a Bulk Data export only from a caught-up replica, the lag checked once per interval, and
/readyz saying how far behind it is. Without MEDHOME_REPLICA_URL nothing changes. The real
replica (a second PostgreSQL cluster streaming from the first) is bench/replica.py's drill."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.urls import reverse

from medhome.core import databases, replica
from medhome.measures.models import MeasureFigure
from medhome.messaging.models import Message

ROUTER = replica.ReplicaRouter()


@pytest.fixture
def with_replica(settings, monkeypatch):
    """A replica configured, its lag what the test says (no second server here)."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    settings.MEDHOME_REPLICA_MAX_LAG_SECONDS = 60
    settings.MEDHOME_REPLICA_CHECK_SECONDS = 5
    answers: list[float | None] = []
    calls: list[int] = []

    def measured():
        calls.append(1)
        return answers[-1]

    monkeypatch.setattr(replica, "measure_lag", measured)
    monkeypatch.setattr(replica._last, "lag", None, raising=False)
    clock = [1000.0]
    monkeypatch.setattr(replica.time, "monotonic", lambda: clock[0])
    return answers, calls, clock


def test_without_a_replica_everything_reads_and_writes_the_primary():
    assert not replica.configured()
    assert replica.reading_alias() == replica.caught_up_alias() == "default"
    assert ROUTER.db_for_read(MeasureFigure) == "default"
    assert MeasureFigure.objects.all().db == "default"
    assert ROUTER.db_for_write(MeasureFigure) == "default"


@pytest.mark.parametrize(
    ("lag", "alias"),
    [(0.0, "replica"), (59.5, "replica"), (60.0, "replica"), (60.5, "default"), (None, "default")],
)
def test_the_figures_read_the_replica_only_while_it_keeps_up(with_replica, lag, alias):
    answers, _calls, _clock = with_replica
    answers.append(lag)
    assert MeasureFigure.objects.all().db == alias
    # Everything else, and every write, stays on the primary.
    assert Message.objects.all().db == "default"
    assert ROUTER.db_for_write(MeasureFigure) == "default"


def test_a_bulk_export_waits_for_the_replica_to_catch_up_or_reads_the_primary(
    with_replica, monkeypatch
):
    _answers, _calls, clock = with_replica
    replayed = iter([False, False, True])
    monkeypatch.setattr(replica, "_primary_position", lambda: "0/3000060")
    monkeypatch.setattr(replica, "_replayed", lambda position: (next(replayed), 1.0))
    monkeypatch.setattr(
        replica.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds)
    )
    # Caught up on the third look, 0.4 s later: the replica.
    assert replica.caught_up_alias(wait_seconds=10) == "replica"
    # Never caught up within the wait: the primary, after waiting it out.
    monkeypatch.setattr(replica, "_replayed", lambda position: (False, 1.0))
    started = clock[0]
    assert replica.caught_up_alias(wait_seconds=3) == "default"
    assert 3 <= clock[0] - started < 3.5

    def down(position):
        raise OperationalError("replica down")

    monkeypatch.setattr(replica, "_replayed", down)
    assert replica.caught_up_alias(wait_seconds=3) == "default"


def test_the_lag_is_checked_once_per_interval(with_replica):
    answers, calls, clock = with_replica
    answers.append(0.0)
    for _ in range(5):
        replica.reading_alias()
    assert len(calls) == 1
    answers.append(600.0)  # it fell behind: seen at the next check, not before
    clock[0] += 4.9
    assert replica.reading_alias() == "replica"
    clock[0] += 0.2
    assert replica.reading_alias() == "default"
    assert len(calls) == 2


def test_migrations_never_run_on_the_replica():
    assert ROUTER.allow_migrate("replica", "measures") is False
    assert ROUTER.allow_migrate("default", "measures") is True


@pytest.mark.django_db
def test_readiness_says_how_far_behind_and_stays_ready(client, with_replica, monkeypatch):
    from medhome.ops import health

    answers, _calls, _clock = with_replica
    for check in ("worker", "queue", "audit_chain"):
        monkeypatch.setattr(health, check, lambda **_kwargs: health.Check(ok=True))
    answers.append(300.0)
    response = client.get(reverse("readyz"))
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["checks"]["replica"] == {"ok": True, "lag_seconds": 300.0, "serving": False}


def test_the_replica_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDHOME_REPLICA_URL", "postgres://reader@10.0.0.2:5432/medhome")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ImproperlyConfigured, match="needs PostgreSQL"):
        databases.databases(env="production", sqlite_path=tmp_path / "x.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgres://app@10.0.0.1:5432/medhome")
    found = databases.databases(env="production", sqlite_path=tmp_path / "x.sqlite3")
    assert found["replica"]["HOST"] == "10.0.0.2"
    assert found["replica"]["TEST"] == {"MIRROR": "default"}
    assert (
        found["replica"]["OPTIONS"]
        == found["default"]["OPTIONS"]
        == {
            "options": "-c jit=off",
            "pool": True,
        }
    )
    monkeypatch.delenv("MEDHOME_REPLICA_URL")
    assert "replica" not in databases.databases(env="production", sqlite_path=tmp_path / "x")


def test_the_lag_is_zero_when_caught_up_else_the_time_since_the_last_replay(monkeypatch):
    monkeypatch.setattr(replica, "_primary_position", lambda: "0/3000060")
    monkeypatch.setattr(replica, "_replayed", lambda position: (True, 400.0))
    assert replica.measure_lag() == 0.0  # an idle primary: nothing new to replay
    monkeypatch.setattr(replica, "_replayed", lambda position: (False, 12.5))
    assert replica.measure_lag() == 12.5  # still behind after the grace: since the last replay

    def down(position):
        raise OperationalError("replica down")

    monkeypatch.setattr(replica, "_replayed", down)
    assert replica.measure_lag() is None


def test_an_idle_primarys_checkpoint_does_not_make_a_healthy_replica_look_behind(monkeypatch):
    """The primary wrote a checkpoint (WAL, no transaction) ten minutes after its last commit;
    the replica replays it on the next poll. Its lag is that moment, not ten minutes."""
    answers = iter([(False, 600.0), (True, 600.0)])
    positions: list[str] = []

    def replayed(position):
        positions.append(position)
        return next(answers)

    monkeypatch.setattr(replica, "_primary_position", lambda: "0/3000060")
    monkeypatch.setattr(replica, "_replayed", replayed)

    lag = replica.measure_lag()

    assert lag is not None and lag < replica.REPLAY_GRACE_SECONDS
    assert positions == ["0/3000060", "0/3000060"]  # the same position, asked again


def test_a_recompute_reads_everything_from_a_replica_that_keeps_up(with_replica, monkeypatch):
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    answers, _calls, clock = with_replica
    answers.append(1.0)
    monkeypatch.setattr(replica, "_primary_position", lambda: "0/3000060")
    monkeypatch.setattr(replica, "_replayed", lambda position: (False, 600.0))
    monkeypatch.setattr(
        replica.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds)
    )
    with replica.reading_replica() as alias:
        assert alias == "replica"
        assert Message.objects.all().db == MeasureFigure.objects.all().db == "replica"
        assert ROUTER.db_for_write(Message) == "default"
        # measures.figures runs its tasks in copies of this context: they read there too.
        context = contextvars.copy_context()
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(context.run, lambda: Message.objects.all().db).result() == "replica"
            assert pool.submit(lambda: Message.objects.all().db).result() == "default"
    assert Message.objects.all().db == "default"  # only inside the block
    answers.append(500.0)
    replica._last.lag = None
    with replica.reading_replica() as alias:
        assert alias == "default"
        assert Message.objects.all().db == "default"
    # Behind by the bound's measure but catching up within the wait: the replica.
    monkeypatch.setattr(replica, "_replayed", lambda position: (True, 600.0))
    replica._last.lag = None
    with replica.reading_replica() as alias:
        assert alias == "replica"


def test_a_process_can_give_its_queries_more_sort_memory(monkeypatch, tmp_path):
    """MEDHOME_PG_WORK_MEM (the worker's, for the measures) goes to every PostgreSQL connection
    of the process, the replica's too; anything but a size is refused before it reaches
    PostgreSQL's options."""
    monkeypatch.setenv("DATABASE_URL", "postgres://app@10.0.0.1:5432/medhome")
    monkeypatch.setenv("MEDHOME_REPLICA_URL", "postgres://reader@10.0.0.2:5432/medhome")
    monkeypatch.setenv("MEDHOME_PG_WORK_MEM", "64MB")
    found = databases.databases(env="production", sqlite_path=tmp_path / "x.sqlite3")
    for alias in ("default", "replica"):
        assert found[alias]["OPTIONS"]["options"] == "-c jit=off -c work_mem=64MB"
    monkeypatch.setenv("MEDHOME_PG_JIT", "on")
    found = databases.databases(env="production", sqlite_path=tmp_path / "x.sqlite3")
    assert found["default"]["OPTIONS"]["options"] == "-c work_mem=64MB"
    monkeypatch.delenv("MEDHOME_PG_WORK_MEM")
    found = databases.databases(env="production", sqlite_path=tmp_path / "x.sqlite3")
    assert "options" not in found["default"]["OPTIONS"]
    for wrong in ("64", "64 MB", "lots", "64MB -c fsync=off", "0MB"):
        monkeypatch.setenv("MEDHOME_PG_WORK_MEM", wrong)
        with pytest.raises(ImproperlyConfigured, match="MEDHOME_PG_WORK_MEM must be a size"):
            databases.databases(env="production", sqlite_path=tmp_path / "x.sqlite3")
