"""Benchmark: the daily huddle sheet for a 40-visit day on a synthetic panel.

    .venv/bin/python bench/huddle.py --children 10000 [--db postgres] [--runs 50]

Makes a fresh database (SQLite file, or a new PostgreSQL database on
postgres://postgres@127.0.0.1:5432 dropped at the end), migrates it, builds a synthetic panel
with medhome.synth.panel (people, visits, screens, referrals), then books --visits children of
the first practice at its first site on one day and gives that day what a busy clinic has: a
pre-visit link for half of them (a third opened), an open critical alert for one in eight
(on a screen of their own), a hospital stay since the last visit with its follow-up task open
for one in six, and care-plan priorities in the family's words for one in three. It then opens
the sheet as a pediatrician through the whole Django stack (middleware, session, the page, the
audit append) --runs times after one warm-up, and prints p50/p95; the selectors alone, the
Today page of the same day (the same visits and due rows, for comparison) and one PDF are timed
too. Target: p95 under 200 ms. Results: docs/benchmarks.md "Huddle sheet".
Synthetic data only.
"""

import argparse
import os
import platform
import secrets
import statistics
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentile, run_on_fresh_database  # noqa: E402 - bench is no package


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=40)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--practices", type=int, default=2)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--day", default="2026-11-24", help="the huddle's day")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def book_the_day(practice_id, day: date, visits: int, seed: int):  # type: ignore[no-untyped-def]
    """The day's visits and what a busy clinic has around them (docstring of the module)."""
    from random import Random

    from django.db import transaction
    from django.utils import timezone

    from medhome.careplan.models import CarePlan
    from medhome.events.models import CareEvent
    from medhome.events.services import EVENT_OBJECT
    from medhome.families.models import Caregiver, Child
    from medhome.portal.links import digest
    from medhome.portal.models import FamilyLink
    from medhome.practices.models import Site
    from medhome.screening.models import Administration, CriticalAlert, LinkScreeners
    from medhome.tasks.services import open_task
    from medhome.visits.models import Visit

    rng = Random(seed)
    zone = timezone.get_current_timezone()
    site = Site.objects.filter(practice_id=practice_id).order_by("name").first()
    if site is None:
        site = Site.objects.create(practice_id=practice_id, name="Main", zip_code="02128")
    # Children of every age band, with a caregiver: the first `visits` by MRN after a shuffle.
    candidates = list(
        Child.objects.filter(practice_id=practice_id).values_list("pk", "family_id")[:5000]
    )
    rng.shuffle(candidates)
    families_with_caregivers = set(
        Caregiver.objects.filter(family_id__in={f for _, f in candidates}).values_list(
            "family_id", flat=True
        )
    )
    chosen = [(c, f) for c, f in candidates if f in families_with_caregivers][:visits]
    caregiver_of = dict(
        Caregiver.objects.filter(family_id__in={f for _, f in chosen})
        .order_by("-is_primary_contact")
        .values_list("family_id", "pk")
    )
    before = datetime.combine(day - timedelta(days=1), time(16), tzinfo=zone)
    counts = {"visits": 0, "links": 0, "alerts": 0, "stays": 0, "priorities": 0}
    with transaction.atomic():
        for n, (child_id, family_id) in enumerate(chosen):
            starts = datetime.combine(day, time(8), tzinfo=zone) + timedelta(minutes=12 * n)
            Visit.objects.create(
                practice_id=practice_id,
                child_id=child_id,
                site=site,
                starts_at=starts,
                kind="well_child",
                created_at=before,
            )
            counts["visits"] += 1
            if n % 2 == 0:
                link = FamilyLink.objects.create(
                    practice_id=practice_id,
                    purpose="screening",
                    child_id=child_id,
                    caregiver_id=caregiver_of[family_id],
                    token_digest=digest(secrets.token_urlsafe(24)),
                    language="en",
                    channel="text",
                    created_at=before,
                    expires_at=before + timedelta(days=7),
                    last_opened_at=before if n % 3 == 0 else None,
                )
                LinkScreeners.objects.create(link=link, instruments=["phq9", "ahc_hrsn"])
                counts["links"] += 1
            if n % 8 == 0:
                administration = Administration.objects.create(
                    practice_id=practice_id,
                    child_id=child_id,
                    instrument_key="phq9",
                    instrument_version="1",
                    mode="tablet",
                    respondent="caregiver",
                    caregiver_id=caregiver_of[family_id],
                    language="en",
                    status="scored",
                    started_at=before,
                    updated_at=before,
                    submitted_at=before,
                    administered_on=before.date(),
                    band="moderately severe",
                    positive=True,
                    next_step_pending=True,
                    critical=[{"item": "9"}],
                )
                CriticalAlert.objects.create(
                    practice_id=practice_id,
                    administration=administration,
                    child_id=child_id,
                    kinds=["self_harm"],
                    items=["9"],
                    raised_at=before,
                    escalate_at=before + timedelta(hours=2),
                )
                counts["alerts"] += 1
            if n % 6 == 0:
                event = CareEvent.objects.create(
                    practice_id=practice_id,
                    child_id=child_id,
                    kind="emergency",
                    started_at=before - timedelta(days=3),
                    ended_at=before - timedelta(days=3) + timedelta(hours=5),
                    source="manual",
                    flagged=True,
                    created_at=before,
                )
                open_task(
                    practice=event.practice,
                    child=event.child,
                    kind="transition_follow_up",
                    details={},
                    due_at=before + timedelta(days=2),
                    source_type=EVENT_OBJECT,
                    source_id=event.pk,
                    dedupe_key=f"bench:{event.pk}",
                    at=before,
                )
                counts["stays"] += 1
            if n % 3 == 0:
                CarePlan.objects.update_or_create(
                    child_id=child_id,
                    defaults={
                        "practice_id": practice_id,
                        "family_priorities": "Sleep, and help with the asthma inhaler at school",
                        "created_at": before,
                        "updated_at": before,
                    },
                )
                counts["priorities"] += 1
    return site, counts


