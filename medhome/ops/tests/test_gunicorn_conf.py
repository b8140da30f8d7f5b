"""gunicorn.conf.py (docs/deploy.md): sync workers, sizes from the environment, and an access
log that carries neither a query string nor a family link's token."""

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"


def load(monkeypatch, **env: str) -> dict:
    for name in ("MEDHOME_WEB_WORKERS", "MEDHOME_WEB_BIND", "MEDHOME_FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


@pytest.mark.parametrize(("cores", "workers"), [(1, 4), (2, 6), (4, 10), (32, 12)])
def test_workers_default_to_twice_the_cores_plus_two_capped(monkeypatch, cores, workers):
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    conf = load(monkeypatch)

    assert conf["workers"] == workers
    assert conf["worker_class"] == "sync"
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["timeout"] == 30
    assert conf["max_requests"] > 0 and conf["max_requests_jitter"] > 0


def test_the_environment_sets_workers_bind_and_the_proxy(monkeypatch):
    conf = load(
        monkeypatch,
        MEDHOME_WEB_WORKERS="8",
        MEDHOME_WEB_BIND="0.0.0.0:8000",
        MEDHOME_FORWARDED_ALLOW_IPS="10.0.0.2",
    )

    assert (conf["workers"], conf["bind"], conf["forwarded_allow_ips"]) == (
        8,
        ["0.0.0.0:8000"],
        "10.0.0.2",
    )


def test_the_access_log_has_no_query_string_and_no_link_token(monkeypatch):
    conf = load(monkeypatch)
    assert "%(r)s" not in conf["access_log_format"] and "%(q)s" not in conf["access_log_format"]
    logger = conf["RedactingLogger"](Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/f/Tok3nSecret/?name=Sofia",
        "PATH_INFO": "/f/Tok3nSecret/",
        "QUERY_STRING": "name=Sofia",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    request = SimpleNamespace(headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))

    line = conf["access_log_format"] % atoms

    assert "/f/[token]/" in line
    assert "Tok3nSecret" not in line and "Sofia" not in line


def test_a_worker_freezes_its_loaded_objects_once_after_its_first_requests(monkeypatch):
    conf = load(monkeypatch)
    frozen = []
    monkeypatch.setattr("gc.freeze", lambda: frozen.append(True))
    monkeypatch.setattr("gc.collect", lambda: 0)
    worker = SimpleNamespace()

    for _ in range(conf["FREEZE_AFTER_REQUESTS"] - 1):
        conf["post_request"](worker, None, {}, None)
    assert frozen == []
    conf["post_request"](worker, None, {}, None)
    assert frozen == [True]
    for _ in range(100):
        conf["post_request"](worker, None, {}, None)
    assert frozen == [True]
