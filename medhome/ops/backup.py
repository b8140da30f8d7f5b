"""Backups and the restore drill (issue 21, part 3).

A backup is one file and its manifest beside it (PATH + ".json"): on PostgreSQL `pg_dump
--format=custom`, on SQLite a copy by SQLite's online backup API. The manifest is read from the
same state the backup holds — on PostgreSQL in the transaction whose snapshot pg_dump is given, on
SQLite from the copy itself — so its row counts and audit chain heads are the backup's, even while
the app writes. A restore goes only into an empty database and is then verified: the row count of
every table medhome owns, every practice's audit chain (from its retention anchor once old months
were dropped: audit.partitions), and each chain's head against the manifest's. Both files hold
every child's record: owner-only on disk, and the operator stores them encrypted (README,
"Running it for real").
"""

import copy
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.utils import load_backend

from medhome.audit.models import AuditChainHead
from medhome.audit.services import verify_chain
from medhome.practices.models import Practice

MANIFEST_FORMAT = 1
OWNER_ONLY = 0o600


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (no PHI in it)."""


class RestoreRefused(BackupError):
    """The target database already holds medhome's data: a restore never overwrites it."""


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


# --- What medhome owns -----------------------------------------------------------------------


def owned_tables() -> list[str]:
    """The tables of medhome's own models: concrete, managed, not proxies (the SQL views that
    some apps read through unmanaged models are the database's, rebuilt by migrations), with the
    many-to-many tables Django creates for them."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config.name.startswith("medhome.")
        and model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
    }
    return sorted(tables)


def inventory(alias: str) -> dict[str, Any]:
    """What a database holds, as the manifest records it: latest migration per app, rows per
    owned table (None for a table it lacks) and each practice's audit chain head."""
    connection = connections[alias]
    present = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    counts: dict[str, int | None] = {}
    with connection.cursor() as cursor:
        for table in owned_tables():
            if table not in present:
                counts[table] = None
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - model tables
            counts[table] = int(cursor.fetchone()[0])
        migrations: dict[str, str] = {}
        if "django_migrations" in present:
            cursor.execute("SELECT app, name FROM django_migrations")
            for app, name in cursor.fetchall():
                migrations[app] = max(migrations.get(app, ""), name)
    heads = {
        str(practice_id): {"sequence": sequence, "hash": digest}
        for practice_id, sequence, digest in AuditChainHead.objects.using(alias)
        .order_by("practice_id")
        .values_list("practice_id", "sequence", "hash")
    }
    return {"migrations": dict(sorted(migrations.items())), "row_counts": counts, "heads": heads}


# --- Databases by settings -------------------------------------------------------------------


def database_settings(url: str | None = None, *, alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """A complete DATABASES entry: the configured one, or the one a DATABASE_URL names (with the
    configured entry's options when the engine is the same, never its connection pool)."""
    base = copy.deepcopy(connections[alias].settings_dict)
    # One connection for one restore: a pool would outlive the alias that opened it.
    base["OPTIONS"].pop("pool", None)
    if url is None:
        return base
    parsed = dj_database_url.parse(url)
    options = base["OPTIONS"] if parsed["ENGINE"] == base["ENGINE"] else {}
    base.update({key: parsed.get(key) or "" for key in ("ENGINE", "NAME", "USER", "PASSWORD")})
    base.update(HOST=parsed.get("HOST") or "", PORT=str(parsed.get("PORT") or ""))
    base["OPTIONS"] = {**options, **parsed.get("OPTIONS", {})}
    return base


@contextmanager
def database_alias(settings_dict: dict[str, Any]) -> Iterator[str]:
    """A connection alias to another database for the block, closed and forgotten after it."""
    alias = f"ops_{uuid.uuid4().hex[:12]}"
    # Held by this thread only, not added to DATABASES: no other code (nor a test's database
    # guard) sees an alias that lives for one backup.
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        copy.deepcopy(settings_dict), alias
    )
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def vendor_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


def _sqlite_file(settings_dict: dict[str, Any]) -> dict[str, Any]:
    """Plain settings to read a SQLite file: none of the app's pragmas (WAL would add files
    beside a backup)."""
    return {**copy.deepcopy(settings_dict), "OPTIONS": {}}


