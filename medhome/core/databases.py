"""The settings' databases (medhome/settings.py DATABASES): SQLite under var/ unless
DATABASE_URL names PostgreSQL, and a PostgreSQL streaming read replica when MEDHOME_REPLICA_URL
names one (medhome.core.replica routes the measures' reads to it while it keeps up).

SQLite settings measured in shared/docs/dependencies.md: WAL + IMMEDIATE transactions lose no
writes under contention; synchronous=FULL so a committed consent or screening survives a power
loss.
"""

import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPLICA = "replica"


def sqlite_options() -> dict[str, Any]:
    pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"
    # SQLite's page cache is 2 MB per connection unless set: a deployment (or a 1M-children
    # bench) with memory to spare gives it more, in MB.
    if cache_mb := int(os.environ.get("MEDHOME_SQLITE_CACHE_MB", "0")):
        pragmas += f"; PRAGMA cache_size=-{cache_mb * 1024}"
    return {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": pragmas}


def _from_url(url: str, *, env: str) -> dict[str, Any]:
    database: dict[str, Any] = dict(dj_database_url.parse(url))
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = sqlite_options()
        return database
    # PostgreSQL's JIT compiles each measure query for seconds and saves less than that
    # (docs/benchmarks.md, "Measures"); MEDHOME_PG_JIT=on puts it back.
    options = database.setdefault("OPTIONS", {})
    server = [] if os.environ.get("MEDHOME_PG_JIT", "off") == "on" else ["-c jit=off"]
    if work_mem := os.environ.get("MEDHOME_PG_WORK_MEM", ""):
        server.append(f"-c work_mem={_memory(work_mem, 'MEDHOME_PG_WORK_MEM')}")
    if server:
        options["options"] = " ".join(server)
    if env != "test":
        options["pool"] = True
    return database


# "64MB", "1GB", "512kB": PostgreSQL's own memory units, nothing else (the value goes into the
# connection's server options).
MEMORY = re.compile(r"[1-9][0-9]{0,6}(kB|MB|GB)")


def _memory(value: str, name: str) -> str:
    """A process's memory for each sort or hash of its queries (PostgreSQL's work_mem). The
    worker, which computes the measures, is given more than the web processes: at 1M children
    the default 4 MB made the social-needs and well-child queries spill to disk, twice as slow
    (docs/benchmarks.md, "Measures engine against hand-written SQL", third pass)."""
    if not MEMORY.fullmatch(value.strip()):
        raise ImproperlyConfigured(
            f"{name} must be a size in PostgreSQL's units, such as 64MB (got {value!r})."
        )
    return value.strip()


def databases(*, env: str, sqlite_path: Path) -> dict[str, dict[str, Any]]:
    if url := os.environ.get("DATABASE_URL"):
        found = {"default": _from_url(url, env=env)}
    else:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        found = {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(sqlite_path),
                "OPTIONS": sqlite_options(),
            }
        }
    if replica_url := os.environ.get("MEDHOME_REPLICA_URL"):
        if found["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured(
                "MEDHOME_REPLICA_URL needs PostgreSQL: DATABASE_URL must name the primary."
            )
        replica = _from_url(replica_url, env=env)
        # Tests read "the replica" from the primary's own test database.
        replica["TEST"] = {"MIRROR": "default"}
        found[REPLICA] = replica
    return found
