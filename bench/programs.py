"""Benchmark: the programs' lists on a 50,000-child practice — the eligible children a program has
not reached and a community health worker's caseload page.

    .venv/bin/python bench/programs.py --children 50000 [--db postgres] [--runs 30] [--explain]

Makes a fresh database (SQLite file, or a new PostgreSQL database on
postgres://postgres@127.0.0.1:5432 dropped at the end), migrates it, builds a synthetic panel
with medhome.synth.panel (one practice, one year of history), adds every shipped program and
gives the practice what a busy program team has: 10 community health workers with ~80 families
each (an outreach history: reached, left a message, not reached), 3 family specialists with the
HealthySteps tier 2 and 3 families (tier 1 for most children 0–3, unassigned) and DULCE for 40% of
infants under 6 months, a Reach Out and Read book in the last year for 80% of children 6 months–5
years (and an older one for most). It then times, --runs times after one warm-up:
`selectors.eligible_not_reached` for "infants under 2 months not offered DULCE" and "children 6
months–5 years without a book this year" (the first page of 50 and the count), the caseload
selector for one CHW, and the caseload page for that CHW through the whole Django stack
(middleware, session, whom to call, the open tasks, the per-child audit append), and prints
p50/p95. With --explain it prints the plans. Target (issue 18): under 300 ms.
Results: docs/benchmarks.md "Programs". Synthetic data only.
"""

import argparse
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402 - bench is no package
    analyze_and_describe,
    one_practice_panel,
    percentile,
    run_on_fresh_database,
)

CHWS = 10
FAMILIES_PER_CHW = 80
SPECIALISTS = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--day", default="2026-11-24", help="the day the lists are read")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def staff_of(practice, role: str, count: int):  # type: ignore[no-untyped-def]
    from medhome.accounts.models import User
    from medhome.practices.models import Membership

    users = []
    for n in range(count):
        user = User.objects.create(
            username=f"{role}{n}@programs.synthetic", first_name=f"{role[:6]}", last_name=f"{n}"
        )
        Membership.objects.create(user=user, practice=practice, role=role)
        users.append(user)
    return users


def programs_of(practice_id, day: date, seed: int):  # type: ignore[no-untyped-def]
    """The programs, their people, enrolments and contacts (the module's docstring)."""
    from random import Random

    from django.db import transaction
    from django.utils import timezone

    from medhome.accounts.roles import capabilities_of
    from medhome.core.actor import Actor
    from medhome.families.models import Child
    from medhome.practices.models import Practice
    from medhome.programs import services
    from medhome.programs.definitions import catalogue, months, years
    from medhome.programs.models import Contact, Enrolment

    rng = Random(seed)
    practice = Practice.objects.get(pk=practice_id)
    at = timezone.now()
    admin_user = staff_of(practice, "practice_admin", 1)[0]
    admin = Actor(
        user=admin_user,
        practice=practice,
        role="practice_admin",
        capabilities=capabilities_of("practice_admin"),
    )
    chws = staff_of(practice, "community_health_worker", CHWS)
    specialists = staff_of(practice, "family_specialist", SPECIALISTS)
    program = {key: services.add_program(actor=admin, definition=key, at=at) for key in catalogue()}
    children = list(
        Child.objects.filter(practice_id=practice_id).values_list("pk", "date_of_birth")
    )
    rng.shuffle(children)
    enrolments: list[Enrolment] = []
    contacts: list[Contact] = []
    counts = dict.fromkeys(("chw", "hs1", "hs2", "hs3", "dulce", "books"), 0)

    def enrol(key: str, child_id, staff, on: date, tier: str = "") -> Enrolment:
        row = Enrolment(
            practice_id=practice_id,
            program=program[key],
            child_id=child_id,
            status="enrolled",
            tier=tier,
            offered_on=on,
            enrolled_on=on,
            agreement="spoken",
            staff=staff,
            updated_at=at,
        )
        enrolments.append(row)
        return row

    def contact(key: str, enrolment, child_id, staff, role: str, on: date, **extra) -> None:
        contacts.append(
            Contact(
                practice_id=practice_id,
                program=program[key],
                enrolment=enrolment,
                child_id=child_id,
                kind=program[key].contact_kinds[0],
                on=on,
                recorded_at=at,
                staff=staff,
                role=role,
                **extra,
            )
        )

    outcomes = ("reached", "reached", "left_message", "not_reached", "wrong_number")
    chw_children = children[: CHWS * FAMILIES_PER_CHW]
    for n, (child_id, _born) in enumerate(chw_children):
        worker = chws[n % CHWS]
        enrolment = enrol("chw", child_id, worker, day - timedelta(days=rng.randint(20, 400)))
        assert enrolment.enrolled_on is not None
        counts["chw"] += 1
        for _ in range(rng.randint(0, 4)):
            on = day - timedelta(days=rng.randint(0, (day - enrolment.enrolled_on).days))
            contact(
                "chw",
                enrolment,
                child_id,
                worker,
                "community_health_worker",
                on,
                setting="phone",
                outcome=rng.choice(outcomes),
            )
    for child_id, born in children:
        age = (day - born).days
        if 0 <= age < years(3):
            draw = rng.random()
            tier = "3" if draw < 0.03 else "2" if draw < 0.13 else "1"
            staff = specialists[rng.randrange(SPECIALISTS)] if tier != "1" else None
            on = max(born, day - timedelta(days=rng.randint(0, 300)))
            enrolment = enrol("healthysteps", child_id, staff, on, tier)
            counts[f"hs{tier}"] += 1
            if staff is not None:
                for _ in range(rng.randint(0, 3)):
                    contact(
                        "healthysteps",
                        enrolment,
                        child_id,
                        staff,
                        "family_specialist",
                        on + timedelta(days=rng.randint(0, (day - on).days)),
                        setting="clinic",
                    )
        if 0 <= age < months(6) and rng.random() < 0.4:
            on = born + timedelta(days=min(age, rng.randint(3, 20)))
            enrolment = enrol("dulce", child_id, specialists[rng.randrange(SPECIALISTS)], on)
            counts["dulce"] += 1
            contact("dulce", enrolment, child_id, enrolment.staff, "family_specialist", on)
        if months(6) <= age < years(5):
            if rng.random() < 0.8:
                contact(
                    "reach_out_and_read",
                    None,
                    child_id,
                    specialists[0],
                    "family_specialist",
                    day - timedelta(days=rng.randint(0, 330)),
                    book_language="en",
                )
                counts["books"] += 1
            if rng.random() < 0.7:
                contact(
                    "reach_out_and_read",
                    None,
                    child_id,
                    specialists[0],
                    "family_specialist",
                    day - timedelta(days=rng.randint(400, 700)),
                    book_language="es",
                )
                counts["books"] += 1
    with transaction.atomic():
        Enrolment.objects.bulk_create(enrolments, batch_size=2000)
        Contact.objects.bulk_create(contacts, batch_size=2000)
    counts["enrolments"], counts["contacts"] = len(enrolments), len(contacts)
    return program, chws[0], counts


