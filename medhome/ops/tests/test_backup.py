"""The restore drill, run for real on the configured engine: a scratch database of our own (a file
on SQLite; a database created and dropped on PostgreSQL, because pg_dump runs in another process
and cannot see the test's transaction), filled through the project's services, backed up,
restored into an empty database and verified — and a tampered restore or a non-empty target
caught."""

import json
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend
from django.test import override_settings
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import Action
from medhome.audit.partitions import drop_expired, ensure_partitions
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.ops.backup import (
    BackupError,
    RestoreRefused,
    database_alias,
    database_settings,
    read_manifest,
    restore_backup,
    run_client,
    take_backup,
    verify_restore,
)
from tests import factories

pytestmark = pytest.mark.django_db


# --- Scratch databases ------------------------------------------------------------------------


def _admin(settings_dict: dict[str, Any]) -> psycopg.Connection:
    return psycopg.connect(
        dbname="postgres",
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture(scope="session")
def migrated_template(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """An empty migrated medhome database to copy: the test database as migrations left it,
    copied before any test of this module writes (a file, or a PostgreSQL template)."""
    with django_db_blocker.unblock():
        test_db = connections[DEFAULT_DB_ALIAS]
        name = str(test_db.settings_dict["NAME"])
        if test_db.vendor == "sqlite":
            path = tmp_path_factory.mktemp("drill") / "template.sqlite3"
            with (
                closing(sqlite3.connect(name, uri=name.startswith("file:"))) as source,
                closing(sqlite3.connect(path)) as template,
            ):
                source.backup(template)
            yield str(path)
            return
        template_name = f"{name}_drill_template"
        test_db.close()  # a template cannot be copied while someone is connected to it
        with _admin(test_db.settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template_name}"')
            admin.execute(f'CREATE DATABASE "{template_name}" TEMPLATE "{name}"')
        try:
            yield template_name
        finally:
            with _admin(test_db.settings_dict) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{template_name}" WITH (FORCE)')


@pytest.fixture
def scratch(migrated_template, tmp_path) -> Iterator[Any]:
    """`scratch(label, migrated=True)`: a database's settings, migrated or empty, dropped after."""
    base = database_settings()
    created: list[str] = []

    def make(label: str, *, migrated: bool = True) -> dict[str, Any]:
        if base["ENGINE"].endswith("sqlite3"):
            path = tmp_path / f"{label}.sqlite3"
            if migrated:
                with (
                    closing(sqlite3.connect(migrated_template)) as template,
                    closing(sqlite3.connect(path)) as target,
                ):
                    template.backup(target)
            return {**base, "NAME": str(path)}
        name = f"{base['NAME']}_drill_{label}"
        template = f'"{migrated_template}"' if migrated else "template0"
        with _admin(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE {template}')
        created.append(name)
        return {**base, "NAME": name}

    try:
        yield make
    finally:
        if created:
            with _admin(base) as admin:
                for name in created:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def as_default(settings_dict: dict[str, Any]) -> Iterator[None]:
    """The project's services write to the default database: point it at the scratch database
    for the block (autocommit, outside the test's transaction, so pg_dump sees the rows)."""
    original = connections[DEFAULT_DB_ALIAS]
    swapped = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = swapped
    try:
        yield
    finally:
        swapped.close()
        connections[DEFAULT_DB_ALIAS] = original


def populate(settings_dict: dict[str, Any]) -> None:
    """Two practices with a family each and audit events, through the project's services."""
    with as_default(settings_dict):
        network = factories.make_network()
        for name, mrn in (
            ("Harborview Family Pediatrics", "HV-1"),
            ("Riverbend Pediatrics", "RB-2"),
        ):
            practice = factories.make_practice(name, network=network)
            family, child, _ = factories.register(practice, child=factories.child_values(mrn=mrn))
            factories.add_child(family, legal_given_name="Mateo", mrn=f"{mrn}-b")
            clinician = factories.make_staff(
                f"clin-{mrn}", practice, Role.PEDIATRICIAN, first_name="Ana", last_name="Ruiz"
            )
            actor = factories.actor_for(clinician, practice, Role.PEDIATRICIAN)
            for _ in range(3):
                record(
                    actor=actor,
                    action=Action.VIEW,
                    object_type="child",
                    object_id=child.pk,
                    at=timezone.now(),
                )


@contextmanager
def raw_sql(settings_dict: dict[str, Any]) -> Iterator[Any]:
    """A plain connection to a restored copy, as someone tampering with it would use: the audit
    trail's append-only triggers switched off."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(settings_dict["NAME"])) as conn:
            conn.execute("DROP TRIGGER audit_auditevent_no_update")
            conn.execute("DROP TRIGGER audit_auditevent_no_delete")
            yield conn
            conn.commit()
        return
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        autocommit=True,
    ) as conn:
        conn.execute("SET session_replication_role = replica")  # no trigger, no foreign key
        yield conn


@pytest.fixture
def backed_up(scratch, tmp_path) -> tuple[Path, dict[str, Any]]:
    source = scratch("source")
    populate(source)
    with database_alias(source) as alias:
        backup = take_backup(tmp_path / "medhome.backup", alias=alias, at=timezone.now())
    return backup.path, source


# --- The drill --------------------------------------------------------------------------------


def test_backup_writes_an_owner_only_file_and_a_manifest_of_what_it_holds(backed_up):
    path, _ = backed_up
    manifest = read_manifest(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(f"{path}.json").stat().st_mode) == 0o600
    assert manifest["vendor"] == connections[DEFAULT_DB_ALIAS].vendor
    assert manifest["created_at"].startswith(str(timezone.now().year))
    counts = manifest["row_counts"]
    assert counts["practices_practice"] == 2 and counts["families_child"] == 4
    assert counts["audit_auditevent"] == sum(h["sequence"] for h in manifest["heads"].values())
    assert len(manifest["heads"]) == 2 and all(
        h["sequence"] > 3 for h in manifest["heads"].values()
    )
    assert manifest["migrations"]["audit"] == "0004_partition_by_month"
    assert "fhir_observation_row" not in counts  # an unmanaged SQL view is not a table to count


def test_restore_into_an_empty_database_verifies_counts_and_chain_heads(backed_up, scratch):
    path, _ = backed_up
    target = scratch("target", migrated=False)
    result = restore_backup(path, into=target)
    assert result.ok, result.report()
    assert result.practices_checked == 2 and result.tables_checked > 100
    assert result.report()[-1] == "restore verified"
    with database_alias(target) as alias:
        assert connections[alias].introspection.table_names()  # really restored there


def test_a_deleted_row_in_the_restore_is_reported(backed_up, scratch):
    path, _ = backed_up
    target = scratch("target", migrated=False)
    assert restore_backup(path, into=target).ok
    with raw_sql(target) as conn:
        conn.execute(
            "DELETE FROM families_caregiver "
            "WHERE id IN (SELECT id FROM families_caregiver ORDER BY id LIMIT 1)"
        )
        conn.execute("DELETE FROM audit_auditevent WHERE sequence = 2")
    with database_alias(target) as alias:
        result = verify_restore(read_manifest(path), alias)
    assert not result.ok
    assert ("families_caregiver", 2, 1) in result.count_mismatches
    assert any(table == "audit_auditevent" for table, _, _ in result.count_mismatches)
    assert len(result.broken_chains) == 2 and all(s == [3] for s in result.broken_chains.values())
    assert result.head_mismatches == []  # the heads were not touched, their chains were


def test_an_edited_audit_hash_or_head_in_the_restore_is_reported(backed_up, scratch):
    path, _ = backed_up
    target = scratch("target", migrated=False)
    assert restore_backup(path, into=target).ok
    manifest = read_manifest(path)
    first, second = sorted(manifest["heads"])
    with raw_sql(target) as conn:
        conn.execute(
            f"UPDATE audit_auditevent SET hash = '{'f' * 64}' "  # noqa: S608 - constants
            f"WHERE sequence = 1 AND practice_id = '{_stored(first, target)}'"
        )
        conn.execute(
            f"UPDATE audit_auditchainhead SET hash = '{'0' * 64}' "  # noqa: S608 - constants
            f"WHERE practice_id = '{_stored(second, target)}'"
        )
    with database_alias(target) as alias:
        result = verify_restore(manifest, alias)
    assert result.count_mismatches == []
    assert result.broken_chains[first] == [1, 2]  # the edited row and the next one's link
    assert [practice for practice, _, _ in result.head_mismatches] == [second]
    assert any(line.startswith("  HEAD of practice") for line in result.report())


def test_restore_refuses_a_database_that_holds_data_and_leaves_it_untouched(backed_up):
    path, source = backed_up
    with database_alias(source) as alias:
        before = connections[alias].cursor().execute("SELECT COUNT(*) FROM audit_auditevent")
        events_before = before.fetchone()[0]
    with pytest.raises(RestoreRefused, match="already holds medhome data"):
        restore_backup(path, into=source)
    with database_alias(source) as alias:
        after = connections[alias].cursor().execute("SELECT COUNT(*) FROM audit_auditevent")
        assert after.fetchone()[0] == events_before


def test_a_migrated_but_empty_target_is_replaced_on_sqlite_and_refused_on_postgresql(
    backed_up, scratch
):
    """pg_restore builds the schema itself and would fail on an existing one; SQLite's copy
    replaces the whole file, which holds no row to lose."""
    path, _ = backed_up
    target = scratch("schema_only", migrated=True)
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        assert restore_backup(path, into=target).ok
    else:
        with pytest.raises(RestoreRefused, match="fresh from createdb"):
            restore_backup(path, into=target)


def test_the_commands_run_the_drill_and_exit_non_zero_on_a_refusal(
    backed_up, scratch, tmp_path, capsys
):
    path, source = backed_up
    by_command = tmp_path / "by-command.backup"
    with database_alias(source) as alias:
        call_command("backup", "--to", str(by_command), "--database", alias)
    assert "2 audit chains" in capsys.readouterr().out
    call_command(
        "restore", "--from", str(by_command), "--into-url", _url(scratch("target", migrated=False))
    )
    assert "restore verified" in capsys.readouterr().out
    with pytest.raises(CommandError, match="never overwrites"):
        call_command("restore", "--from", str(path), "--into-url", _url(source))
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--to", str(path))


def test_a_changed_backup_file_or_missing_manifest_is_refused(backed_up, scratch):
    path, _ = backed_up
    target = scratch("target", migrated=False)
    manifest_file = Path(f"{path}.json")
    manifest = json.loads(manifest_file.read_text())
    manifest_file.write_text(json.dumps({**manifest, "sha256": "0" * 64}))
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(path, into=target)
    manifest_file.unlink()
    with pytest.raises(BackupError, match="no manifest"):
        restore_backup(path, into=target)


def test_a_backup_taken_while_a_write_is_open_holds_the_committed_state(scratch, tmp_path):
    source = scratch("source")
    populate(source)
    with database_alias(source) as alias, as_default(source), transaction.atomic():
        factories.make_network("Not yet committed")
        backup = take_backup(tmp_path / "during.backup", alias=alias, at=timezone.now())
    assert backup.manifest["row_counts"]["practices_network"] == 1
    target = scratch("target", migrated=False)
    assert restore_backup(backup.path, into=target).ok


def test_a_failing_client_program_is_reported_without_the_rows_it_quotes(tmp_path):
    script = tmp_path / "pg_restore"
    script.write_text(
        "#!/bin/sh\necho 'pg_restore: error: COPY failed for table \"families_child\"' >&2\n"
        "echo 'DETAIL:  Key (mrn)=(SG-100234) already exists.' >&2\n"
        "echo 'CONTEXT:  COPY families_child, line 1: \"Sofía García\"' >&2\nexit 1\n"
    )
    script.chmod(0o700)
    with pytest.raises(BackupError) as refused:
        run_client([str(script)], {})
    message = str(refused.value)
    assert "COPY failed" in message and "exit 1" in message
    assert "SG-100234" not in message and "Sofía" not in message


def test_a_backup_into_a_missing_directory_says_so(tmp_path):
    with pytest.raises(BackupError, match="cannot write"):
        take_backup(tmp_path / "no such directory" / "medhome.backup", at=timezone.now())


def test_a_missing_sqlite_file_is_not_backed_up_as_an_empty_database(tmp_path):
    missing = {
        **database_settings(),
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "typo.sqlite3"),
        "OPTIONS": {},
    }
    with database_alias(missing) as alias, pytest.raises(BackupError, match="no database file"):
        take_backup(tmp_path / "medhome.backup", alias=alias, at=timezone.now())
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _url(settings_dict: dict[str, Any]) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict["USER"] or "postgres"
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def _stored(practice_id: str, settings_dict: dict[str, Any]) -> str:
    """A practice's id as the engine stores it (SQLite: 32 hex digits, no dashes)."""
    return (
        practice_id.replace("-", "") if settings_dict["ENGINE"].endswith("sqlite3") else practice_id
    )


def test_a_trail_whose_old_months_were_dropped_restores_and_verifies_from_its_anchors(
    scratch, tmp_path
):
    """Retention on the source (PostgreSQL drops the old months; SQLite keeps every event), then
    the drill: the restored chains verify from the anchors the backup carries."""
    source = scratch("source")
    old = [datetime(2018, 1, 10, tzinfo=UTC), datetime(2018, 2, 10, tzinfo=UTC)]
    with as_default(source):
        practice = factories.make_practice("Harborview Family Pediatrics")
        actor = Actor(user=None, practice=practice, role="system")
        for at in [*old, timezone.now()]:
            record(actor=actor, action=Action.VIEW, object_type="child", object_id=1, at=at)
        with override_settings(MEDHOME_AUDIT={"retention_months": 72}):
            ensure_partitions(now=timezone.now())
            dropped = drop_expired(now=timezone.now())
    postgresql = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    assert dropped == (2 if postgresql else 0)
    with database_alias(source) as alias:
        backup = take_backup(tmp_path / "medhome.backup", alias=alias, at=timezone.now())
    assert backup.manifest["row_counts"]["audit_auditchainanchor"] == (1 if postgresql else 0)
    # Three events; on PostgreSQL the two old ones gone and one event per dropped month added.
    assert backup.manifest["row_counts"]["audit_auditevent"] == 3
    assert backup.manifest["heads"][str(practice.pk)]["sequence"] == (5 if postgresql else 3)
    result = restore_backup(backup.path, into=scratch("target", migrated=False))
    assert result.ok, result.report()
    assert result.practices_checked == 1 and result.broken_chains == {}


# --- Sealed backups (ops.sealed: gpg) ------------------------------------------------------------


def _gpg(*arguments: str) -> str:
    done = subprocess.run(["gpg", "--batch", *arguments], capture_output=True, check=True)  # noqa: S603,S607
    return done.stdout.decode()


@pytest.fixture
def backup_key(tmp_path, monkeypatch) -> Iterator[str]:
    """A throwaway OpenPGP key (Ed25519 to certify, Curve25519 to encrypt) in a keyring of the
    test's own; its fingerprint."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    _gpg(
        "--passphrase", "", "--quick-gen-key", "medhome drill <b@drill.invalid>", "ed25519", "cert"
    )
    fingerprint = next(
        line.split(":")[9]
        for line in _gpg("--with-colons", "--list-keys").splitlines()
        if line.startswith("fpr:")
    )
    _gpg("--passphrase", "", "--quick-add-key", fingerprint, "cv25519", "encr")
    try:
        yield fingerprint
    finally:
        # This keyring's agent, even when the test pointed GNUPGHOME elsewhere.
        subprocess.run(  # noqa: S603
            ["gpgconf", "--kill", "gpg-agent"],  # noqa: S607
            env={**os.environ, "GNUPGHOME": str(home)},
            check=False,
            capture_output=True,
        )


def test_a_sealed_backup_leaves_nothing_in_the_clear_and_restores_with_its_key(
    backed_up, scratch, tmp_path, backup_key, capsys, monkeypatch
):
    _, source = backed_up
    path = tmp_path / "sealed.backup"
    with database_alias(source) as alias:
        call_command("backup", "--to", str(path), "--database", alias, "--encrypt-to", backup_key)
    assert f"sealed to {backup_key}" in capsys.readouterr().out
    sealed = [tmp_path / "sealed.backup.gpg", tmp_path / "sealed.backup.json.gpg"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("sealed")) == sorted(
        p.name for p in sealed
    )
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in sealed)
    assert not any(
        b"Harborview" in p.read_bytes() or b"row_counts" in p.read_bytes() for p in sealed
    )

    call_command(
        "restore", "--from", str(sealed[0]), "--into-url", _url(scratch("target", migrated=False))
    )
    assert "restore verified" in capsys.readouterr().out

    # Without the private key (another user's keyring) nothing is restored.
    other = tmp_path / "other-gnupg"
    other.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(other))
    with pytest.raises(CommandError, match="gpg failed"):
        call_command(
            "restore", "--from", str(sealed[0]), "--into-url", _url(scratch("t2", migrated=False))
        )


def test_sealing_to_an_unknown_key_fails_and_leaves_no_clear_file(backed_up, tmp_path, backup_key):
    _, source = backed_up
    path = tmp_path / "unknown.backup"
    with database_alias(source) as alias, pytest.raises(CommandError, match="gpg failed"):
        call_command("backup", "--to", str(path), "--database", alias, "--encrypt-to", "nobody@x")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("unknown")]
    with database_alias(source) as alias:
        call_command("backup", "--to", str(path), "--database", alias, "--encrypt-to", backup_key)
    with database_alias(source) as alias, pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--to", str(path), "--database", alias, "--encrypt-to", backup_key)
