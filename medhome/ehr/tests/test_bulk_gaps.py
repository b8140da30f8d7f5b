"""What a practice's real export sends beyond the basics: the visit's site, gestational age,
siblings sharing a caregiver, and the preventive visit a well-child encounter makes."""

import pytest

from medhome.practices.models import Site
from medhome.visits.models import Visit

from .support import patient, run_import, write_export
from .test_bulk_mappings import P1, appointment, encounter

pytestmark = pytest.mark.django_db


def location(display: str, value: str = "") -> dict:
    found: dict = {"type": "Location", "display": display}
    if value:
        found["identifier"] = {"system": "urn:test:location", "value": value}
    return found


def test_visit_site_is_the_practices_site_by_name(practice_a, practice_b, tmp_path):
    north = Site.objects.create(practice=practice_a, name="North Clinic")
    Site.objects.create(practice=practice_b, name="South Clinic")  # another practice's
    files = {
        "Patient": [patient()],
        "Appointment": [
            appointment(
                "a1",
                "booked",
                participant=[
                    {"actor": P1, "status": "accepted"},
                    {"actor": location("NORTH CLINIC"), "status": "accepted"},
                ],
            ),
            appointment(
                "a2",
                "booked",
                participant=[
                    {"actor": P1, "status": "accepted"},
                    {"actor": location("South Clinic"), "status": "accepted"},
                ],
            ),
        ],
        "Encounter": [
            encounter("e1", location=[{"location": location("Annex", "north clinic")}]),
            encounter("e2", location=[{"location": location("Nowhere")}]),
            encounter("e3", appointment=[{"reference": "Appointment/a1"}]),
        ],
    }
    result = run_import(practice_a, write_export(tmp_path / "e", files))
    sites = {v.external_id: v.site_id for v in Visit.objects.all()}
    assert sites == {
        "Appointment/a1": north.pk,  # its encounter names no location: the booked site stays
        "Appointment/a2": None,  # another practice's site is no site of this one
        "Encounter/e1": north.pk,  # by the identifier's value
        "Encounter/e2": None,  # unknown: no site, not a refusal
    }
    assert result.counts["refused"] == {}
