"""Where a staff page's time goes: render Today, the chart (and any path given) in-process on a
kept load-test database, as one of its colleagues, and print the median time, the query count
and, with --profile, cProfile's top functions by cumulative time.

    .venv/bin/python bench/page_profile.py --db postgres --reuse <kept database> [--profile]

It uses Django's test client with the colleague signed in (no gunicorn, no network), so the
figures are the page's own cost on one core: the load test's saturation ceiling is about
cores / this.
"""

import argparse
import cProfile
import gc
import pstats
import statistics
import tempfile
from pathlib import Path
from time import perf_counter

from common import existing_database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--reuse", required=True, help="a database kept by a bench's --keep")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="cProfile's top 40 functions")
    parser.add_argument("--queries", action="store_true", help="each query, timed")
    parser.add_argument(
        "--gc", action="store_true", help="garbage-collection pauses per generation, and p99"
    )
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="collect and freeze after the first request, as gunicorn.conf.py's workers do",
    )
    parser.add_argument(
        "--charts",
        type=int,
        default=0,
        help="then open the charts of this many children with growth measurements, once each: "
        "their median time and size (a practice's charts, where the first child may have none)",
    )
    parser.add_argument("paths", nargs="*", help="more paths (after Today and a chart)")
    return parser.parse_args()


def collector_timer(pauses: dict[int, list[float]]):  # type: ignore[no-untyped-def]
    """A gc callback that records each pass's duration by generation."""
    started: list[float] = []

    def timer(phase: str, info: dict) -> None:
        if phase == "start":
            started[:] = [perf_counter()]
        elif started:
            pauses[info["generation"]].append((perf_counter() - started[0]) * 1000)

    return timer


def main(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from medhome.accounts.models import User
    from medhome.families.models import Child
    from medhome.practices.models import Membership
    from medhome.practices.views import SESSION_PRACTICE_KEY

    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.filter(username__startswith="load").order_by("pk").first()
    if user is None:
        raise SystemExit("no load-test colleague here: run bench/load_test.py --keep first")
    practice = Membership.objects.get(user=user).practice
    child = Child.objects.filter(practice=practice).order_by("pk").first()
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[SESSION_PRACTICE_KEY] = str(practice.pk)
    session.save()
    paths = ["/screening/today/", f"/children/{child.pk}/", *args.paths]
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code, answer.get("Location"))
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            started = perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(f"{(perf_counter() - started) * 1000:6.2f} ms  {sql[:160]}")

        with connection.execute_wrapper(count):
            client.get(path)
        if args.freeze:
            gc.collect()
            gc.freeze()
        pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        if args.gc:
            gc.callbacks.append(collector_timer(pauses))
        times = []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.runs):
            started = perf_counter()
            if profiler:
                profiler.enable()
            client.get(path)
            if profiler:
                profiler.disable()
            times.append((perf_counter() - started) * 1000)
        name = path if not path.startswith("/children/") else "/children/<id>/"
        print(
            f"{name:28} median {statistics.median(times):6.1f} ms  "
            f"min {min(times):6.1f}  queries {len(queries)}"
        )
        if args.gc:
            gc.callbacks.pop()
            ordered = sorted(times)
            print(
                f"  p99 {ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)]:6.1f} ms  "
                f"max {ordered[-1]:6.1f} ms  frozen objects {gc.get_freeze_count()}"
            )
            for generation, taken in pauses.items():
                print(
                    f"  gc generation {generation}: {len(taken)} passes, {sum(taken):7.1f} ms, "
                    f"longest {max(taken, default=0):6.1f} ms"
                )
        if args.queries:
            print("\n".join(queries))
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)
            stats.dump_stats(Path(tempfile.gettempdir()) / f"page_profile{paths.index(path)}.prof")
    if args.charts:
        charts_with_growth(client, practice, args.charts)


def charts_with_growth(client, practice, count: int) -> None:  # type: ignore[no-untyped-def]
    from medhome.ehr.models import Observation

    children = list(
        Observation.objects.filter(practice=practice)
        .values_list("child_id", flat=True)
        .distinct()
        .order_by("child_id")[:count]
    )
    times, sizes = [], []
    for child_id in children:
        started = perf_counter()
        answer = client.get(f"/children/{child_id}/")
        times.append((perf_counter() - started) * 1000)
        sizes.append(len(answer.content))
    print(
        f"{len(children)} charts with growth: median {statistics.median(times):6.1f} ms, "
        f"{statistics.mean(sizes) / 1000:.1f} kB on average (largest {max(sizes) / 1000:.1f} kB)"
    )


if __name__ == "__main__":
    arguments = parse_args()
    existing_database(arguments.db, arguments.reuse)
    main(arguments)
