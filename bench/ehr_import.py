"""Benchmark: import a synthetic FHIR Bulk Data export, then import it again unchanged.

    .venv/bin/python bench/ehr_import.py --resources 100000 --db sqlite
    .venv/bin/python bench/ehr_import.py --resources 1000000 --db postgres

Writes a synthetic export (made-up people and ids only: about 31 resources per child — Patient,
RelatedPerson, Coverage, 2 Appointments, an Encounter of one of them, 8 Immunizations, 12
Observations with 2 blood pressure panels, 2 Procedures, a Condition, an AllergyIntolerance, a
MedicationStatement) to a temporary directory, migrates a fresh database (an SQLite file, or
PostgreSQL database --pg-db on postgres://postgres@127.0.0.1:5432, dropped and created), then times
`medhome.ehr.bulk.import_export` twice for one practice: the first import and the re-import of
the same files (nothing changed, nothing written). Results: docs/benchmarks.md "EHR import".
"""

import argparse
import cProfile
import os
import platform
import random
import shutil
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter

import orjson

REPO = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PER_CHILD = 31
AT = datetime(2026, 6, 15, 14, 0, tzinfo=UTC)
GIVEN = ["Ari", "Bo", "Cam", "Dee", "Eli", "Fen", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu"]
FAMILY = ["Synthia", "Fakeley", "Mockford", "Testa", "Dummet", "Placeholt", "Sampleby"]
CVX = ["08", "20", "10", "49", "133", "116", "03", "21", "83", "88"]
LOINC = "http://loinc.org"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-db", default="fhirbulk_bench")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-lines", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2, help="validating processes")
    parser.add_argument("--keep", action="store_true", help="keep the export directory")
    parser.add_argument(
        "--profile", metavar="FILE", help="cProfile the first import, stats written to FILE"
    )
    return parser.parse_args()


