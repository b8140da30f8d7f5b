"""Browser tests: the demo served by a real server, driven in Debian's Chromium.

They run apart from the suite (`make e2e`, and in .ci/run) because they start their own server on
a fresh SQLite file loaded with the demo network: the audit trail's triggers forbid the row
deletions that pytest-django's live_server would need between tests.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MEDHOME_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory) -> dict[str, str]:
    """The demo server's environment: a test may run a management command on its database
    (the worker's sweeps, which the server does not run)."""
    env = {
        **os.environ,
        "MEDHOME_ENV": "demo",
        "MEDHOME_SQLITE_PATH": str(tmp_path_factory.mktemp("e2e") / "demo.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    return env


@pytest.fixture(scope="session")
def demo_url(demo_env) -> Iterator[str]:
    env = demo_env
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
