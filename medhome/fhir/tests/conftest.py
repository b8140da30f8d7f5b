"""The project's cast of actors (tests/conftest.py), a user/ token of practice A's clinician and
three more children of child A's family."""

from datetime import timedelta

import pytest

from tests import factories
from tests.conftest import *  # noqa: F403
from tests.fhir_support import issue_token


@pytest.fixture
def token_a(practice_a, clinician_a):
    return issue_token(scope="user/*.rs", practice=practice_a, user=clinician_a)


@pytest.fixture
def siblings(family_a, child_a):
    born = child_a.date_of_birth
    return [
        factories.add_child(
            family_a,
            legal_given_name=f"Kid{n}",
            mrn=f"SG-9{n}",
            date_of_birth=born - timedelta(days=400 * n),
        )
        for n in range(1, 4)
    ]
