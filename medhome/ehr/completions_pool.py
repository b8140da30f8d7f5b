"""The schedule rows of an import's children, recomputed beside the import in other processes.

Recomputing every child's EHR completions is about a sixth of a first import's time, all of it
in the importing process after the last file (docs/benchmarks.md, "EHR import"). The rows they
read are final once the last file a completion reads is in (the files after it — coverage,
conditions, allergies, medications — complete nothing), so `Beside` hands the children to
spawned Django processes then and the importer goes on with those files; whatever is left when
it ends, it waits for. Each chunk of children is one transaction in its process, exactly what
`completions.refresh_completions` does in the importer.

Spawned processes see only committed rows, each on its own connection to the same database: so
this is used only on PostgreSQL and outside a caller's transaction (a test's, or any other);
elsewhere the importer recomputes the rows itself (`run_here`)."""

import multiprocessing
import os
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from medhome.practices.models import Practice

from . import completions, spawned

CHUNK = 2000  # children per transaction


def chunks(child_ids: set[Any]) -> list[list[Any]]:
    ordered = sorted(child_ids)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def run_here(*, practice: Practice, child_ids: set[Any], at: datetime) -> None:
    for chunk in chunks(child_ids):
        with transaction.atomic():
            completions.refresh_completions(practice=practice, child_ids=chunk, at=at)


def can_run_beside() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class Beside:
    """A context manager: `start` the recomputation in `processes` spawned processes; the end
    of the block waits for it (and raises what a process raised: the run then stays running,
    and resuming it recomputes every child)."""

    def __init__(self, processes: int):
        self.processes = processes
        self.pool: Any = None
        self.pending: Any = None

    def __enter__(self) -> "Beside":
        return self

    def start(self, *, practice: Practice, child_ids: set[Any], at: datetime) -> None:
        parts = chunks(child_ids)
        if not parts:
            return
        self.pool = multiprocessing.get_context("spawn").Pool(
            min(self.processes, len(parts)),
            initializer=spawned.setup,
            initargs=(
                os.environ.get("DJANGO_SETTINGS_MODULE", ""),
                connection.settings_dict["NAME"],
            ),
        )
        self.pending = self.pool.starmap_async(
            spawned.refresh_completions, [(practice.pk, part, at) for part in parts], chunksize=1
        )

    def __exit__(self, kind: object, *exc: object) -> None:
        if self.pool is None:
            return
        try:
            if kind is None:
                self.pending.get()
        finally:
            self.pool.terminate() if kind is not None else self.pool.close()
            self.pool.join()
            self.pool = None
