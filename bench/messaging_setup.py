"""What the messaging benchmarks share: a fresh database, a synthetic panel, consents, bookings.

Used by bench/messaging_plan.py and bench/messaging_send.py (docs/benchmarks.md, "Messages to
families"). Everything is made by medhome.synth (seeded) or from its rows; nothing is a person.
"""

import os
import random
import sys
import tempfile
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

REPO = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
# The clinic day: 08:30 to 17:00 in 20-minute slots, per clinician column (synth.clinic's slot).
FIRST_SLOT = time(8, 30)
SLOTS_PER_COLUMN = 25
# A booked day's mix (invented, plausible for a pediatric practice): well visits, sick visits,
# follow-ups, and a few group well-child visits.
KIND_WEIGHTS = (("well_child", 55), ("sick", 30), ("follow_up", 12), ("group", 3))


def sqlite_path(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"medhome-bench-{name}.sqlite3"


def database_env(db: str, *, pg_db: str, sqlite_name: str, fresh: bool = True) -> dict[str, str]:
    """The environment a process needs to reach the bench database (created empty if fresh)."""
    if db == "sqlite":
        path = sqlite_path(sqlite_name)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return {"MEDHOME_SQLITE_PATH": str(path), "DATABASE_URL": ""}
    if fresh:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{pg_db}"')
    return {"DATABASE_URL": f"{PG_SERVER}/{pg_db}"}


def configure(env: dict[str, str], settings_module: str = "medhome.settings") -> None:
    for name, value in env.items():
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ["MEDHOME_ENV"] = "bench"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(*, children: int, practices: int, seed: int, as_of: date) -> float:
    """The synthetic panel (medhome.synth), written as `manage.py synth` writes it; seconds."""
    from medhome.synth.generator import generate_population
    from medhome.synth.run import default_network_name, plan_run, save

    started = perf_counter()
    plan = plan_run(seed=seed, practice_count=practices, network_name=default_network_name(seed))
    population = generate_population(
        rng=plan.people_rng, places=plan.places, children=children, as_of=as_of
    )
    save(plan, population)
    return perf_counter() - started


def grant_consents(at: datetime, *, all_texts: bool = False) -> int:
    """The demo's consents (each caregiver agreed to the channel they prefer, as load_demo
    records them); with all_texts every caregiver with a phone agreed to texts instead, so
    every reminder goes to the SMS gateway."""
    from medhome.families.models import Caregiver
    from medhome.messaging.models import ConsentMethod, ContactConsent
    from medhome.practices.models import Practice
    from medhome.synth.ehr.demo_load import _contact_consents

    if not all_texts:
        for practice in Practice.objects.all():
            _contact_consents(practice, at)
        return ContactConsent.objects.count()
    rows = [
        ContactConsent(
            practice_id=practice_id,
            caregiver_id=pk,
            channel="text",
            granted=True,
            method=ConsentMethod.VERBAL,
            recorded_at=at,
        )
        for pk, practice_id in Caregiver.objects.exclude(phone="").values_list("pk", "practice_id")
    ]
    ContactConsent.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def book_visits(
    days: Iterable[date], *, per_day: int, seed: int, one_per_family: bool = False
) -> int:
    """`per_day` scheduled visits on each day, shared among the practices by panel size, for
    children on the panel that day (each child booked once across the days), in the practice's
    time zone from 08:30 in 20-minute slots per clinician column."""
    from medhome.families.models import Child
    from medhome.practices.calendar import calendar_of
    from medhome.practices.models import Practice
    from medhome.synth.bulk import new_id
    from medhome.visits.models import Visit

    rng = random.Random(f"messaging-bench:{seed}")
    kinds = [k for k, _w in KIND_WEIGHTS]
    weights = [w for _k, w in KIND_WEIGHTS]
    practices = list(Practice.objects.order_by("pk"))
    days = list(days)
    pools = {}
    for practice in practices:
        rows = list(
            Child.objects.filter(practice=practice)
            .on_panel(days[0])
            .order_by("pk")
            .values_list("pk", "family_id")
        )
        if one_per_family:
            rows = [(pk, family) for family, pk in {f: c for c, f in rows}.items()]
        rng.shuffle(rows)
        pools[practice.pk] = rows
    total_children = sum(len(p) for p in pools.values()) or 1
    visits: list[Visit] = []
    now = datetime.now().astimezone()
    for practice in practices:
        zone = calendar_of(practice).zone
        share = round(per_day * len(pools[practice.pk]) / total_children)
        pool = pools[practice.pk]
        for day in days:
            taken, pool = pool[:share], pool[share:]
            for n, (child_id, _family) in enumerate(taken):
                # Several clinicians' columns: the same slots repeat every SLOTS_PER_COLUMN.
                slot = n % SLOTS_PER_COLUMN
                starts = datetime.combine(day, FIRST_SLOT, tzinfo=zone) + timedelta(
                    minutes=20 * slot
                )
                visits.append(
                    Visit(
                        id=new_id(rng),
                        practice=practice,
                        child_id=child_id,
                        starts_at=starts,
                        kind=rng.choices(kinds, weights)[0],
                        status="scheduled",
                        created_at=now,
                    )
                )
    Visit.objects.bulk_create(visits, batch_size=2000)
    return len(visits)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())
