"""A synthetic panel with measure histories: practices, clinicians, children, then visits,
screens and referrals (measure_history). Used by `manage.py synth --histories` and
bench/measures.py. Everything is invented; the differences between groups are invented too.
"""

import zlib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from random import Random
from time import perf_counter
from typing import Any

from django.db import transaction

from medhome.accounts.models import User
from medhome.directory.models import Organization
from medhome.periodicity.models import RowCompletion
from medhome.practices.models import Membership
from medhome.referrals.models import Referral, ReferralConsent, ReferralEvent
from medhome.screening.models import Administration
from medhome.visits.models import Visit

from .bulk import analyze, new_id
from .generator import generate_population
from .measure_history import ChildFacts, Settings, practice_choices, write_histories
from .positive_screens import write_positive_screens
from .rows import foreign_keys_checked_after
from .run import Plan, plan_run, save

CLINICIANS_PER_PRACTICE = 4
REFERRAL_NEEDS = (
    "food",
    "housing",
    "transportation",
    "utilities",
    "mental_health",
    "early_intervention",
)
HISTORY_TABLES = (Visit, RowCompletion, Administration, Referral, ReferralConsent, ReferralEvent)


@dataclass
class Panel:
    plan: Plan
    children: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def practice_ids(self) -> list[Any]:
        return [place.practice.pk for place in self.plan.places]


def _users(rng: Random, prefix: str, count: int, last: str) -> list[User]:
    users = [
        User(
            username=f"{prefix}{n}@{last.lower().replace(' ', '-')}.synthetic",
            first_name=f"Synthetic{n}",
            last_name=last,
            display_name=f"Synthetic {last} {n}",
        )
        for n in range(1, count + 1)
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    return list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))


def build_panel(
    *,
    seed: int,
    children: int,
    practice_count: int,
    network_name: str,
    as_of: date,
    history_years: int | None = 4,
    sick_years: int | None = 2,
    completions: bool = False,
    programs: bool = False,
) -> Panel:
    """Write the panel and its histories; `history_years` None = well-child visits since birth."""
    seconds: dict[str, float] = {}
    started = perf_counter()
    plan = plan_run(seed=seed, practice_count=practice_count, network_name=network_name)
    rng = Random(f"medhome-synth:{seed}:{network_name}:staff")
    tag = f"{seed}-{zlib.crc32(network_name.encode()) % 10_000}"
    staff: dict[Any, tuple[list[int], int]] = {}
    with transaction.atomic():
        places = []
        for index, place in enumerate(plan.places):
            clinicians = _users(rng, f"clinician{index}.", CLINICIANS_PER_PRACTICE, f"Clinic {tag}")
            coordinator = _users(rng, f"coordinator{index}.", 1, f"Team {tag}")[0]
            ids = [u.pk for u in clinicians]
            staff[place.practice.pk] = (ids, coordinator.pk)
            places.append(replace(place, clinician_ids=tuple(ids)))
        plan.places = places
    population = generate_population(
        rng=plan.people_rng,
        places=plan.places,
        children=children,
        as_of=as_of,
        taken_mrns=plan.taken_mrns,
    )
    seconds["generate people"] = perf_counter() - started
    started = perf_counter()
    people_tables = [model for model, _ in population.tables()]
    with foreign_keys_checked_after([*people_tables, Membership]):
        save(plan, population, refresh_statistics=False)
        Membership.objects.bulk_create(
            Membership(id=new_id(rng), user_id=uid, practice_id=practice, role=role)
            for practice, (clinicians, coordinator) in staff.items()
            for uid, role in [(c, "pediatrician") for c in clinicians]
            + [(coordinator, "care_coordinator")]
        )
        organizations = {
            need: Organization(name=f"Synthetic {need.replace('_', ' ')} partner ({tag})")
            for need in REFERRAL_NEEDS
        }
        Organization.objects.bulk_create(organizations.values())
    seconds["write people"] = perf_counter() - started

    started = perf_counter()
    first_caregiver: dict[Any, Any] = {}
    for caregiver in population.caregivers:
        first_caregiver.setdefault(caregiver.family_id, caregiver.pk)
    swyc, factors = practice_choices(
        [p.practice.pk for p in plan.places], Random(f"medhome-synth:{seed}:{network_name}:mix")
    )
    run = Settings(
        as_of=as_of,
        created_at=population.at,
        history_from=as_of - timedelta(days=365 * history_years) if history_years else None,
        sick_from=as_of - timedelta(days=365 * sick_years) if sick_years else None,
        completions=completions,
        organizations={need: org.pk for need, org in organizations.items()},
        sender={practice: coordinator for practice, (_, coordinator) in staff.items()},
        swyc_practices=swyc,
        practice_factor=factors,
    )
    facts = (
        ChildFacts(
            c.pk,
            c.practice_id,
            c.date_of_birth,
            c.payer,
            c.preferred_language,
            c.primary_clinician_id,
            first_caregiver.get(c.family_id),
        )
        for c in population.children
    )
    with foreign_keys_checked_after(HISTORY_TABLES):
        rows = write_histories(facts, run, seed=f"{seed}:{network_name}")
    seconds["histories (generate + write)"] = perf_counter() - started
    seconds["  of which writing"] = run.write_seconds
    started = perf_counter()
    # The positive screens' next steps and outcomes, so the follow-up measure has data.
    rows["PositiveScreen"] = 0
    for place in plan.places:
        rows["PositiveScreen"] += write_positive_screens(
            place.practice, as_of=as_of, seed=f"{seed}:{network_name}"
        )
    seconds["positive screens"] = perf_counter() - started
    started = perf_counter()
    analyze([*people_tables, *HISTORY_TABLES])
    seconds["analyze"] = perf_counter() - started
    if programs:  # every shipped program, a family specialist and a CHW per practice
        started = perf_counter()
        # Added to the histories' counts: the programs write referrals and screens' follow-ups too.
        for name, count in _programs(plan, population, rng, tag, as_of, organizations).items():
            rows[name] = rows.get(name, 0) + count
        seconds["programs"] = perf_counter() - started
    counts = population.counts()
    return Panel(plan, len(population.children), {**counts, **rows}, seconds)


def _programs(
    plan: Plan, population: Any, rng: Random, tag: str, as_of: date, organizations: dict
) -> dict[str, int]:
    from .programs import add_programs

    written: dict[str, int] = {}
    for index, place in enumerate(plan.places):
        (specialist,) = _users(rng, f"specialist{index}.", 1, f"Programs {tag}")
        (chw,) = _users(rng, f"chw{index}.", 1, f"Outreach {tag}")
        Membership.objects.bulk_create(
            Membership(id=new_id(rng), user_id=user.pk, practice_id=place.practice.pk, role=role)
            for user, role in ((specialist, "family_specialist"), (chw, "community_health_worker"))
        )
        children = [c for c in population.children if c.practice_id == place.practice.pk]
        more = add_programs(
            place.practice,
            children,
            as_of,
            Random(f"medhome-synth:programs:{place.practice.pk}"),
            organizations={need: org.pk for need, org in organizations.items()},
        )
        for name, count in more.items():
            written[name] = written.get(name, 0) + count
    return written
