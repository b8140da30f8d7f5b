"""The Open Referral API's answers: every endpoint valid against the HSDS 3.0 schemas, only
what is published, the standard's filters and paging, 400/404 answers, fixed query counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medhome.core import clock
from medhome.directory.hsds import import_rows
from medhome.directory.models import Organization, PracticePartner
from medhome.directory.taxonomy import NEEDS_TAXONOMY_ID, need_term_id
from medhome.directory.vocabulary import Need
from tests import factories

from .openreferral_support import (
    EXAMPLE_ORG,
    EXAMPLE_SERVICE,
    EXAMPLE_TAXONOMY,
    EXAMPLE_TERM,
    ORG,
    OTHER_ORG,
    TABLE_OF,
    errors_of,
    load_directory,
    merge,
    page_errors,
    publish,
    service_rows,
    sid,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(imported_examples, network):
    load_directory()
    return publish(factories.make_practice("Harborview", network=network))


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


LISTS = [
    ("services", ""),
    ("services", "?full=true"),
    ("services", "?minimal=true"),
    ("organizations", ""),
    ("organizations", "?full=true"),
    ("organizations", "?full_service=true"),
    ("locations", ""),
    ("locations", "?full=true"),
    ("service_at_locations", ""),
    ("service_at_locations", "?full=true"),
    ("taxonomies", ""),
    ("taxonomy_terms", ""),
]


@pytest.mark.parametrize(("name", "query"), LISTS)
def test_every_list_validates_against_the_hsds_schemas(client, base, name, query):
    body = get(client, f"{base}{name}{query}&per_page=200".replace("&", "?", "?" not in query))
    assert body["total_items"] >= 1
    assert body["size"] == len(body["contents"]) == body["total_items"]
    assert page_errors(TABLE_OF[name], body, minimal="minimal" in query) == []


def test_every_detail_validates_against_the_hsds_schemas(client, base):
    ids = {
        "services": [EXAMPLE_SERVICE, sid("a")],
        "organizations": [EXAMPLE_ORG, ORG],
        "locations": [sid("a/l")],
        "service_at_locations": [sid("a/sal")],
        "taxonomies": [EXAMPLE_TAXONOMY, str(NEEDS_TAXONOMY_ID)],
        "taxonomy_terms": [EXAMPLE_TERM, str(need_term_id("food"))],
    }
    for name, records in ids.items():
        for record in records:
            body = get(client, f"{base}{name}/{record}")
            assert body["id"] == record
            assert errors_of(TABLE_OF[name], body) == []
    full = get(client, f"{base}organizations/{ORG}?full_service=true")
    assert errors_of("organization", full) == []
    assert [s["name"] for s in full["services"]] == [
        "Service a",
        "Service b",
        "Service c",
        "Service d",
    ]
    assert all("organization" not in s and s["phones"] for s in full["services"])


def test_info_names_the_hsds_version(client, base):
    assert get(client, base) == {
        "version": "3.0",
        "profile": "https://docs.openreferral.org/en/3.0/hsds/",
    }


def test_a_service_is_nested_as_the_standard_nests_it(client, base):
    body = get(client, f"{base}services/{sid('a')}")
    assert body["organization"]["name"] == "Harbor Family Services"
    assert [p["number"] for p in body["phones"]] == ["401-555-0100"]
    [sal] = body["service_at_locations"]
    assert sal["location"]["addresses"][0]["postal_code"] == "02903"
    [attribute] = body["attributes"]
    assert attribute["taxonomy_term"]["code"] == "housing"
    assert attribute["taxonomy_term"]["taxonomy_detail"]["name"] == "medhome needs"
    example = get(client, f"{base}services/{EXAMPLE_SERVICE}")
    assert {"phones", "schedules", "service_areas", "languages", "funding", "cost_options"} <= set(
        example
    )


def test_only_active_services_and_what_offers_them_are_published(client, base):
    names = [s["name"] for s in get(client, f"{base}services?per_page=50")["contents"]]
    assert names == ["Community Counselling", "Service a", "Service b", "Service c", "Service d"]
    for inactive in ("inactive", "defunct"):
        get(client, f"{base}services/{sid(inactive)}", 404)
        get(client, f"{base}locations/{sid(inactive + '/l')}", 404)
        get(client, f"{base}service_at_locations/{sid(inactive + '/sal')}", 404)
    # An organization whose services are all inactive, and one a practice added for an outside
    # member of a care team (a name, no service), are not published.
    added = Organization.objects.create(name="Dr. Quiet's clinic", description="x")
    orgs = get(client, f"{base}organizations")["contents"]
    assert sorted(o["id"] for o in orgs) == sorted([EXAMPLE_ORG, ORG])
    get(client, f"{base}organizations/{OTHER_ORG}", 404)
    get(client, f"{base}organizations/{added.pk}", 404)
    nested = get(client, f"{base}organizations/{ORG}")
    assert sid("inactive") not in {s["id"] for s in nested["services"]}


def test_the_practices_curation_never_reaches_the_api(client, base, network):
    practice = factories.make_practice("Riverbend", network=network)
    PracticePartner.objects.create(
        practice=practice,
        organization_id=ORG,
        trusted=True,
        on_site=True,
        note="Ask for Maria, private-note-7731",
        updated_at=clock.now(),
    )
    for name, query in LISTS:
        text = client.get(f"{base}{name}{query}").content.decode()
        assert "private-note-7731" not in text
        assert "trusted" not in text and "on_site" not in text
    assert "private-note-7731" not in client.get(f"{base}organizations/{ORG}").content.decode()


def test_paging_reads_every_item_once_with_the_standards_wrapper(client, base):
    first = get(client, f"{base}services?per_page=2")
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    middle = get(client, f"{base}services?per_page=2&page=2")
    last = get(client, f"{base}services?per_page=2&page=3")
    assert (middle["first_page"], middle["last_page"], last["last_page"]) == (False, False, True)
    assert last["size"] == 1
    ids = [s["id"] for body in (first, middle, last) for s in body["contents"]]
    assert len(ids) == len(set(ids)) == 5
    past = get(client, f"{base}services?per_page=2&page=4")
    assert (past["contents"], past["empty"], past["last_page"], past["size"]) == ([], True, True, 0)


def test_per_page_is_capped_by_the_setting(client, base, settings):
    settings.MEDHOME_OPENREFERRAL = {"default_per_page": 2, "max_per_page": 3}
    assert get(client, f"{base}services")["size"] == 2
    capped = get(client, f"{base}services?per_page=100")
    assert (capped["size"], capped["total_pages"]) == (3, 2)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("services?page=0", "page must be 1 or more, not 0."),
        ("services?page=two", "page must be a whole number, not 'two'."),
        ("services?per_page=-5", "per_page must be 1 or more, not -5."),
        ("services?organization_id=42", "organization_id must be a UUID, not '42'."),
        ("services?taxonomy_term_id=food", "taxonomy_term_id must be a UUID, not 'food'."),
        ("services?full=yes", "full must be true or false, not 'yes'."),
        ("services?format=xml", "format must be json or ndjson, not 'xml'."),
        ("taxonomy_terms?parent_id=x", "parent_id must be a UUID, not 'x'."),
        ("services/not-a-uuid", "id must be a UUID, not 'not-a-uuid'."),
        (
            "services?modified_after=yesterday",
            "modified_after must be an ISO 8601 date-time such as 2024-05-01T00:00:00Z, "
            "not 'yesterday'.",
        ),
        (
            "taxonomies?taxonomy_id=" + str(NEEDS_TAXONOMY_ID),
            "Unknown parameter 'taxonomy_id'; this endpoint takes: format, page, per_page, search.",
        ),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(client, base, query, message):
    assert get(client, base + query, 400) == {"status": 400, "message": message}


def test_an_unknown_id_is_404(client, base):
    body = get(client, f"{base}services/{sid('nobody')}", 404)
    assert body == {"status": 404, "message": "No published record has this id."}
    get(client, f"{base}taxonomy_terms/{sid('nobody')}", 404)


def ids(body):
    return [item["id"] for item in body["contents"]]


def test_service_filters(client, base):
    food = str(need_term_id("food"))
    assert ids(get(client, f"{base}services?taxonomy_term_id={food}")) == [
        sid("b"),
        sid("c"),
        sid("d"),
    ]
    by_taxonomy = get(client, f"{base}services?taxonomy_id={NEEDS_TAXONOMY_ID}")
    assert ids(by_taxonomy) == [sid(k) for k in "abcd"]
    assert ids(get(client, f"{base}services?organization_id={EXAMPLE_ORG}")) == [EXAMPLE_SERVICE]
    after = get(client, f"{base}services?modified_after=2026-01-12T00:00:00Z")
    assert ids(after) == [sid("c"), sid("d")]
    naive = get(client, f"{base}services?modified_after=2026-01-13")
    assert ids(naive) == [sid("d")]
    assert ids(get(client, f"{base}services?search=counselling")) == [EXAMPLE_SERVICE]
    assert ids(get(client, f"{base}services?search=harbor+housing")) == [sid("a")]
    sal = get(client, f"{base}service_at_locations?taxonomy_term_id={food}")
    assert ids(sal) == [sid("b/sal"), sid("c/sal"), sid("d/sal")]


def test_taxonomy_term_filters(client, base):
    terms = get(client, f"{base}taxonomy_terms?taxonomy_id={NEEDS_TAXONOMY_ID}&per_page=200")
    assert terms["total_items"] == len(Need) and EXAMPLE_TERM not in ids(terms)
    assert ids(
        get(client, f"{base}taxonomy_terms?parent_id=0bc248fa-dc27-4650-9ba4-8f1a24ef16a2")
    ) == [EXAMPLE_TERM]
    top = get(client, f"{base}taxonomy_terms?top_only=true&per_page=200")
    assert EXAMPLE_TERM not in ids(top) and top["total_items"] == len(Need)
    assert ids(get(client, f"{base}taxonomy_terms?search=housing")) == [
        str(need_term_id("housing"))
    ]


def test_ndjson_streams_every_item_unpaged(client, base, settings):
    settings.MEDHOME_OPENREFERRAL = {"default_per_page": 2, "max_per_page": 2}
    response = client.get(f"{base}services?format=ndjson&full=true")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    items = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert len(items) == 5
    assert [e for item in items for e in errors_of("service", item)] == []


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def twins(base):
    """A second organization shaped like the first (four services of the same shape), so that
    pages of 1 and of 4 organizations, services or locations hold items of one shape."""
    twin = sid("twin")
    report = import_rows(
        merge(
            {"organization": [{"id": twin, "name": "Harbor Twin", "description": "Same shape"}]},
            *[service_rows(f"twin{i}", org=twin) for i in range(4)],
        )
    )
    assert report.ok, report.errors
    return base


@pytest.mark.parametrize(
    "path",
    [
        f"services?full=true&organization_id={ORG}",
        f"services?organization_id={ORG}",
        "organizations?full_service=true&search=harbor",
        "organizations?full=true&search=harbor",
        "locations?full=true&search=site",
        f"service_at_locations?full=true&organization_id={ORG}",
        f"taxonomy_terms?taxonomy_id={NEEDS_TAXONOMY_ID}",
    ],
)
def test_a_page_costs_the_same_queries_whatever_its_size(client, twins, path):
    one = queries(client, f"{twins}{path}&per_page=1")
    more = queries(client, f"{twins}{path}&per_page=4")
    assert one == more
    assert one <= 45  # every table once per nesting level at most


def test_a_list_page_is_five_queries(client, base):
    # access mode, count, the page, its organizations, its programs
    assert queries(client, f"{base}services?per_page=4") == 5
