"""Benchmark: directory search (medhome.directory.selectors.search_services) on SQLite.

    .venv/bin/python bench/directory_search.py --services 20000

Builds a SQLite file (default /tmp/medhome-bench-directory.sqlite3) with synthetic HSDS
services spread over the ZIPs of MA, RI, CT and NH (bulk inserts, then one search-index
refresh), then times typical searches — need + language + within 10 miles of a ZIP + open at a
weekday time + the child's age, for a practice with curated partners — before and after
ANALYZE. Prints p50/p95 and SQLite's EXPLAIN QUERY PLAN of the candidate query. Results and
the machine are recorded in docs/benchmarks.md ("Directory search").
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path(tempfile.gettempdir()) / "medhome-bench-directory.sqlite3"
LANGUAGES = ["en", "es", "pt", "vi", "ht", "zh", "ar", "fr"]
FAMILY_ZIPS = ["02903", "02905", "02907", "02909", "02128", "02150", "02151", "01841", "06106"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=200, help="timed searches per case")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default=str(DEFAULT_DB), help="SQLite file")
    return parser.parse_args()


def configure(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medhome.settings")
    os.environ["MEDHOME_ENV"] = "bench"
    os.environ["MEDHOME_SQLITE_PATH"] = str(db_path)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def build(count: int, rng: random.Random) -> None:
    import zipcodes

    from medhome.directory import models as m
    from medhome.directory import search_index
    from medhome.directory.hsds import import_rows
    from medhome.directory.taxonomy import need_term_id, needs_taxonomy_rows
    from medhome.directory.vocabulary import Need

    import_rows(needs_taxonomy_rows())
    places = [z for z in zipcodes.list_all() if z["state"] in {"MA", "RI", "CT", "NH"}]
    needs = list(Need.values)
    rows: dict[type, list] = {
        model: []
        for model in (
            m.Organization,
            m.Service,
            m.Location,
            m.ServiceAtLocation,
            m.Address,
            m.Language,
            m.Schedule,
            m.CostOption,
            m.Attribute,
        )
    }
    organizations = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(count // 4)]
    rows[m.Organization] = [
        m.Organization(id=o, name=f"Organization {i}", description="synthetic")
        for i, o in enumerate(organizations)
    ]
    for i in range(count):
        place = rng.choice(places)
        new = lambda: uuid.UUID(int=rng.getrandbits(128))  # noqa: E731
        service_id, location_id = new(), new()
        low = rng.choice([None, None, 0, 0, 3, 12])
        rows[m.Service].append(
            m.Service(
                id=service_id,
                organization_id=rng.choice(organizations),
                name=f"Service {i:05d}",
                status="active",
                minimum_age=low,
                maximum_age=None if low is None else low + 18,
            )
        )
        rows[m.Location].append(
            m.Location(
                id=location_id,
                location_type="physical",
                latitude=float(place["lat"]) + rng.uniform(-0.02, 0.02),
                longitude=float(place["long"]) + rng.uniform(-0.02, 0.02),
            )
        )
        rows[m.ServiceAtLocation].append(
            m.ServiceAtLocation(id=new(), service_id=service_id, location_id=location_id)
        )
        rows[m.Address].append(
            m.Address(
                id=new(),
                location_id=location_id,
                address_1=f"{i} Main Street",
                city=place["city"],
                state_province=place["state"],
                postal_code=place["zip_code"],
                country="US",
                address_type="physical",
            )
        )
        for code in {"en", *rng.sample(LANGUAGES, rng.randint(0, 3))}:
            rows[m.Language].append(m.Language(id=new(), service_id=service_id, code=code))
        opens = rng.choice([7, 8, 9, 10, 13])
        rows[m.Schedule].append(
            m.Schedule(
                id=new(),
                service_id=service_id,
                freq="WEEKLY",
                byday=rng.choice(["MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "SA,SU", "MO,TU,WE,TH"]),
                opens_at=time(opens),
                closes_at=time(opens + rng.choice([3, 5, 8])),
            )
        )
        rows[m.CostOption].append(
            m.CostOption(
                id=new(),
                service_id=service_id,
                currency="USD",
                amount=rng.choice([0, 0, 0, 20]),
            )
        )
        for need in rng.sample(needs, rng.choice([1, 1, 2])):
            rows[m.Attribute].append(
                m.Attribute(
                    id=new(),
                    link_id=service_id,
                    link_entity="service",
                    taxonomy_term_id=need_term_id(need),
                )
            )
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=2000)
    search_index.refresh()


def curate(rng: random.Random):
    from medhome.directory.models import Organization, PracticePartner
    from medhome.practices.models import Practice

    practice = Practice.objects.create(name="Bench practice", state="RI")
    at = datetime(2026, 11, 23, tzinfo=UTC)
    partners = rng.sample(list(Organization.objects.values_list("pk", flat=True)), 40)
    PracticePartner.objects.bulk_create(
        PracticePartner(
            practice=practice,
            organization_id=o,
            trusted=i % 2 == 0,
            on_site=i % 5 == 0,
            note="bench",
            updated_at=at,
        )
        for i, o in enumerate(partners)
    )
    return practice


def queries(rng: random.Random, runs: int) -> list[dict]:
    from medhome.directory.vocabulary import Need

    monday = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in New York
    return [
        {
            "need": rng.choice(list(Need.values)),
            "language": rng.choice(["en", "es", "es", "pt", "vi"]),
            "near_zip": rng.choice(FAMILY_ZIPS),
            "within_miles": 10,
            "open_at": monday + timedelta(days=rng.randint(0, 6), hours=rng.randint(-2, 6)),
            "child_age_years": rng.choice([0.5, 2, 4, 8, 15]),
        }
        for _ in range(runs)
    ]


def time_case(label: str, cases: list[dict], practice) -> None:
    from medhome.directory.selectors import search_services

    timings, hits = [], []
    for case in cases:
        started = perf_counter()
        found = search_services(**case, practice=practice)
        timings.append((perf_counter() - started) * 1000)
        hits.append(len(found))
    print(
        f"{label}: p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms,"
        f" max {max(timings):.1f} ms; hits per search median {statistics.median(hits):g}"
        f" (max {max(hits)})"
    )


def explain(case: dict, practice) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from medhome.directory.selectors import search_services

    with CaptureQueriesContext(connection) as captured:
        search_services(**case, practice=practice)
    candidate_sql = captured.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {candidate_sql}")
        for row in cursor.fetchall():
            print("   ", row[-1])
    print(f"    ({len(captured.captured_queries)} queries per search)")


def main() -> None:
    args = parse_args()
    configure(Path(args.db))
    rng = random.Random(args.seed)
    started = perf_counter()
    build(args.services, rng)
    from medhome.directory.models import ServiceSearch

    print(
        f"built {ServiceSearch.objects.count():,} search rows in {perf_counter() - started:.1f} s"
        f" — {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}"
    )
    practice = curate(rng)
    cases = queries(rng, args.runs)
    for case in cases[:5]:  # warm the ZIP table and the page cache
        from medhome.directory.selectors import search_services

        search_services(**case, practice=practice)
    print("EXPLAIN QUERY PLAN (no ANALYZE):")
    explain(cases[0], practice)
    time_case("no ANALYZE", cases, practice)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print("EXPLAIN QUERY PLAN (after ANALYZE):")
    explain(cases[0], practice)
    time_case("after ANALYZE", cases, practice)


if __name__ == "__main__":
    main()
