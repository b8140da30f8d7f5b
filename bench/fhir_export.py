"""Benchmark: FHIR Bulk Data `$export` of a whole practice panel (issue 20: ≥ 5,000 resources/s
on 2 cores for a 100k-child panel).

    .venv/bin/python bench/fhir_export.py --children 100000 --db postgres
    .venv/bin/python bench/fhir_export.py --children 10000 --db sqlite

Makes a fresh database (bench/common.py), builds a one-practice synthetic panel with
medhome.synth.panel (children, caregivers, one year of visits and screens), registers a Backend
Services client with `system/*.rs` and the capabilities a reading service has, queues a
`Patient/$export` of every type the registry serves in the patient compartment and times the
worker's sweep (`medhome.fhir.export.run_pending`): the same code the worker runs, rows read
in chunks with each type's `prepare`, orjson, buffered writes, the per-child audit append.
Prints resources per type, the total, the seconds and resources/s. Synthetic data only; the
files go to a temporary directory removed at the end.
"""

import argparse
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from time import perf_counter, process_time

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402 - bench is no package
    analyze_and_describe,
    one_practice_panel,
    run_on_fresh_database,
)

DAY = date(2026, 11, 23)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-rows", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the export, stats to FILE")
    return parser.parse_args()


def backend_principal(practice):
    """A Backend Services client of the practice and the principal its token gives."""
    from django.utils import timezone
    from oauth2_provider.models import Application

    from medhome.accounts.roles import Capability
    from medhome.core.actor import Actor
    from medhome.smart.models import ClientKind, SmartClient
    from medhome.smart.principal import FhirPrincipal
    from medhome.smart.scopes import parse_scopes

    capabilities = sorted(
        value
        for name, value in vars(Capability).items()
        if name.isupper() and isinstance(value, str)
    )
    application = Application.objects.create(
        name="Bench health plan",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    SmartClient.objects.create(
        application=application,
        practice=practice,
        kind=ClientKind.BACKEND,
        name="Bench health plan",
        allowed_scopes="system/*.rs",
        capabilities=capabilities,
        created_at=timezone.now(),
    )
    actor = Actor(user=None, practice=practice, role="system", capabilities=frozenset(capabilities))
    return FhirPrincipal(
        actor=actor,
        kind="system",
        client_id=application.client_id,
        scopes=parse_scopes("system/*.rs"),
    )


def run(args: argparse.Namespace) -> None:
    from django.conf import settings

    from medhome.core import clock
    from medhome.fhir import export
    from medhome.fhir.models import ExportJob

    panel = one_practice_panel(args, "FHIR export bench", DAY)
    analyze_and_describe()
    from medhome.practices.models import Practice

    practice = Practice.objects.get(pk=panel.practice_ids[0])
    out = Path(tempfile.mkdtemp(prefix="medhome-fhir-export-"))
    settings.MEDHOME_FHIR_EXPORT = {
        **settings.MEDHOME_FHIR_EXPORT,
        "directory": str(out),
        "chunk_rows": args.chunk_rows,
    }
    try:
        principal = backend_principal(practice)
        job = export.create_job(
            principal=principal,
            level="patient",
            group_id="",
            types=export.default_types(principal),
            since=None,
            request_url="https://bench.invalid/fhir/Patient/$export",
            now=clock.now(),
        )
        started, cpu = perf_counter(), process_time()
        if args.profile:
            import cProfile

            cProfile.runctx(
                "export.run_pending(now=clock.now())", globals(), locals(), args.profile
            )
        else:
            export.run_pending(now=clock.now())
        seconds, cpu_seconds = perf_counter() - started, process_time() - cpu
        job = ExportJob.objects.get(pk=job.pk)
        total = sum(f["count"] for f in job.files)
        size = sum(p.stat().st_size for p in out.rglob("*.ndjson"))
        for entry in job.files:
            print(f"  {entry['type']:<24} {entry['count']:>10,}")
        print(
            f"Exported {total:,} resources ({size / 1e6:.0f} MB) in {seconds:.1f} s "
            f"({cpu_seconds:.1f} s CPU in the exporting process): "
            f"{total / seconds:,.0f} resources/s; status {job.status}"
        )
        print(f"load {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    run_on_fresh_database("fhirexport", parse_args(), run)