def _pg_command(program: str, settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The client program's connection arguments and environment (the password never on the
    command line, where `ps` shows it)."""
    arguments = [shutil.which(program) or program]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{flag}={settings_dict[key]}")
    arguments.append(f"--dbname={settings_dict['NAME']}")
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return arguments, env


# PostgreSQL's DETAIL and CONTEXT lines may quote a row (a duplicate key, a COPY line): a
# child's name or MRN must not reach an operator's terminal or a log through an error.
QUOTES_ROWS = ("DETAIL:", "CONTEXT:")


def run_client(arguments: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        program = Path(arguments[0]).name
        said = [
            line.strip()
            for line in result.stderr.splitlines()
            if line.strip() and not line.strip().startswith(QUOTES_ROWS)
        ]
        raise BackupError(f"{program} failed (exit {result.returncode}): {' '.join(said[:3])}")


def _create_owner_only(path: Path) -> None:
    """An empty file only its owner may read; an existing file is never overwritten."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        raise BackupError(f"{path} already exists; choose a new name") from None
    except OSError as error:
        raise BackupError(f"cannot write {path}: {error.strerror}") from None
    os.close(descriptor)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Backup ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]


def take_backup(to: Path | str, *, at: datetime, alias: str = DEFAULT_DB_ALIAS) -> Backup:
    """Back the database up to `to` and write its manifest beside it, both owner-only; `at` is
    when the backup was taken, as the manifest records it."""
    path = Path(to)
    settings_dict = connections[alias].settings_dict
    vendor = vendor_of(settings_dict)
    manifest_file = manifest_path(path)
    if manifest_file.exists():
        raise BackupError(f"{manifest_file} already exists; choose a new name")
    _create_owner_only(path)
    try:
        if vendor == "postgresql":
            state = _pg_dump(path, alias)
        else:
            state = _sqlite_backup(path, settings_dict)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": at.isoformat(),
        "vendor": vendor,
        "backup_file": path.name,
        "sha256": _sha256(path),
        **state,
    }
    _create_owner_only(manifest_file)
    manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Backup(path=path, manifest=manifest)