def timed(label: str, runs: int, call) -> tuple[str, list[float]]:  # type: ignore[no-untyped-def]
    call()  # warm-up, not counted
    values = []
    for _ in range(runs):
        started = perf_counter()
        call()
        values.append(perf_counter() - started)
    return label, values


def main() -> None:
    run_on_fresh_database("programs", parse_args(), run)


def run(args: argparse.Namespace) -> None:
    from unittest import mock

    from django.test import Client
    from django.urls import reverse

    from medhome.accounts.roles import capabilities_of
    from medhome.core import clock
    from medhome.core.actor import Actor
    from medhome.practices.middleware import SESSION_PRACTICE_KEY
    from medhome.practices.models import Practice
    from medhome.programs import selectors
    from medhome.programs.definitions import months

    day = date.fromisoformat(args.day)
    panel = one_practice_panel(args, "Programs bench", day)
    practice_id = panel.practice_ids[0]
    started = perf_counter()
    program, chw_user, counts = programs_of(practice_id, day, args.seed)
    print(
        f"Programs ({perf_counter() - started:.1f} s): "
        + ", ".join(f"{k} {n:,}" for k, n in counts.items())
    )
    analyze_and_describe()

    practice = Practice.objects.get(pk=practice_id)
    actor = Actor(
        user=chw_user,
        practice=practice,
        role="community_health_worker",
        capabilities=capabilities_of("community_health_worker"),
    )
    under_2m = selectors.eligible_not_reached(
        actor, program["dulce"], today=day, max_age_days=months(2)
    )
    no_book = selectors.eligible_not_reached(actor, program["reach_out_and_read"], today=day)
    print(f"DULCE under 2 months not offered: {under_2m.count():,}")
    print(f"Reach Out and Read without a book this year: {no_book.count():,}")
    print(f"The CHW's caseload: {len(selectors.caseload(actor, staff=chw_user, today=day))}")
    if args.explain:
        for label, query in (
            ("DULCE page", under_2m[:50]),
            ("ROR page", no_book[:50]),
            ("ROR count", no_book.values("pk")),
        ):
            print(f"\n-- {label}\n{query.explain()}")

    client = Client(HTTP_HOST="localhost")
    client.force_login(chw_user)
    session = client.session
    session[SESSION_PRACTICE_KEY] = str(practice_id)
    session.save()
    url = reverse("programs:caseload")
    results = []
    with mock.patch.object(clock, "today", lambda: day):
        for label, call in (
            ("DULCE <2m: page of 50", lambda: list(under_2m[:50])),
            ("DULCE <2m: count", under_2m.count),
            ("ROR no book: page of 50", lambda: list(no_book[:50])),
            ("ROR no book: count", no_book.count),
            ("caseload selector", lambda: selectors.caseload(actor, staff=chw_user, today=day)),
            ("caseload page (GET)", lambda: client.get(url)),
        ):
            results.append(timed(label, args.runs, call))
    assert client.get(url).status_code == 200
    print(f"\nPrograms' lists, {args.runs} runs (ms):")
    for label, values in results:
        print(
            f"  {label:<26} p50 {statistics.median(values) * 1000:7.1f}"
            f"   p95 {percentile(values, 0.95) * 1000:7.1f}   max {max(values) * 1000:7.1f}"
        )


if __name__ == "__main__":
    main()
