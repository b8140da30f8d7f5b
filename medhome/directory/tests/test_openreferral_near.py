"""The Open Referral API's `postcode` and `proximity` on /service_at_locations (HSDS API
openapi.json): coverage by service area (GeoJSON or a ZIP list; an area medhome cannot read never
hides a service), distance from the ZIP's centroid, clear 400s, answers valid HSDS."""

import json

import pytest

from medhome.directory.geo import zip_centroid
from medhome.directory.hsds import import_rows
from medhome.directory.openreferral_near import covers
from tests import factories

from .openreferral_support import load_directory, merge, page_errors, publish, service_rows, sid

pytestmark = pytest.mark.django_db

PROVIDENCE = (41.824, -71.4128)
BOSTON = (42.3601, -71.0589)
# Rhode Island, roughly: a box from Westerly to Woonsocket, with a hole around Block Island.
RHODE_ISLAND = {
    "type": "Polygon",
    "coordinates": [
        [[-71.9, 41.1], [-71.1, 41.1], [-71.1, 42.02], [-71.9, 42.02], [-71.9, 41.1]],
        [[-71.65, 41.1], [-71.5, 41.1], [-71.5, 41.25], [-71.65, 41.25], [-71.65, 41.1]],
    ],
}


def _placed(key, point=None, area=None):
    rows = service_rows(key)
    if point is not None:
        rows["location"][0].update(latitude=point[0], longitude=point[1])
    if area is not None:
        extent, extent_type = area
        rows["service_area"] = [
            {
                "id": sid(f"{key}/area"),
                "service_id": sid(key),
                "extent": extent,
                "extent_type": extent_type,
            }
        ]
    return rows


@pytest.fixture
def base(imported_examples, network):
    load_directory(active=1)  # Service a: no coordinates, its address in ZIP 02903
    report = import_rows(
        merge(
            _placed("ri", PROVIDENCE, (json.dumps(RHODE_ISLAND), "geojson")),
            _placed("boston", BOSTON, ("02108, 02109", "text")),
            _placed("unread", None, ("All postcodes starting with AB1", "text")),
        )
    )
    assert report.ok, report.errors
    return publish(factories.make_practice("Harborview", network=network))


def _ids(client, url, status=200):
    answer = client.get(url)
    assert answer.status_code == status, answer.content[:300]
    body = answer.json()
    if status == 200:
        assert page_errors("service_at_location", body) == []
        return {item["id"] for item in body["contents"]}
    return body["message"]


def sal(*keys):
    return {sid(f"{k}/sal") for k in keys}


def test_postcode_keeps_the_services_whose_area_covers_it(client, base):
    found = _ids(client, f"{base}service_at_locations?postcode=02903&per_page=50")
    assert sal("a", "ri", "unread") <= found
    assert sid("boston/sal") not in found
    in_boston = _ids(client, f"{base}service_at_locations?postcode=02108&per_page=50")
    assert sal("a", "boston", "unread") <= in_boston
    assert sid("ri/sal") not in in_boston


def test_proximity_is_meters_from_the_postcodes_centroid(client, base):
    url = f"{base}service_at_locations?postcode=02903&proximity=10000"
    # a by its address's ZIP, ri by its coordinates; unread too (its address is 02903).
    assert _ids(client, url) == sal("a", "ri", "unread")
    # Pawtucket's centroid is ~6.2 km from Providence's: 5 km holds nobody placed at 02903.
    assert _ids(client, f"{base}service_at_locations?postcode=02860&proximity=5000") == set()
    near_pawtucket = f"{base}service_at_locations?postcode=02860&proximity=7000"
    assert _ids(client, near_pawtucket) == sal("a", "ri", "unread")
    # Boston is ~65 km away: in range from 100 km, but its area (two Boston ZIPs) leaves it out.
    assert sid("boston/sal") not in _ids(
        client, f"{base}service_at_locations?postcode=02903&proximity=100000"
    )
    assert sid("boston/sal") in _ids(
        client, f"{base}service_at_locations?postcode=02108&proximity=1000"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("proximity=500", "proximity needs a postcode: the distance is from its centroid."),
        ("postcode=99999", "postcode must be a known US ZIP code such as 02903, not '99999'."),
        ("postcode=AB1 2CD", "postcode must be a known US ZIP code such as 02903, not 'AB1 2CD'."),
        (
            "postcode=02903&proximity=-3",
            "proximity must be a distance in meters above 0 and at most 2,000,000, not '-3'.",
        ),
        (
            "postcode=02903&proximity=near",
            "proximity must be a distance in meters above 0 and at most 2,000,000, not 'near'.",
        ),
    ],
)
def test_bad_place_filters_are_refused(client, base, query, message):
    assert _ids(client, f"{base}service_at_locations?{query}", 400) == message


def test_only_service_at_locations_take_place_filters(client, base):
    message = _ids(client, f"{base}services?postcode=02903", 400)
    assert message.startswith("Unknown parameter 'postcode'")


@pytest.mark.parametrize(
    ("extent", "extent_type", "zip_code", "expected"),
    [
        (json.dumps(RHODE_ISLAND), "geojson", "02903", True),
        (json.dumps(RHODE_ISLAND), "GeoJSON", "02108", False),
        (json.dumps({"type": "Feature", "geometry": RHODE_ISLAND}), "geojson", "02903", True),
        (
            json.dumps({"type": "MultiPolygon", "coordinates": [RHODE_ISLAND["coordinates"]]}),
            "geojson",
            "02108",
            False,
        ),
        (json.dumps({"type": "Point", "coordinates": [-71.4, 41.8]}), "geojson", "02903", None),
        ("extent", "geojson", "02903", None),
        ("02903-1234 02904", "text", "02903", True),
        ("02904;02905", "text", "02903", False),
        ("Providence County", "text", "02903", None),
        ("<kml/>", "kml", "02903", None),
    ],
)
def test_what_an_area_covers(extent, extent_type, zip_code, expected):
    assert covers(extent, extent_type, zip_centroid(zip_code), zip_code) is expected


def test_a_point_in_the_hole_is_outside():
    block_island = (41.17, -71.58)
    assert covers(json.dumps(RHODE_ISLAND), "geojson", block_island, "02807") is False
