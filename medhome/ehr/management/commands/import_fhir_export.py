"""`manage.py import_fhir_export <directory> --practice <id or name>`: import (or resume) a FHIR
Bulk Data export. A terminal sees a progress bar (done/total lines, rate, time left); anywhere
else (cron, a worker) the same figures are logged every 10 seconds. Counts only, never PHI."""

import time
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from medhome.core import clock
from medhome.core.actor import Actor
from medhome.core.progress import Progress, raw_stream
from medhome.ehr.bulk import IMPORT_ROLE, count_lines, export_files, import_export, latest_running
from medhome.practices.models import Practice

LOG_EVERY_SECONDS = 10.0


def find_practice(value: str) -> Practice:
    try:
        return Practice.objects.get(pk=uuid.UUID(value))
    except (ValueError, Practice.DoesNotExist):
        pass
    found = list(Practice.objects.filter(name=value)[:2])
    if len(found) != 1:
        raise CommandError("No single practice has that id or name.")
    return found[0]


class Command(BaseCommand):
    help = "Import (or resume) a FHIR Bulk Data export directory of NDJSON files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory")
        parser.add_argument("--practice", required=True, help="the practice's id or name")
        parser.add_argument("--batch-lines", type=int, default=5000)
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help=(
                "processes that validate the resources and, on PostgreSQL, recompute the "
                "schedule rows beside the last files (0: the importing one does both)"
            ),
        )

    def handle(
        self,
        *args: Any,
        directory: str,
        practice: str,
        batch_lines: int,
        workers: int,
        **options: Any,
    ):
        path = Path(directory)
        if not path.is_dir() or not export_files(path):
            raise CommandError("The directory holds no NDJSON files.")
        chosen = find_practice(practice)
        running = latest_running(chosen, path.name)
        done = sum(int(n) for n in running.checkpoint.values()) if running else 0
        if running:
            self.stdout.write(f"Resuming import {running.pk} after {done} lines.")
        progress = Progress(
            "FHIR import",
            total=count_lines(path),
            unit="lines",
            stream=raw_stream(self.stderr),
            log_every=LOG_EVERY_SECONDS,
            initial=done,
        )
        actor = Actor(user=None, practice=chosen, role=IMPORT_ROLE)
        started = time.monotonic()
        try:
            result = import_export(
                practice=chosen,
                directory=path,
                actor=actor,
                at=clock.now(),
                batch_lines=batch_lines,
                progress=progress,
                now=clock.now,
                workers=workers,
            )
        finally:
            progress.close()
        seconds = time.monotonic() - started
        self.stdout.write(summary(result.counts, seconds=seconds))


def summary(counts: dict[str, Any], *, seconds: float) -> str:
    lines = [
        f"Imported {counts['imported']}, updated {counts['updated']}, "
        f"unchanged {counts['unchanged']}, withdrawn {counts.get('withdrawn', 0)} "
        f"in {seconds:.1f} s."
    ]
    refused = counts.get("refused") or {}
    lines.append(f"Refused {sum(refused.values())}" + (":" if refused else "."))
    lines += [f"  {reason}: {n}" for reason, n in sorted(refused.items())]
    for title, key in (("Skipped", "skipped"), ("Unknown resource types", "skipped_types")):
        for name, n in sorted((counts.get(key) or {}).items()):
            lines.append(f"{title}: {name}: {n}")
    return "\n".join(lines)
