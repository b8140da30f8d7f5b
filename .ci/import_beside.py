"""CI: the EHR import's schedule rows recomputed beside the import (spawned processes, on
PostgreSQL; ehr.completions_pool) are the rows the importer computes itself.

The test suite runs inside transactions, which spawned processes cannot see, so this runs
outside it: a fresh PostgreSQL database (--pg-db, dropped and created), one synthetic export
(bench/ehr_import.py's generator), imported into two practices — with 2 workers (beside) and
with none (in the importing process) — and the two practices' completions compared child by
child. Exits 1 on any difference."""

import argparse
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import ehr_import  # noqa: E402 - the bench's export generator and database set-up


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-db", required=True)
    parser.add_argument("--resources", type=int, default=3100)
    args = parser.parse_args()
    ehr_import.configure(argparse.Namespace(db="postgres", pg_db=args.pg_db, resources=0))
    from django.core.management import call_command

    from medhome.core.actor import Actor
    from medhome.ehr import completions_pool
    from medhome.ehr.bulk import import_export
    from medhome.ehr.fhir_in.common import PATIENT_ID_SYSTEM
    from medhome.families.models import ChildIdentifier
    from medhome.periodicity.models import RowCompletion
    from medhome.practices.models import Practice

    call_command("migrate", verbosity=0)
    assert completions_pool.can_run_beside()
    rows = {}
    with TemporaryDirectory() as tmp:
        directory = Path(tmp) / "export"
        ehr_import.write_export(directory, args.resources, seed=1)
        for label, workers in (("beside", 2), ("here", 0)):
            practice = Practice.objects.create(name=f"Import {label}", state="MA")
            import_export(
                practice=practice,
                directory=directory,
                actor=Actor(user=None, practice=practice, role="ehr_import"),
                at=ehr_import.AT,
                workers=workers,
            )
            sender_id = dict(
                ChildIdentifier.objects.filter(
                    practice=practice, system=PATIENT_ID_SYSTEM
                ).values_list("child_id", "value")
            )
            rows[label] = {
                (sender_id[child], row, visit, str(done), pending, detail)
                for child, row, visit, done, pending, detail in RowCompletion.objects.filter(
                    practice=practice, source="ehr"
                ).values_list(
                    "child_id", "row", "visit_key", "done_on", "next_step_pending", "source_detail"
                )
            }
    beside, here = rows["beside"], rows["here"]
    print(f"completions: {len(beside)} beside the import, {len(here)} in the importer")
    if not here or beside != here:
        print(f"DIFFERENT: {len(beside - here)} only beside, {len(here - beside)} only here")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
