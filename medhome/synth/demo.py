"""The demo network: two practices, a staff login for every role, ~640 synthetic children.

Everything here is invented; the people are synthetic and any likeness is chance. The staff
use settings.MEDHOME_DEMO_PASSWORD, printed by `manage.py load_demo`.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction

from medhome.accounts.models import User
from medhome.accounts.roles import CLINICIAN_ROLES, Role
from medhome.families.models import Child, Family
from medhome.practices.models import Membership, Network, Practice

from .bulk import analyze, new_id
from .ehr.demo_load import EhrLoad, load_through_ehr, staff_names
from .generator import (
    PracticeSpec,
    build_network,
    build_practice,
    generate_population,
    run_timestamp,
    streams,
    write_practices,
)
from .households import Place
from .places import CITY_BY_NAME

DEMO_NETWORK = "Harbor Pediatric Collaborative"
DEMO_SEED = 2026
DEMO_CHILDREN = 640  # ≈ 348 households (1.84 children each): comfortably over 300 families
DEMO_URL = "http://127.0.0.1:8000/"

RIVERSIDE = PracticeSpec(
    "Riverside Community Pediatrics",
    CITY_BY_NAME["Providence"],
    ("Olneyville site", "South Providence site"),
)
EASTSIDE = PracticeSpec(
    "Eastside Family Health Center", CITY_BY_NAME["Boston"], ("East Boston site",)
)

# Login name (before @<practice>.demo) per role.
ROLE_LOGINS = {
    Role.PEDIATRICIAN: "pediatrician",
    Role.NURSE_PRACTITIONER: "np",
    Role.NURSE: "nurse",
    Role.CARE_COORDINATOR: "coordinator",
    Role.COMMUNITY_HEALTH_WORKER: "chw",
    Role.FAMILY_SPECIALIST: "family.specialist",
    Role.BEHAVIORAL_HEALTH: "behavioral.health",
    Role.LEGAL_PARTNER: "legal",
    Role.FRONT_DESK: "frontdesk",
    Role.PRACTICE_ADMIN: "admin",
    Role.PARENT_PARTNER: "parent.partner",
}
# (first name, last name, credentials) per role, in ROLE_LOGINS order.
STAFF = {
    "riverside": (
        ("Grace", "Okafor", "MD"),
        ("Daniel", "Reyes", "CPNP"),
        ("Hannah", "Brooks", "RN"),
        ("Lucía", "Ferreira", "BSW"),
        ("Marisol", "Peña", "CHW"),
        ("Aisha", "Bello", "HealthySteps"),
        ("Samuel", "Cohen", "LICSW"),
        ("Rebecca", "Shah", "JD"),
        ("Tony", "Medeiros", ""),
        ("Patricia", "Nolan", "MBA"),
        ("Yesenia", "Morales", ""),
    ),
    "eastside": (
        ("Wei", "Chen", "MD"),
        ("Fatima", "Haddad", "FNP"),
        ("Kevin", "O'Neill", "RN"),
        ("Nadège", "Pierre", "BSW"),
        ("Abdi", "Warsame", "CHW"),
        ("Carmen", "Ortiz", "DULCE"),
        ("Jordan", "Lee", "PsyD"),
        ("Michael", "Russo", "JD"),
        ("Linh", "Tran", ""),
        ("Sarah", "Whitman", "MBA"),
        ("Ana", "Quispe", ""),
    ),
}
# Network-wide people: (login, first, last, credentials, role, practice keys).
NETWORK_STAFF = (
    ("analyst@harbor.demo", "Priya", "Raman", "MPH", Role.NETWORK_ANALYST, ("riverside",)),
    (
        "coordinator@harbor.demo",
        "Rosa",
        "Delgado",
        "BSW",
        Role.CARE_COORDINATOR,
        ("riverside", "eastside"),
    ),
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    practice: str


@dataclass(frozen=True)
class Demo:
    network: Network
    logins: list[Login]
    created: bool
    family_count: int
    child_count: int
    ehr: EhrLoad | None = None  # what came through the EHR import paths (a new demo only)


def _user(username: str, first: str, last: str, credentials: str) -> User:
    user = User(
        username=username,
        email=username,
        first_name=first,
        last_name=last,
        display_name=f"{first} {last}",
        credentials=credentials,
    )
    user.set_password(settings.MEDHOME_DEMO_PASSWORD)
    return user


def logins_of(network: Network) -> list[Login]:
    roles = list(Role.values)
    memberships = Membership.objects.filter(practice__network=network).select_related(
        "user", "practice"
    )
    rows = sorted(
        memberships,
        key=lambda m: (
            m.practice.name != RIVERSIDE.name,
            m.practice.name,
            roles.index(m.role),
            m.user.username.endswith("@harbor.demo"),  # the practice's own staff first
            m.user.username,
        ),
    )
    return [Login(m.user.username, str(Role(m.role).label), m.practice.name) for m in rows]


def load_demo(*, as_of: date, now: datetime | None = None) -> Demo:
    """Create the demo network once; later calls change nothing and return its logins.

    The staff, practices and sites are the demo's own; the children, caregivers and visits
    arrive through the EHR import paths (synth/ehr/demo_load.py): a FHIR bulk export of the
    synthetic population imported by the bulk import, and today's clinic as SIU messages on
    the practice's EHR feed. `now` stamps the import (default: noon UTC of `as_of`)."""
    existing = Network.objects.filter(name=DEMO_NETWORK).first()
    if existing is not None:
        practices = Practice.objects.filter(network=existing)
        return Demo(
            existing,
            logins_of(existing),
            created=False,
            family_count=Family.objects.filter(practice__in=practices).count(),
            child_count=Child.objects.filter(practice__in=practices).count(),
        )
    places_rng, people_rng = streams(DEMO_SEED, DEMO_NETWORK)
    with transaction.atomic():
        network = build_network(places_rng, DEMO_NETWORK)
        built = {
            key: build_practice(places_rng, network, spec)
            for key, spec in (("riverside", RIVERSIDE), ("eastside", EASTSIDE))
        }
        write_practices(
            network,
            [p for p, _ in built.values()],
            [site for _, sites in built.values() for site in sites],
        )
        users: list[User] = []
        member_of: list[tuple[User, str, str]] = []
        for key, people in STAFF.items():
            for (role, login), (first, last, credentials) in zip(
                ROLE_LOGINS.items(), people, strict=True
            ):
                users.append(_user(f"{login}@{key}.demo", first, last, credentials))
                member_of.append((users[-1], key, role))
        for username, first, last, credentials, role, keys in NETWORK_STAFF:
            users.append(_user(username, first, last, credentials))
            member_of.extend((users[-1], key, role) for key in keys)
        User.objects.bulk_create(users)
        users_by_name = {
            u.username: u for u in User.objects.filter(username__in=[u.username for u in users])
        }
        Membership.objects.bulk_create(
            Membership(
                id=new_id(places_rng),
                user=users_by_name[user.username],
                practice=built[key][0],
                role=role,
            )
            for user, key, role in member_of
        )
        places = []
        for key, spec in (("riverside", RIVERSIDE), ("eastside", EASTSIDE)):
            clinicians = sorted(
                users_by_name[u.username].pk
                for u, k, role in member_of
                if k == key and role in CLINICIAN_ROLES
            )
            places.append(Place(built[key][0], spec.city, tuple(clinicians)))
        population = generate_population(
            rng=people_rng, places=places, children=DEMO_CHILDREN, as_of=as_of
        )
    sites = {
        practice.pk: [(str(site.pk), site.name) for site in practice_sites]
        for practice, practice_sites in built.values()
    }
    ehr = load_through_ehr(
        population,
        seed=f"{DEMO_SEED}:{DEMO_NETWORK}",
        as_of=as_of,
        now=now or run_timestamp(as_of),
        sites=sites,
        staff=staff_names(users_by_name.values()),
    )
    analyze(model for model, _ in population.tables())
    practices = Practice.objects.filter(network=network)
    return Demo(
        network,
        logins_of(network),
        created=True,
        family_count=Family.objects.filter(practice__in=practices).count(),
        child_count=Child.objects.filter(practice__in=practices).count(),
        ehr=ehr,
    )
