"""manage.py synth: reproducible synthetic families for demos, tests and benchmarks."""

from datetime import date
from time import perf_counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medhome.core import clock
from medhome.core.progress import Progress, raw_stream
from medhome.synth.run import SeedAlreadyLoaded, default_network_name, plan_and_generate, save


def refuse_production() -> None:
    """Synthetic people never belong in a production database."""
    if settings.ENV == "production":
        raise CommandError(
            "Refusing to write synthetic data: MEDHOME_ENV is production. "
            "Use MEDHOME_ENV=demo, dev, test or bench."
        )


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as invalid:
        raise CommandError(f"--as-of must be a date like 2026-11-23, not {value!r}") from invalid


class Command(BaseCommand):
    help = (
        "Generate reproducible synthetic families (same seed, same rows) into a network's "
        "practices, creating the network and practices as needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=1000, help="children to generate")
        parser.add_argument("--practices", type=int, default=2, help="practices to spread over")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
        parser.add_argument(
            "--network", default="", help='network name (default "Synthetic network (seed S)")'
        )
        parser.add_argument(
            "--as-of", default="", help="date ages are computed at, YYYY-MM-DD (default today)"
        )

    def handle(self, *args, **options):
        refuse_production()
        children, practice_count = options["children"], options["practices"]
        if children < 0 or practice_count < 1:
            raise CommandError("--children must be 0 or more and --practices at least 1.")
        seed = options["seed"]
        as_of = parse_date(options["as_of"]) if options["as_of"] else clock.today()
        network_name = options["network"] or default_network_name(seed)

        started = perf_counter()
        # Done/total, rate and time left on a terminal (stderr), in the log otherwise.
        stream = raw_stream(self.stderr)
        with Progress("Generating", total=children, unit="children", stream=stream) as bar:
            plan, population = plan_and_generate(
                seed=seed,
                children=children,
                practice_count=practice_count,
                network_name=network_name,
                as_of=as_of,
                progress=bar,
            )
        generated = perf_counter()
        rows = sum(len(rows) for _model, rows in population.tables())
        try:
            with Progress("Writing", total=rows, unit="rows", stream=stream) as bar:
                save(plan, population, progress=bar)
        except SeedAlreadyLoaded as loaded:
            raise CommandError(str(loaded)) from loaded
        written = perf_counter()

        counts = ", ".join(f"{n:,} {name}" for name, n in population.counts().items())
        self.stdout.write(f"Network: {plan.network.name}")
        for place in plan.places:
            self.stdout.write(f"  {place.practice.name} ({place.city.name}, {place.city.state})")
        self.stdout.write(f"Created {counts} as of {as_of.isoformat()} (seed {seed}).")
        self.stdout.write(
            f"Generated in {generated - started:.1f} s, written in {written - generated:.1f} s "
            f"({rows / max(written - generated, 1e-9):,.0f} rows/s): {rows:,} imported, "
            "0 updated, 0 unchanged, 0 refused."
        )
