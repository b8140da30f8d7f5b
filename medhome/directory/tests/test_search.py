import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medhome.directory.geo import MILES_PER_DEGREE_LATITUDE, UnknownZipError, zip_centroid
from medhome.directory.hsds import import_rows
from medhome.directory.models import Organization, PracticePartner
from medhome.directory.selectors import organizations_for_need, search_services, service_detail
from medhome.directory.taxonomy import need_term_id, needs_taxonomy_rows
from tests import factories

pytestmark = pytest.mark.django_db
HOME = "02903"
# Wednesday 2026-11-25, in America/New_York (UTC-5 in November).
WEDNESDAY_9AM = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


def sid(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test/{key}"))


def service(
    key,
    *,
    need="food",
    miles=1.0,
    langs="en",
    days="MO,TU,WE,TH,FR",
    opens="09:00",
    closes="17:00",
    low=None,
    high=None,
    cost=0.0,
    org=None,
):
    lat, lon = zip_centroid(HOME)
    rows = {
        "organization": [
            {"id": sid(org or key + "o"), "name": f"Org {org or key}", "description": "x"}
        ],
        "service": [
            {
                "id": sid(key),
                "organization_id": sid(org or key + "o"),
                "name": key,
                "status": "active",
            }
        ],
        "location": [
            {
                "id": sid(key + "l"),
                "location_type": "physical",
                "latitude": lat + miles / MILES_PER_DEGREE_LATITUDE,
                "longitude": lon,
            }
        ],
        "service_at_location": [
            {"id": sid(key + "s"), "service_id": sid(key), "location_id": sid(key + "l")}
        ],
        "language": [
            {"id": sid(key + c), "service_id": sid(key), "code": c} for c in langs.split()
        ],
        "schedule": [
            {
                "id": sid(key + "h"),
                "service_id": sid(key),
                "freq": "WEEKLY",
                "byday": days,
                "opens_at": opens + ":00",
                "closes_at": closes + ":00",
            }
        ],
        "cost_option": [
            {"id": sid(key + "c"), "service_id": sid(key), "amount": cost, "currency": "USD"}
        ],
        "attribute": [
            {
                "id": sid(key + "a"),
                "link_id": sid(key),
                "link_entity": "service",
                "taxonomy_term_id": str(need_term_id(need)),
            }
        ],
        "phone": [{"id": sid(key + "p"), "service_id": sid(key), "number": "401-555-0199"}],
    }
    if low is not None:
        rows["service"][0]["minimum_age"] = low
    if high is not None:
        rows["service"][0]["maximum_age"] = high
    report = import_rows(rows)
    assert report.ok, report.errors
    return sid(key)


@pytest.fixture
def needs(db):
    assert import_rows(needs_taxonomy_rows()).ok


def names(hits):
    return [h.service.name for h in hits]


def test_each_filter_alone_and_combined(needs):
    service("pantry", langs="en es", miles=1)
    service("far pantry", miles=30)
    service("housing", need="housing", miles=2)
    service("portuguese", langs="pt", miles=3)
    service("teens", low=12, high=21, miles=4)
    service("paid", cost=40, miles=5)
    service("weekend", days="SA,SU", miles=6)
    assert set(names(search_services(need="housing"))) == {"housing"}
    assert names(search_services(language="es")) == ["pantry"]
    assert names(search_services(language="spa")) == ["pantry"], "ISO 639-2 codes fold"
    assert "far pantry" not in names(search_services(near_zip=HOME, within_miles=10))
    assert "teens" not in names(search_services(child_age_years=2))
    assert "teens" in names(search_services(child_age_years=12))
    assert "paid" not in names(search_services(free_only=True))
    assert "weekend" not in names(search_services(open_at=WEDNESDAY_9AM))
    combined = search_services(
        need="food",
        language="en",
        near_zip=HOME,
        within_miles=10,
        open_at=WEDNESDAY_9AM,
        child_age_years=3,
        free_only=True,
    )
    assert names(combined) == ["pantry"]
    hit = combined[0]
    assert hit.open_now is True and hit.distance_miles == pytest.approx(1, abs=0.01)
    assert hit.languages == ["en", "es"] and [p.number for p in hit.phones] == ["401-555-0199"]


def test_distance_boundary(needs):
    service("inside", miles=9.95)
    service("outside", miles=10.05)
    assert names(search_services(near_zip=HOME, within_miles=10)) == ["inside"]
    assert names(search_services(near_zip="02903-1234", within_miles=10.1)) == ["inside", "outside"]
    with pytest.raises(UnknownZipError):
        search_services(near_zip="00000", within_miles=10)


@pytest.mark.parametrize(
    ("hour", "minute", "open_"),
    [(8, 59, False), (9, 0, True), (16, 59, True), (17, 0, False)],
)
def test_open_at_schedule_edges(needs, hour, minute, open_):
    service("pantry")
    moment = datetime(2026, 11, 25, hour + 5, minute, tzinfo=UTC)  # New York is UTC-5
    assert bool(search_services(open_at=moment)) is open_


def test_overnight_hours_roll_into_the_next_day(needs):
    service("night line", days="TU", opens="20:00", closes="02:00")
    assert names(search_services(open_at=datetime(2026, 11, 25, 6, 30, tzinfo=UTC))) == [
        "night line"
    ]  # Wednesday 01:30 local


@pytest.mark.parametrize(("age", "found"), [(11.9, False), (12, True), (21, True), (21.5, False)])
def test_age_limits_are_inclusive(needs, age, found):
    service("teens", low=12, high=21)
    assert bool(search_services(child_age_years=age)) is found


def test_ranking_trusted_then_on_site_then_distance_then_name(needs, network):
    practice = factories.make_practice("Harborview", network=network)
    other = factories.make_practice("Riverbend", network=network)
    service("b near", miles=1)
    service("a near", miles=1)
    service("far trusted", miles=8)
    service("mid on site", miles=5)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    for key, trusted, on_site in (("far trusted", True, False), ("mid on site", False, True)):
        PracticePartner.objects.create(
            practice=practice,
            organization=Organization.objects.get(pk=sid(key + "o")),
            trusted=trusted,
            on_site=on_site,
            note="our note",
            updated_at=now,
        )
    assert names(search_services(near_zip=HOME, practice=practice)) == [
        "far trusted",
        "mid on site",
        "a near",
        "b near",
    ]
    others = search_services(near_zip=HOME, practice=other)
    assert names(others) == ["a near", "b near", "mid on site", "far trusted"]
    assert all(h.curation is None for h in others)
    assert search_services(near_zip=HOME, practice=practice)[0].curation.note == "our note"


def test_query_count_is_constant(needs, network):
    practice = factories.make_practice("Harborview", network=network)
    service("one")
    with CaptureQueriesContext(connection) as few:
        search_services(
            need="food", near_zip=HOME, within_miles=20, practice=practice, open_at=WEDNESDAY_9AM
        )
    for n in range(8):
        service(f"more {n}", langs="en es pt")
    with CaptureQueriesContext(connection) as many:
        hits = search_services(
            need="food", near_zip=HOME, within_miles=20, practice=practice, open_at=WEDNESDAY_9AM
        )
    assert len(hits) == 9
    assert len(few) == len(many) == 4


def test_service_detail_and_organizations_for_need(needs):
    small = service("small", langs="en")
    big = service("big", langs="en es pt vi", low=0, high=5)
    with CaptureQueriesContext(connection) as first:
        detail = service_detail(small)
    with CaptureQueriesContext(connection) as second:
        big_detail = service_detail(big)
    assert len(first) == len(second)
    assert big_detail.languages == ["en", "es", "pt", "vi"]
    assert big_detail.hours[0].weekday == 0 and big_detail.hours[0].opens == "09:00"
    assert big_detail.maximum_age == 5 and big_detail.free_or_low_cost
    assert detail.phones[0].number == "401-555-0199" and detail.needs == ["food"]
    assert service_detail(uuid.uuid4()) is None
    assert [o.name for o in organizations_for_need("food")] == ["Org big", "Org small"]
    assert organizations_for_need("housing") == []
