from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.directory.models import Organization
from medhome.directory.selectors import practice_partners
from medhome.directory.services import curate
from tests import factories

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def org(db):
    return Organization.objects.create(name="Harbor Medical-Legal Partnership", description="x")


def actor(practice, role):
    user = factories.make_staff(
        f"{role}-{practice.pk}", practice, role, first_name="Ana", last_name="Reyes"
    )
    return factories.actor_for(user, practice, role)


def test_curation_needs_the_capability(org, network):
    practice = factories.make_practice("Harborview", network=network)
    with pytest.raises(PermissionDenied):
        curate(actor(practice, Role.PEDIATRICIAN), org, True, True, "note", AT)
    assert practice_partners(practice) == []


def test_curation_is_practice_scoped_and_audited_by_field_name(org, network):
    a = factories.make_practice("Harborview", network=network)
    b = factories.make_practice("Riverbend", network=network)
    partner = curate(actor(a, Role.CARE_COORDINATOR), org, True, True, "Tuesday walk-ins", AT)
    assert partner.practice == a and partner.updated_at == AT
    event = AuditEvent.objects.get(practice=a)
    assert event.detail["fields"] == ["trusted", "on_site", "note"]
    assert "Tuesday walk-ins" not in str(event.detail)
    curate(actor(a, Role.PRACTICE_ADMIN), org, True, False, "Tuesday walk-ins", AT)
    assert AuditEvent.objects.filter(practice=a).last().detail["fields"] == ["on_site"]
    assert practice_partners(b) == []
    assert [p.note for p in practice_partners(a)] == ["Tuesday walk-ins"]