def _pg_dump(path: Path, alias: str) -> dict[str, Any]:
    """pg_dump given this transaction's snapshot, so the dump and the manifest read one state."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("a backup needs its own transaction; run it outside one")
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        arguments, env = _pg_command("pg_dump", connection.settings_dict)
        run_client([*arguments, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"], env)
        return inventory(alias)


def _sqlite_backup(path: Path, settings_dict: dict[str, Any]) -> dict[str, Any]:
    """SQLite's online backup: the whole copy in one step is one read transaction, a consistent
    state that writers (WAL) are not blocked by; the copy is then one self-contained file."""
    name = str(settings_dict["NAME"])
    uri = name.startswith("file:")
    if not uri and not Path(name).is_file():  # sqlite3 would create an empty one and copy that
        raise BackupError(f"no database file at {name}")
    with (
        closing(sqlite3.connect(name, uri=uri, timeout=20)) as source,
        closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    with database_alias(_sqlite_file({**settings_dict, "NAME": str(path)})) as copy_alias:
        return inventory(copy_alias)


# --- Restore and verify ----------------------------------------------------------------------


@dataclass
class VerifyResult:
    """What a restored database holds compared with its manifest; `ok` when all of it matches."""

    tables_checked: int = 0
    practices_checked: int = 0
    count_mismatches: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    broken_chains: dict[str, list[int]] = field(default_factory=dict)
    head_mismatches: list[tuple[str, dict | None, dict | None]] = field(default_factory=list)
    migration_mismatches: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.count_mismatches
            or self.broken_chains
            or self.head_mismatches
            or self.migration_mismatches
        )

    def report(self) -> list[str]:
        lines = [
            f"row counts: {self.tables_checked - len(self.count_mismatches)} of "
            f"{self.tables_checked} tables as in the manifest",
            f"audit chains: {self.practices_checked - len(self.broken_chains)} of "
            f"{self.practices_checked} practices verify",
        ]
        lines += [
            f"  MISMATCH {table}: manifest {expected}, restored {found}"
            for table, expected, found in self.count_mismatches
        ]
        lines += [
            f"  BROKEN chain of practice {practice} at sequence {', '.join(map(str, seqs[:10]))}"
            for practice, seqs in self.broken_chains.items()
        ]
        lines += [
            f"  HEAD of practice {practice}: manifest {_head(expected)}, restored {_head(found)}"
            for practice, expected, found in self.head_mismatches
        ]
        lines += [
            f"  MIGRATION {app}: manifest {expected}, restored {found}"
            for app, expected, found in self.migration_mismatches
        ]
        lines.append("restore verified" if self.ok else "restore does NOT match its backup")
        return lines


def _head(head: dict | None) -> str:
    return f"#{head['sequence']} {head['hash'][:12]}" if head else "none"


def read_manifest(backup: Path | str) -> dict[str, Any]:
    manifest_file = manifest_path(Path(backup))
    try:
        manifest = json.loads(manifest_file.read_text())
    except FileNotFoundError:
        raise BackupError(f"no manifest beside the backup ({manifest_file})") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"the manifest {manifest_file} is not JSON: {error}") from None
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"the manifest's format is {manifest.get('format')!r}, not 1")
    return manifest


def refuse_unless_empty(alias: str) -> None:
    """Refuse a target that holds medhome's rows (a live database) — or, on PostgreSQL, any of
    its tables: pg_restore builds the schema itself, into a database fresh from createdb."""
    connection = connections[alias]
    present = set(connection.introspection.table_names()) & set(owned_tables())
    if not present:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        holding = 0
        for table in sorted(present):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608
            holding += bool(cursor.fetchone()[0])
    if holding:
        raise RestoreRefused(
            f"the target database already holds medhome data ({holding} tables with rows); "
            "a restore never overwrites a database: restore into an empty one"
        )
    if connection.vendor == "postgresql":
        raise RestoreRefused(
            f"the target database already has medhome's tables ({len(present)}); "
            "restore into a database fresh from createdb"
        )


def restore_backup(source: Path | str, *, into: dict[str, Any] | None = None) -> VerifyResult:
    """Restore the backup into the empty database `into` (the configured one by default), then
    verify it against the manifest."""
    path = Path(source)
    manifest = read_manifest(path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    target = into if into is not None else database_settings()
    vendor = vendor_of(target)
    if manifest["vendor"] != vendor:
        raise BackupError(f"a {manifest['vendor']} backup cannot be restored into {vendor}")
    if _sha256(path) != manifest["sha256"]:
        raise BackupError("the backup file's checksum is not the manifest's: it has changed")
    if vendor == "sqlite":
        target = _sqlite_file(target)
    with database_alias(target) as alias:
        try:
            refuse_unless_empty(alias)
        except DatabaseError as error:
            raise BackupError(f"cannot read the target database: {error}") from None
        connections[alias].close()
        if vendor == "postgresql":
            arguments, env = _pg_command("pg_restore", target)
            run_client(
                [*arguments, "--no-owner", "--exit-on-error", "--single-transaction", str(path)],
                env,
            )
        else:
            with (
                closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as backup,
                closing(sqlite3.connect(target["NAME"], timeout=20)) as restored,
            ):
                backup.backup(restored)
        # A connection opened before the restore would not see the restored schema.
        for connection in connections.all(initialized_only=True):
            if connection.settings_dict["NAME"] == target["NAME"]:
                connection.close()
        return verify_restore(manifest, alias)


def verify_restore(manifest: dict[str, Any], alias: str) -> VerifyResult:
    """Compare the database behind `alias` with the manifest of the backup restored into it."""
    restored = inventory(alias)
    result = VerifyResult()
    expected_counts: dict[str, int | None] = manifest["row_counts"]
    found_counts: dict[str, int | None] = restored["row_counts"]
    tables = sorted(set(expected_counts) | set(found_counts))
    result.tables_checked = len(tables)
    result.count_mismatches = [
        (table, expected_counts.get(table), found_counts.get(table))
        for table in tables
        if expected_counts.get(table) != found_counts.get(table)
    ]
    for practice in Practice.objects.using(alias).order_by("pk"):
        result.practices_checked += 1
        if broken := verify_chain(practice, using=alias):
            result.broken_chains[str(practice.pk)] = broken
    for practice_id in sorted(set(manifest["heads"]) | set(restored["heads"])):
        expected, found = manifest["heads"].get(practice_id), restored["heads"].get(practice_id)
        if expected != found:
            result.head_mismatches.append((practice_id, expected, found))
    for app in sorted(set(manifest["migrations"]) | set(restored["migrations"])):
        expected_name = manifest["migrations"].get(app)
        found_name = restored["migrations"].get(app)
        if expected_name != found_name:
            result.migration_mismatches.append((app, expected_name, found_name))
    return result