def configure(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "medhome.settings"
    os.environ["MEDHOME_ENV"] = "bench"
    if args.db == "sqlite":
        path = Path(tempfile.gettempdir()) / f"medhome-bench-ehr-{args.resources}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["MEDHOME_SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{args.pg_db}"')
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{args.pg_db}"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def ref(pid: str) -> dict[str, str]:
    return {"reference": f"Patient/{pid}"}


def quantity(value: float, unit: str) -> dict[str, object]:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def child_resources(n: int, rng: random.Random) -> dict[str, list[dict[str, object]]]:
    pid = f"pat-{n}"
    born = date(2026, 6, 1) - timedelta(days=rng.randrange(40, 17 * 365))

    def day(k: int) -> str:
        # Never after the export's day: a future date would be refused.
        return min(born + timedelta(days=20 + k * 30), date(2026, 6, 1)).isoformat()

    visit_on = min(date(2026, 6, 1), born + timedelta(days=400))
    out: dict[str, list[dict[str, object]]] = {
        "Patient": [
            {
                "resourceType": "Patient",
                "id": pid,
                "identifier": [
                    {
                        "system": "urn:bench:mrn",
                        "value": f"B{n:08d}",
                        "type": {
                            "coding": [
                                {
                                    "code": "MR",
                                    "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                }
                            ]
                        },
                    }
                ],
                "name": [{"family": rng.choice(FAMILY), "given": [rng.choice(GIVEN)]}],
                "gender": rng.choice(["female", "male"]),
                "birthDate": born.isoformat(),
                "address": [
                    {
                        "line": [f"{n} Bench St"],
                        "city": "Testville",
                        "state": "MA",
                        "postalCode": "02118",
                    }
                ],
            }
        ],
        "RelatedPerson": [
            {
                "resourceType": "RelatedPerson",
                "id": f"rp-{n}",
                "patient": ref(pid),
                "relationship": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                "code": "MTH",
                            }
                        ]
                    }
                ],
                "name": [{"family": rng.choice(FAMILY), "given": [rng.choice(GIVEN)]}],
                "telecom": [{"system": "phone", "value": f"+1617555{n % 10000:04d}"}],
            }
        ],
        "Coverage": [
            {
                "resourceType": "Coverage",
                "id": f"cov-{n}",
                "status": "active",
                "beneficiary": ref(pid),
                "payor": [{"display": "MassHealth"}],
                "type": {"coding": [{"system": "urn:oid:2.16.840.1.113883.3.221.5", "code": "2"}]},
                "subscriberId": f"M{n:09d}",
            }
        ],
        "Appointment": [
            {
                "resourceType": "Appointment",
                "id": f"ap-{n}-{k}",
                "status": "fulfilled" if k == 0 else "booked",
                "appointmentType": {"coding": [{"code": "ROUTINE"}]},
                "start": f"{(visit_on if k == 0 else date(2026, 7, 1)).isoformat()}T14:00:00Z",
                "end": f"{(visit_on if k == 0 else date(2026, 7, 1)).isoformat()}T14:20:00Z",
                "participant": [{"actor": ref(pid), "status": "accepted"}],
            }
            for k in range(2)
        ],
        "Encounter": [
            {
                "resourceType": "Encounter",
                "id": f"enc-{n}",
                "status": "finished",
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "AMB",
                },
                "subject": ref(pid),
                "appointment": [{"reference": f"Appointment/ap-{n}-0"}],
                "period": {
                    "start": f"{visit_on.isoformat()}T14:00:00Z",
                    "end": f"{visit_on.isoformat()}T14:25:00Z",
                },
            }
        ],
        "Immunization": [
            {
                "resourceType": "Immunization",
                "id": f"imm-{n}-{k}",
                "status": "completed",
                "vaccineCode": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": CVX[k]}]
                },
                "patient": ref(pid),
                "occurrenceDateTime": day(k),
            }
            for k in range(8)
        ],
        "Observation": [],
        "Procedure": [
            {
                "resourceType": "Procedure",
                "id": f"proc-{n}-{k}",
                "status": "completed",
                "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": code}]},
                "subject": ref(pid),
                "performedDateTime": day(k + 1),
            }
            for k, code in enumerate(("99188", "92551"))
        ],
        "Condition": [
            {
                "resourceType": "Condition",
                "id": f"cond-{n}",
                "clinicalStatus": {"coding": [{"code": "active"}]},
                "code": {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": "195967001",
                            "display": "Asthma",
                        }
                    ]
                },
                "subject": ref(pid),
                "onsetDateTime": day(2),
            }
        ],
        "AllergyIntolerance": [
            {
                "resourceType": "AllergyIntolerance",
                "id": f"alg-{n}",
                "clinicalStatus": {"coding": [{"code": "active"}]},
                "code": {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": "716186003",
                            "display": "No known allergy",
                        }
                    ]
                },
                "patient": ref(pid),
            }
        ],
        "MedicationStatement": [
            {
                "resourceType": "MedicationStatement",
                "id": f"med-{n}",
                "status": "active",
                "medicationCodeableConcept": {
                    "coding": [
                        {
                            "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                            "code": "745679",
                            "display": "albuterol",
                        }
                    ]
                },
                "subject": ref(pid),
                "effectiveDateTime": day(2),
                "dosage": [{"text": "2 puffs as needed"}],
            }
        ],
    }
    observations = out["Observation"]
    for k in range(10):
        code, value, unit = [
            ("29463-7", 3.5 + k, "kg"),
            ("8306-3", 50 + 3 * k, "cm"),
            ("9843-4", 35 + k, "cm"),
            ("29463-7", 8 + k, "[lb_av]"),
            ("718-7", 12.1, "g/dL"),
        ][k % 5]
        observations.append(
            {
                "resourceType": "Observation",
                "id": f"obs-{n}-{k}",
                "status": "final",
                "code": {"coding": [{"system": LOINC, "code": code}]},
                "subject": ref(pid),
                "effectiveDateTime": day(k // 2),
                "valueQuantity": quantity(value, unit),
            }
        )
    for k in range(2):
        observations.append(
            {
                "resourceType": "Observation",
                "id": f"bp-{n}-{k}",
                "status": "final",
                "code": {"coding": [{"system": LOINC, "code": "85354-9"}]},
                "subject": ref(pid),
                "effectiveDateTime": day(k + 3),
                "component": [
                    {
                        "code": {"coding": [{"system": LOINC, "code": "8480-6"}]},
                        "valueQuantity": quantity(95 + k, "mm[Hg]"),
                    },
                    {
                        "code": {"coding": [{"system": LOINC, "code": "8462-4"}]},
                        "valueQuantity": quantity(60 + k, "mm[Hg]"),
                    },
                ],
            }
        )
    return out


def write_export(directory: Path, resources: int, seed: int) -> int:
    rng = random.Random(seed)
    children = max(1, resources // PER_CHILD)
    directory.mkdir(parents=True, exist_ok=True)
    streams = {}
    written = 0
    try:
        for n in range(children):
            for kind, items in child_resources(n, rng).items():
                if kind not in streams:
                    streams[kind] = (directory / f"{kind}.ndjson").open("wb")
                for item in items:
                    streams[kind].write(orjson.dumps(item) + b"\n")
                    written += 1
    finally:
        for stream in streams.values():
            stream.close()
    return written


def validation_alone(directory: Path, sample: int = 5000) -> float:
    """Microseconds of R4B validation per resource on one core (every type in its share of
    the export), the part of a first import that only more cores make faster."""
    from medhome.ehr.r4b import invalid_paths

    lines = [line for path in sorted(directory.glob("*.ndjson")) for line in path.open("rb")]
    step = max(1, len(lines) // sample)
    chosen = [orjson.loads(line) for line in lines[::step]]
    invalid_paths(chosen[0])  # imports the models
    started = perf_counter()
    for resource in chosen:
        invalid_paths(resource)
    return (perf_counter() - started) / len(chosen) * 1e6


def main() -> None:
    args = parse_args()
    configure(args)
    from django.core.management import call_command
    from django.db import connection

    from medhome.core.actor import Actor
    from medhome.ehr.bulk import import_export
    from medhome.practices.models import Practice

    directory = Path(tempfile.mkdtemp(prefix="medhome-fhir-export-")) / "export"
    started = perf_counter()
    written = write_export(directory, args.resources, args.seed)
    print(f"wrote {written} resources in {perf_counter() - started:.1f} s to {directory}")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SHOW server_version" if args.db == "postgres" else "SELECT sqlite_version()"
        )
        version = cursor.fetchone()[0]
    print(
        f"Python {platform.python_version()}, {args.db} {version}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}"
    )
    print(f"R4B validation alone: {validation_alone(directory):.0f} µs a resource on one core")
    practice = Practice.objects.create(name="Bench Pediatrics", state="MA")
    actor = Actor(user=None, practice=practice, role="ehr_import")
    for label in ("first import", "re-import"):
        profiler = cProfile.Profile() if args.profile and label == "first import" else None
        started = perf_counter()
        if profiler is not None:
            profiler.enable()
        result = import_export(
            practice=practice,
            directory=directory,
            actor=actor,
            at=AT,
            batch_lines=args.batch_lines,
            workers=args.workers,
        )
        seconds = perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        counts = result.counts
        load = " ".join(f"{n:.1f}" for n in os.getloadavg())
        print(
            f"{label}: {seconds:.1f} s, {written / seconds:,.0f} resources/s "
            f"(load average after: {load}); {counts}"
        )
    if not args.keep:
        shutil.rmtree(directory.parent)


if __name__ == "__main__":
    main()
