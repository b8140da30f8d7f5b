"""One synthetic run against the database: find or make the practices, generate, write.

The `synth` command and the benchmark call these; the generator itself stays pure.
"""

from dataclasses import dataclass, field
from datetime import date
from random import Random
from uuid import UUID

from django.db import transaction

from medhome.core.progress import Progress
from medhome.families.models import Child, Family
from medhome.practices.models import Network, Practice, Site
from medhome.practices.selectors import clinicians_of

from .bulk import analyze
from .generator import (
    Population,
    build_network,
    build_practice,
    generate_population,
    plan_practices,
    streams,
    write_population,
    write_practices,
)
from .households import Place
from .places import city_for_state


class SeedAlreadyLoaded(Exception):
    """This seed and network were loaded before: the same rows (and keys) exist already."""


@dataclass
class Plan:
    """Where a run puts its families: existing practices of the network, then new ones."""

    network: Network
    is_new_network: bool
    places: list[Place]
    people_rng: Random
    new_practices: list[Practice] = field(default_factory=list)
    new_sites: list[Site] = field(default_factory=list)
    taken_mrns: dict[UUID, set[str]] = field(default_factory=dict)


def default_network_name(seed: int) -> str:
    return f"Synthetic network (seed {seed})"


def clinician_ids(practice: Practice) -> tuple[int, ...]:
    """Users who may be a child's primary care clinician here, in a stable order."""
    return tuple(clinicians_of(practice).order_by("user_id").values_list("user_id", flat=True))


def plan_run(*, seed: int, practice_count: int, network_name: str) -> Plan:
    """Reuse the network's practices (by name order) and add new ones up to practice_count."""
    places_rng, people_rng = streams(seed, network_name)
    network = Network.objects.filter(name=network_name).first()
    is_new = network is None
    if network is None:
        network = build_network(places_rng, network_name)
        existing: list[Practice] = []
    else:
        existing = list(Practice.objects.filter(network=network).order_by("name"))
    reused = existing[:practice_count]
    plan = Plan(network, is_new, [], people_rng)
    for index, practice in enumerate(reused):
        city = city_for_state(practice.state, index)
        plan.places.append(Place(practice, city, clinician_ids(practice)))
        plan.taken_mrns[practice.pk] = set(
            Child.objects.for_practice(practice).values_list("mrn", flat=True)
        )
    specs = plan_practices(
        places_rng,
        practice_count - len(reused),
        start=len(existing),
        taken_names=[p.name for p in existing],
    )
    for spec in specs:
        practice, sites = build_practice(places_rng, network, spec)
        plan.new_practices.append(practice)
        plan.new_sites.extend(sites)
        plan.places.append(Place(practice, spec.city))
    return plan


def save(
    plan: Plan,
    population: Population,
    *,
    refresh_statistics: bool = True,
    progress: Progress | None = None,
) -> None:
    """Write the new practices and the population in one transaction, then ANALYZE them."""
    with transaction.atomic():
        first = population.families[:1]
        if first and Family.objects.filter(pk=first[0].pk).exists():
            raise SeedAlreadyLoaded(
                "This seed was already loaded into this network; choose another --seed."
            )
        write_practices(
            plan.network if plan.is_new_network else None, plan.new_practices, plan.new_sites
        )
        write_population(population, progress=progress)
    if refresh_statistics:
        analyze(model for model, _ in population.tables())


def plan_and_generate(
    *,
    seed: int,
    children: int,
    practice_count: int,
    network_name: str,
    as_of: date,
    progress: Progress | None = None,
) -> tuple[Plan, Population]:
    """Decide where the children go and build them in memory; nothing is written yet."""
    plan = plan_run(seed=seed, practice_count=practice_count, network_name=network_name)
    population = generate_population(
        rng=plan.people_rng,
        places=plan.places,
        children=children,
        as_of=as_of,
        taken_mrns=plan.taken_mrns,
        progress=progress,
    )
    return plan, population


def synthesize(
    *, seed: int, children: int, practice_count: int, network_name: str, as_of: date
) -> tuple[Plan, Population]:
    plan, population = plan_and_generate(
        seed=seed,
        children=children,
        practice_count=practice_count,
        network_name=network_name,
        as_of=as_of,
    )
    save(plan, population)
    return plan, population
