import pytest

from medhome.accounts.roles import Role
from tests import factories
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)

REASON = "Mother at the desk says the child had a seizure; the nurse is with another patient"


@pytest.fixture
def partner_a(staff_a):
    """A parent partner of practice A: no chart by role."""
    return staff_a[Role.PARENT_PARTNER]


@pytest.fixture
def other_child_a(practice_a):
    return factories.register(
        practice_a,
        family_name="Nakamura family",
        child=factories.child_values(
            legal_given_name="Kenji", legal_family_name="Nakamura", mrn="KN-200417"
        ),
        caregiver=factories.caregiver_values(
            given_name="Aiko", family_name="Nakamura", phone="+16175550199"
        ),
    )[1]


def ask(client, child, *, reason=REASON, category="urgent_care"):
    return client.post(
        f"/children/{child.pk}/emergency-access/",
        {"reason_category": category, "reason_text": reason},
    )
