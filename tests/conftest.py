"""The fixed cast of actors (architecture rule 10).

Two practices of one network, each with a family whose names, MRN, birth date and phone could
leak; staff of practice A in every role; a clinician of practice B; a nurse who works in both;
a user with no membership; anonymous (a plain `client`).
"""

from collections.abc import Callable
from datetime import date, time

import pytest
from django.test import Client

from medhome.accounts.models import User
from medhome.accounts.roles import Role
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child, Family
from medhome.families.services import Window
from medhome.practices.middleware import SESSION_PRACTICE_KEY
from medhome.practices.models import Network, Practice

from . import factories

# Practice A's family: accented names, so search must fold accents.
CHILD_A = {
    "legal_given_name": "Sofía",
    "legal_family_name": "García",
    "date_of_birth": date(2023, 5, 17),
    "mrn": "SG-100234",
}
CAREGIVER_A = {"given_name": "Marisol", "family_name": "García", "phone": "+16175550142"}

# Practice B's family: names that appear nowhere else, so any sighting in A is a leak.
CHILD_B = {
    "legal_given_name": "Zephyrine",
    "legal_family_name": "Quillfeather",
    "date_of_birth": date(2021, 8, 9),
    "mrn": "ZQ-884213",
    "preferred_language": "en",
    "race_ethnicity": ["white"],
    "payer": "commercial",
    "payer_member_id": "",
    "address_line1": "7 Orchard Lane",
    "city": "Northampton",
    "zip_code": "01060",
}
CAREGIVER_B = {
    "given_name": "Balthazar",
    "family_name": "Quillfeather",
    "relationship": "father",
    "phone": "+14135550199",
    "email": "balthazar.quillfeather@example.org",
    "preferred_language": "en",
    "needs_interpreter": False,
}
WINDOWS_B = [Window(weekday=2, starts_at=time(7, 30), ends_at=time(8, 15))]

# What of practice B's family must never appear in a page practice A's staff can reach.
PHI_B = [
    "Zephyrine",
    "Quillfeather",
    "Balthazar",
    "ZQ-884213",
    "2021-08-09",
    "08/09/2021",
    "Aug. 9, 2021",
    "August 9, 2021",
    "+14135550199",
    "(413) 555-0199",
    "413-555-0199",
    "4135550199",
    "balthazar.quillfeather@example.org",
    "7 Orchard Lane",
]
PHI_A = [
    "Sofía",
    "García",
    "Marisol",
    "SG-100234",
    "2023-05-17",
    "05/17/2023",
    "May 17, 2023",
    "+16175550142",
    "(617) 555-0142",
    "617-555-0142",
    "6175550142",
]

# Staff of practice A, one per role: (username, first name, last name).
STAFF_A = {
    Role.PEDIATRICIAN: ("a-pediatrician", "Amara", "Okafor"),
    Role.NURSE_PRACTITIONER: ("a-np", "Lena", "Parkhurst"),
    Role.NURSE: ("a-nurse", "Tomasz", "Nowakowski"),
    Role.CARE_COORDINATOR: ("a-coordinator", "Priya", "Ramanathan"),
    Role.COMMUNITY_HEALTH_WORKER: ("a-chw", "Rosalind", "Delgadillo"),
    Role.FAMILY_SPECIALIST: ("a-family-specialist", "Imani", "Brookshire"),
    Role.BEHAVIORAL_HEALTH: ("a-behavioral", "Samuel", "Levinson"),
    Role.LEGAL_PARTNER: ("a-legal", "Hannah", "Weissberg"),
    Role.FRONT_DESK: ("a-front-desk", "Marcello", "Bellinzona"),
    Role.PRACTICE_ADMIN: ("a-admin", "Grace", "Hollowell"),
    Role.NETWORK_ANALYST: ("a-analyst", "Oskar", "Lindqvist"),
    Role.PARENT_PARTNER: ("a-parent-partner", "Lucía", "Arboleda"),
}


@pytest.fixture
def network(db) -> Network:
    return factories.make_network()


@pytest.fixture
def practice_a(network) -> Practice:
    return factories.make_practice("Harborview Family Pediatrics", network=network)


@pytest.fixture
def practice_b(network) -> Practice:
    return factories.make_practice("Riverbend Children's Health", network=network)


@pytest.fixture
def registered_a(practice_a) -> tuple[Family, Child, Caregiver]:
    return factories.register(
        practice_a,
        family_name="García family",
        child=factories.child_values(**CHILD_A),
        caregiver=factories.caregiver_values(**CAREGIVER_A),
    )


@pytest.fixture
def family_a(registered_a) -> Family:
    return registered_a[0]


@pytest.fixture
def child_a(registered_a) -> Child:
    return registered_a[1]


@pytest.fixture
def caregiver_a(registered_a) -> Caregiver:
    return registered_a[2]


@pytest.fixture
def registered_b(practice_b) -> tuple[Family, Child, Caregiver]:
    return factories.register(
        practice_b,
        family_name="Quillfeather household",
        child=factories.child_values(**CHILD_B),
        caregiver=factories.caregiver_values(**CAREGIVER_B),
        windows=WINDOWS_B,
    )


@pytest.fixture
def family_b(registered_b) -> Family:
    return registered_b[0]


@pytest.fixture
def child_b(registered_b) -> Child:
    return registered_b[1]


@pytest.fixture
def caregiver_b(registered_b) -> Caregiver:
    return registered_b[2]


@pytest.fixture
def staff_a(practice_a) -> dict[str, User]:
    return {
        role: factories.make_staff(username, practice_a, role, first_name=first, last_name=last)
        for role, (username, first, last) in STAFF_A.items()
    }


@pytest.fixture
def clinician_a(staff_a) -> User:
    return staff_a[Role.PEDIATRICIAN]


@pytest.fixture
def clinician_b(practice_b) -> User:
    return factories.make_staff(
        "b-pediatrician", practice_b, Role.PEDIATRICIAN, first_name="Dmitri", last_name="Volkov"
    )


@pytest.fixture
def nurse_of_both(practice_a, practice_b) -> User:
    user = factories.make_user("ab-nurse", first_name="Ines", last_name="Duarte")
    factories.make_membership(user, practice_a, Role.NURSE)
    factories.make_membership(user, practice_b, Role.NURSE)
    return user


@pytest.fixture
def outsider(db) -> User:
    return factories.make_user("no-membership", first_name="Walter", last_name="Nemo")


@pytest.fixture
def clinician_a_actor(clinician_a, practice_a) -> Actor:
    return factories.actor_for(clinician_a, practice_a, Role.PEDIATRICIAN)


@pytest.fixture
def log_in(db) -> Callable[..., Client]:
    """A new client logged in as `user`, working in `practice` (None: no practice chosen)."""

    def log_in(user: User, practice: Practice | None = None, **client_options) -> Client:
        client = Client(**client_options)
        client.force_login(user)
        if practice is not None:
            session = client.session
            session[SESSION_PRACTICE_KEY] = str(practice.pk)
            session.save()
        return client

    return log_in


@pytest.fixture
def client_a(log_in, clinician_a, practice_a) -> Client:
    """The same-practice clinician: a pediatrician of practice A, working in A."""
    return log_in(clinician_a, practice_a)
