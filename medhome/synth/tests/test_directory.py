"""The demo directory (synth/directory.py): loads through the directory's importer, twice
without duplicates, and its services are found by need, language, distance and opening time."""

from datetime import UTC, datetime

import pytest

from medhome.directory.models import Service
from medhome.directory.selectors import search_services
from medhome.synth.directory import ON_SITE_PARTNER, demo_organization_id, load_demo_directory

pytestmark = pytest.mark.django_db


def test_demo_directory_is_idempotent_and_searchable():
    first = load_demo_directory(seed=7)
    assert first.ok, first.errors
    count = Service.objects.count()
    assert load_demo_directory(seed=7).created.get("service", 0) == 0
    assert Service.objects.count() == count >= 41
    hits = search_services(
        need="food",
        language="es",
        near_zip="02907",
        within_miles=3,
        open_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
    )
    assert "Ocean State Food Bank Pantry" in [h.service.name for h in hits]
    legal = search_services(need="legal", near_zip="02128", within_miles=2)
    assert legal[0].organization.pk == demo_organization_id(ON_SITE_PARTNER, seed=7)
