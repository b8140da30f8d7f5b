"""Break-glass never opens what the clinical team alone may see (docs/architecture.md
#break-glass; domain-reference §11): an adolescent's confidential screens and a caregiver's own
answers need screening.detail, which no grant lifts. Here, not in medhome/breakglass/tests,
because it reads the screening app, which sits above break-glass."""

import pytest

from medhome.accounts.roles import BREAK_GLASS_LIFTS, Capability, Role
from medhome.breakglass import services
from medhome.core import clock
from medhome.core.actor import Lift
from medhome.screening.models import Administration
from medhome.screening.selectors import may_see_result

from . import factories

pytestmark = pytest.mark.django_db


def test_the_clinical_teams_confidential_items_stay_closed_under_a_grant(
    practice_a, staff_a, child_a
):
    front_desk = staff_a[Role.FRONT_DESK]
    actor = factories.actor_for(front_desk, practice_a, Role.FRONT_DESK)
    under_grant = _lifted(actor, child_a, services.lifted_for(Role.FRONT_DESK))

    assert not any(Capability.SCREENING_DETAIL in services.lifted_for(r) for r in Role.values)
    assert Capability.SCREENING_DETAIL not in BREAK_GLASS_LIFTS
    assert may_see_result(under_grant, Administration(confidential=False))
    assert not may_see_result(under_grant, Administration(confidential=True))
    assert not under_grant.can(Capability.SCREENING_DETAIL)


def _lifted(actor, child, capabilities):
    from dataclasses import replace

    lift = Lift(grant_id="g", child_id=child.pk, capabilities=capabilities, expires_at=clock.now())
    return replace(actor, capabilities=actor.capabilities | capabilities, break_glass=lift)
