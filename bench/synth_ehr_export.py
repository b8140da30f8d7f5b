"""Benchmark input: a synthetic EHR's FHIR Bulk Data export of at least 1M resources.

    MEDHOME_ENV=bench .venv/bin/python bench/synth_ehr_export.py --children 10000 --out /tmp/ehr

Generates the synthetic population in memory (no database), then writes it as NDJSON (one
directory per practice, one file per resource type) through medhome.synth.ehr.export, timed.
About 106 resources per child: 10,000 children give ≈ 1.06M resources. The import benchmark
reads the directory with `manage.py import_fhir_export <out>/<practice> --practice …` after
loading the same seed's practices (or any practice: the export creates its patients).
"""

import argparse
import os
import platform
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from time import perf_counter, process_time
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(tempfile.gettempdir()) / "medhome-ehr-export"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--practices", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-23", help="date ages are computed at")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="emptied first")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medhome.settings")
    os.environ.setdefault("MEDHOME_ENV", "bench")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from medhome.synth.ehr.export import write_export
    from medhome.synth.generator import (
        build_network,
        build_practice,
        generate_population,
        plan_practices,
        streams,
    )
    from medhome.synth.households import Place

    as_of = date.fromisoformat(args.as_of)
    name = f"Synthetic EHR network (seed {args.seed})"
    places_rng, people_rng = streams(args.seed, name)
    network = build_network(places_rng, name)
    places, sites, names = [], {}, {}
    staff = {n: (f"clinician{n}@synthetic-ehr.example.org", f"Clinician {n}") for n in (1, 2, 3)}
    for spec in plan_practices(places_rng, args.practices):
        practice, practice_sites = build_practice(places_rng, network, spec)
        places.append(Place(practice, spec.city, tuple(staff)))
        sites[practice.pk] = [(str(site.pk), site.name) for site in practice_sites]
        names[practice.pk] = practice.name
    started = perf_counter()
    population = generate_population(
        rng=people_rng, places=places, children=args.children, as_of=as_of
    )
    generated = perf_counter() - started
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    cpu = process_time()
    export = write_export(
        population.children,
        population.caregivers,
        out,
        practice_names=names,
        as_of=as_of,
        seed=str(args.seed),
        tz=ZoneInfo("America/New_York"),
        sites=sites,
        staff=staff,
    )
    cpu = process_time() - cpu
    size = sum(p.stat().st_size for p in out.rglob("*.ndjson"))
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print(f"Generated {args.children:,} children in {generated:.1f} s")
    print(
        f"Wrote {export.total:,} resources ({size / 1e6:,.0f} MB) in {export.seconds:.1f} s "
        f"({export.total / export.seconds:,.0f} resources/s) to {out}"
    )
    print(f"CPU time of the export: {cpu:.1f} s ({export.total / cpu:,.0f} resources per CPU s)")
    for kind, count in export.counts.most_common():
        print(f"  {kind:<20} {count:>10,}")
    for directory in export.directories.values():
        print(f"  practice directory: {directory}")


if __name__ == "__main__":
    main()
