"""Benchmark: the measures dashboard's "Family experience" section on 1,000,000 survey answers.

    .venv/bin/python bench/experience.py --db postgres [--answers 1000000] [--runs 20] [--explain]

Makes a fresh database (a new PostgreSQL database on postgres://postgres@127.0.0.1:5432, dropped
at the end; or a SQLite file), migrates it, makes one practice with 2,000 synthetic children
(languages, race and ethnicity, payers spread as a mixed panel), three sites, and writes
answers/6 responses of medhome's own six-item survey over the last year by COPY (one invitation
per response); then times `experience.selectors.practice_results` for the last 12 months — the
section's queries: the per-item totals and one dimension, for each dimension — and prints
p50/p95. Target (issue 19): under 2 s. Results: docs/benchmarks.md "Family experience".
Synthetic data only.
"""

import argparse
import random
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentile, run_on_fresh_database  # noqa: E402 - bench is no package

CHILDREN = 2000
ITEMS = ("explain", "listen", "questions", "language", "respect", "next_steps")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.children = args.answers  # names the database
    return args


def build(answers: int) -> object:
    from django.core.management import call_command
    from django.db import connection

    from medhome.core.copy import insert_values
    from medhome.experience.models import Answer, Invitation, Response
    from medhome.families.models import Caregiver, Child
    from medhome.practices.models import Practice, Site
    from medhome.synth.panel import build_panel
    from medhome.visits.models import Visit

    call_command("migrate", verbosity=0)
    build_panel(
        seed=1,
        children=CHILDREN,
        practice_count=1,
        network_name="Experience bench",
        as_of=date(2026, 12, 4),
        history_years=0,
        sick_years=0,
    )
    rng = random.Random(19)
    practice = Practice.objects.get()
    sites = list(Site.objects.filter(practice=practice)) or [
        Site.objects.create(practice=practice, name=f"Site {n}") for n in range(3)
    ]
    children = list(
        Child.objects.filter(practice=practice).values_list("pk", "family_id", "preferred_language")
    )
    caregivers = {}
    for pk, family_id in Caregiver.objects.filter(practice=practice).values_list("pk", "family_id"):
        caregivers.setdefault(family_id, pk)
    responses = answers // len(ITEMS)
    visits, invitations, rows, answer_rows = [], [], [], []
    for n in range(responses):
        child, family_id, language = children[n % len(children)]
        day = date(2026, 12, 5) - timedelta(days=rng.randint(0, 364))
        at = datetime(day.year, day.month, day.day, 14, tzinfo=UTC)
        site = sites[n % len(sites)].pk
        visit, invitation, response = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        base = {"practice_id": practice.pk, "child_id": child}
        visits.append(
            {
                **base,
                "id": visit,
                "site_id": site,
                "starts_at": at,
                "kind": "sick",
                "status": "completed",
                "created_at": at,
            }
        )
        invitations.append(
            {
                **base,
                "id": invitation,
                "visit_id": visit,
                "caregiver_id": caregivers[family_id],
                "survey_key": "medhome_visit",
                "created_at": at,
            }
        )
        rows.append(
            {
                **base,
                "id": response,
                "invitation_id": invitation,
                "survey_key": "medhome_visit",
                "visit_id": visit,
                "site_id": site,
                "language": language,
                "channel": "text",
                "entered_by": "family",
                "answered_on": day,
                "created_at": at,
            }
        )
        for item in ITEMS:
            value = "definitely" if rng.random() < 0.75 else rng.choice(["somewhat", "no"])
            answer_rows.append(
                {
                    "id": uuid.uuid4(),
                    "practice_id": practice.pk,
                    "response_id": response,
                    "item": item,
                    "value": value,
                }
            )
    for model, batch in ((Visit, visits), (Invitation, invitations), (Response, rows)):
        insert_values(model, batch)
    for start in range(0, len(answer_rows), 100_000):
        insert_values(Answer, answer_rows[start : start + 100_000])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{len(answer_rows):,} answers, {len(rows):,} responses, {len(children):,} children")
    return practice


def run(args: argparse.Namespace) -> None:
    from medhome.accounts.roles import Capability
    from medhome.core.actor import Actor
    from medhome.experience import selectors

    practice = build(args.answers)
    actor = Actor(user=None, practice=practice, capabilities=frozenset({Capability.MEASURES_READ}))
    end, start = date(2026, 12, 5), date(2025, 12, 6)
    for dimension in selectors.DIMENSIONS:
        selectors.practice_results(actor, start, end, dimension)  # warm-up
        timings = []
        for _ in range(args.runs):
            began = perf_counter()
            selectors.practice_results(actor, start, end, dimension)
            timings.append((perf_counter() - began) * 1000)
        print(
            f"{dimension:>20}: p50 {percentile(timings, 0.5):7.1f} ms"
            f"  p95 {percentile(timings, 0.95):7.1f} ms"
        )
    if args.explain:
        from django.db.models import Count, F

        from medhome.experience.models import Answer

        query = (
            Answer.objects.filter(
                practice_id=practice.pk,
                response__survey_key="medhome_visit",
                response__answered_on__range=(start, end),
            )
            .order_by()
            .annotate(stratum=F("response__child__preferred_language"))
            .values("item", "stratum")
            .annotate(n=Count("pk"))
        )
        print(query.explain(analyze=True) if args.db == "postgres" else query.explain())


if __name__ == "__main__":
    run_on_fresh_database("experience", parse_args(), run)
