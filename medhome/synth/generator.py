"""The synthetic population: build it from a seeded rng (pure), then write it in bulk.

Two steps so that later work can add to what was made before it is written (visits,
screenings, referrals): `generate_population()` returns a `Population` of unsaved rows;
`write_population()` inserts them in batches (bulk.insert) inside one transaction. No clock,
no global random: the caller passes the rng and the as-of date, so the same seed gives
identical rows, primary keys included. Synthetic bulk loads write no audit events (nobody
opened a chart).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from random import Random
from uuid import UUID

from django.db import transaction
from django.db.models import Model

from medhome.core.progress import Progress
from medhome.families.models import AvailabilityWindow, Caregiver, Child, Family, PanelMembership
from medhome.practices.models import Network, Practice, Site

from . import parameters as P
from .attribution import memberships_of
from .bulk import insert, new_id
from .households import Household, MrnBook, Place, build_household
from .places import CITIES, PRACTICE_SUFFIXES, City

BATCH_SIZE = 2_000  # rows per INSERT; SQLite's variable limit allows more, memory prefers less
PROGRESS_CHUNK = 50_000  # rows between two progress updates while writing


def streams(seed: int, network_name: str) -> tuple[Random, Random]:
    """Independent rngs for places and people: adding a practice does not change the people.

    The network name is part of the seed, so two networks made with one seed get distinct keys.
    """
    prefix = f"medhome-synth:{seed}:{network_name}"
    return Random(f"{prefix}:places"), Random(f"{prefix}:people")


def run_timestamp(as_of: date) -> datetime:
    """created_at/updated_at of everything one run makes: noon UTC of the as-of date."""
    return datetime.combine(as_of, time(12, 0), tzinfo=UTC)


@dataclass(frozen=True)
class PracticeSpec:
    name: str
    city: City
    site_names: tuple[str, ...]


@dataclass
class Population:
    """What one run made, unsaved until write_population(); later steps append their rows."""

    as_of: date
    at: datetime
    places: list[Place]
    families: list[Family] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    caregivers: list[Caregiver] = field(default_factory=list)
    windows: list[AvailabilityWindow] = field(default_factory=list)
    memberships: list[PanelMembership] = field(default_factory=list)
    ended_share: float = P.PANEL_ENDED_SHARE

    def add(self, household: Household) -> None:
        self.families.append(household.family)
        self.children.extend(household.children)
        self.memberships.extend(
            memberships_of(
                household.children, as_of=self.as_of, at=self.at, ended_share=self.ended_share
            )
        )
        self.caregivers.extend(household.caregivers)
        self.windows.extend(household.windows)

    def tables(self) -> list[tuple[type[Model], Sequence[Model]]]:
        """Rows per model in insertion order (parents before children)."""
        return [
            (Family, self.families),
            (Child, self.children),
            (PanelMembership, self.memberships),
            (Caregiver, self.caregivers),
            (AvailabilityWindow, self.windows),
        ]

    def counts(self) -> dict[str, int]:
        return {str(model._meta.verbose_name_plural): len(rows) for model, rows in self.tables()}


def build_network(rng: Random, name: str) -> Network:
    return Network(id=new_id(rng), name=name)


def plan_practices(
    rng: Random, count: int, *, start: int = 0, taken_names: Iterable[str] = ()
) -> list[PracticeSpec]:
    """Names and cities of `count` new practices: "<neighbourhood> <suffix>", cities in turn."""
    taken = set(taken_names)
    specs = []
    for index in range(start, start + count):
        city = CITIES[index % len(CITIES)]
        neighborhoods = list(city.neighborhoods)
        rng.shuffle(neighborhoods)
        home, name = neighborhoods[0], ""
        for neighborhood in neighborhoods:
            home, name = neighborhood, f"{neighborhood} {rng.choice(PRACTICE_SUFFIXES)}"
            if name not in taken:
                break
        if name in taken:
            name = f"{name} {index + 1}"
        taken.add(name)
        sites = [f"{home} site"]  # the main site is in the neighbourhood the practice is named for
        if rng.random() < P.SECOND_SITE_SHARE:
            sites.append(f"{next(n for n in neighborhoods if n != home)} site")
        specs.append(PracticeSpec(name, city, tuple(sites)))
    return specs


def build_practice(
    rng: Random, network: Network | None, spec: PracticeSpec
) -> tuple[Practice, list[Site]]:
    practice = Practice(
        id=new_id(rng),
        network=network,
        name=spec.name,
        state=spec.city.state,
        # 555-01xx numbers are set aside for fiction; chosen without the generator's random
        # stream so the rest of the population stays as it was.
        phone=f"({spec.city.area_codes[0]}) 555-01{sum(map(ord, spec.name)) % 100:02d}",
    )
    sites = [
        Site(
            id=new_id(rng),
            practice=practice,
            name=site_name,
            address=f"{rng.randrange(10, 2000)} {rng.choice(spec.city.streets)}, "
            f"{spec.city.name}, {spec.city.state}",
            zip_code=rng.choice(spec.city.zip_codes),
        )
        for site_name in spec.site_names
    ]
    return practice, sites


def split_evenly(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def generate_population(
    *,
    rng: Random,
    places: Sequence[Place],
    children: int,
    as_of: date,
    taken_mrns: Mapping[UUID, Iterable[str]] | None = None,
    ended_share: float = P.PANEL_ENDED_SHARE,
    progress: Progress | None = None,
) -> Population:
    """`children` children in households, shared evenly between the places' practices; each
    with a panel membership, `ended_share` of them ended by `as_of` (synth/attribution.py);
    `progress` advances by each household's children."""
    if not places:
        raise ValueError("A synthetic population needs at least one practice.")
    population = Population(
        as_of=as_of, at=run_timestamp(as_of), places=list(places), ended_share=ended_share
    )
    taken_mrns = taken_mrns or {}
    for place, share in zip(places, split_evenly(children, len(places)), strict=True):
        mrns = MrnBook(set(taken_mrns.get(place.practice.pk, ())))
        remaining = share
        while remaining:
            size = min(P.CHILDREN_PER_HOUSEHOLD.pick(rng), remaining)
            population.add(build_household(rng, place, size, mrns, as_of=as_of, at=population.at))
            remaining -= size
            if progress is not None:
                progress.advance(size)
    return population


def write_practices(
    network: Network | None, practices: Sequence[Practice], sites: Sequence[Site]
) -> None:
    """Insert a new network (None if it exists already), its new practices and their sites."""
    with transaction.atomic():
        if network is not None:
            Network.objects.bulk_create([network])
        Practice.objects.bulk_create(practices)
        Site.objects.bulk_create(sites)


def write_population(
    population: Population, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> None:
    """Bulk inserts (bulk.insert) in one transaction: all of the population or nothing;
    `progress` advances by the rows written (in chunks of PROGRESS_CHUNK)."""
    with transaction.atomic():
        for model, rows in population.tables():
            if progress is None:
                insert(model, rows, batch_size=batch_size)
                continue
            for start in range(0, len(rows), PROGRESS_CHUNK):
                chunk = rows[start : start + PROGRESS_CHUNK]
                insert(model, chunk, batch_size=batch_size)
                progress.advance(len(chunk))