def main() -> None:
    run_on_fresh_database("huddle", parse_args(), run)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from medhome.accounts.roles import capabilities_of
    from medhome.core.actor import Actor
    from medhome.huddle import pdf
    from medhome.huddle.selectors import huddle_sheet
    from medhome.practices.middleware import SESSION_PRACTICE_KEY
    from medhome.practices.models import Membership
    from medhome.synth.panel import build_panel

    day = date.fromisoformat(args.day)
    call_command("migrate", verbosity=0)
    started = perf_counter()
    panel = build_panel(
        seed=args.seed,
        children=args.children,
        practice_count=args.practices,
        network_name=f"Huddle bench {args.seed}",
        as_of=day - timedelta(days=1),
    )
    took = perf_counter() - started
    print(f"Panel: {args.children:,} children, {args.practices} practices, {took:.1f} s")
    practice_id = panel.practice_ids[0]
    site, counts = book_the_day(practice_id, day, args.visits, args.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print("Day: " + ", ".join(f"{key} {n}" for key, n in counts.items()))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    print(f"Python {platform.python_version()}, {version}, {os.cpu_count()} CPUs")
    print(platform.platform())

    membership = (
        Membership.objects.filter(practice_id=practice_id, role="pediatrician")
        .select_related("user", "practice")
        .first()
    )
    assert membership is not None
    client = Client(HTTP_HOST="localhost")
    client.force_login(membership.user)
    session = client.session
    session[SESSION_PRACTICE_KEY] = str(practice_id)
    session.save()
    url = f"{reverse('huddle:sheet')}?day={day.isoformat()}&site={site.pk}"
    actor = Actor(
        user=membership.user,
        practice=membership.practice,
        role=membership.role,
        capabilities=capabilities_of(membership.role),
    )
    # The sheet reads the day it is asked for, not the clock.
    first = client.get(url)  # warm-up, not counted
    assert first.status_code == 200, first.status_code
    rows = len(huddle_sheet(actor, day, site=site).rows)
    today_url = f"{reverse('screening:today')}?day={day.isoformat()}&site={site.pk}"
    client.get(today_url)  # warm-up, not counted
    pages, selectors_only, today = [], [], []
    for _ in range(args.runs):
        started = perf_counter()
        client.get(today_url)
        today.append(perf_counter() - started)
        started = perf_counter()
        response = client.get(url)
        pages.append(perf_counter() - started)
        assert response.status_code == 200
        started = perf_counter()
        huddle_sheet(actor, day, site=site)
        selectors_only.append(perf_counter() - started)
    started = perf_counter()
    document = pdf.sheet_pdf(
        huddle_sheet(actor, day, site=site), actor=actor, printed_at=timezone.now()
    )
    pdf_seconds = perf_counter() - started
    print(f"\nHuddle sheet, {rows} visits, {args.runs} runs (ms):")
    for label, values in (
        ("page (GET, audited)", pages),
        ("selectors only", selectors_only),
        ("Today, same day", today),
    ):
        print(
            f"  {label:<22} p50 {statistics.median(values) * 1000:7.1f}"
            f"   p95 {percentile(values, 0.95) * 1000:7.1f}   max {max(values) * 1000:7.1f}"
        )
    print(f"  PDF (once)             {pdf_seconds * 1000:7.1f} ms, {len(document):,} bytes")


if __name__ == "__main__":
    main()
