"""Finding a child: by name, birth date or MRN, only in the practice one works in."""

import re
from datetime import date, time

import pytest
from django.urls import reverse

from medhome.audit.models import AuditEvent
from medhome.families import selectors
from medhome.families.services import Window
from tests.budgets import CHART_QUERIES

from . import factories

pytestmark = pytest.mark.django_db

SEARCH = "/children/"


@pytest.fixture
def garcia_in_b(family_b):
    """Practice B has a García too, born the same day, with the same MRN as practice A's."""
    return factories.add_child(
        family_b,
        legal_given_name="Gaspar",
        legal_family_name="García",
        date_of_birth=date(2023, 5, 17),
        mrn="SG-100234",
    )


def found(client, query: str) -> list[str]:
    response = client.post(SEARCH, {"q": query})
    assert response.status_code == 200
    return [str(child) for child in response.context["results"]]


@pytest.mark.parametrize(
    "query",
    [
        "garcia",
        "García",
        "GARC",
        "gar",
        "sof",
        "SOFIA",
        "Sofía García",
        "sofia garcia",
        "garcia sofia",
        "García, Sofía",
        "sof gar",
        "05/17/2023",
        "2023-05-17",
        "SG-100234",
        "sg-100234",
        "  SG-100234 ",
    ],
)
def test_search_finds_the_child_of_this_practice_only(client_a, child_a, garcia_in_b, query):
    assert found(client_a, query) == ["Sofía García"]


@pytest.mark.parametrize(
    "query", ["Quillfeather", "zephyrine", "Zephyrine Quillfeather", "08/09/2021", "ZQ-884213"]
)
def test_search_never_finds_another_practices_child(client_a, child_a, child_b, query):
    assert found(client_a, query) == []


@pytest.mark.parametrize("query", ["marisol", "05/18/2023", "SG-10023", "x", "arcia", "sofiaa"])
def test_search_finds_nothing_for_what_does_not_match(client_a, child_a, query):
    assert found(client_a, query) == []


def test_the_other_practice_finds_its_own_child(
    log_in, clinician_b, practice_b, child_a, child_b, garcia_in_b
):
    client = log_in(clinician_b, practice_b)

    assert found(client, "garcia") == ["Gaspar García"]
    assert found(client, "2023-05-17") == ["Gaspar García"]
    assert found(client, "quill") == ["Zephyrine Quillfeather"]


def test_results_are_in_name_order(client_a, family_a, child_a):
    factories.add_child(family_a, legal_given_name="Andrés", mrn="AG-1")
    factories.add_child(family_a, legal_given_name="Mateo", legal_family_name="Garner", mrn="MG-1")

    assert found(client_a, "gar") == ["Andrés García", "Sofía García", "Mateo Garner"]


def test_search_selector_is_scoped_to_the_actor(clinician_a_actor, child_a, garcia_in_b):
    results = selectors.search_children(clinician_a_actor, "garcia")

    assert [child.pk for child in results] == [child_a.pk]


def test_search_is_a_post_so_the_query_is_never_in_a_url(client_a, child_a):
    before = AuditEvent.objects.count()

    page = client_a.get(SEARCH, {"q": "garcia"})

    assert page.status_code == 200
    assert page.context["results"] == []
    assert AuditEvent.objects.count() == before
    forms = re.findall(r"<form\b[^>]*>", page.content.decode())
    search_forms = [form for form in forms if 'role="search"' in form]
    assert len(search_forms) == 1
    assert 'method="post"' in search_forms[0]
    assert [form for form in forms if 'method="get"' in form.lower()] == []


def test_search_results_link_to_charts_without_the_query(client_a, child_a):
    response = client_a.post(SEARCH, {"q": "Sofía"})

    links = re.findall(r'href="([^"]+)"', response.content.decode())
    assert f"/children/{child_a.pk}/" in links
    assert [link for link in links if "Sof" in link or "q=" in link] == []


def test_back_and_reload_show_the_last_search_without_the_query_in_a_url(client_a, child_a):
    client_a.post(SEARCH, {"q": "garcia"}, headers={"HX-Request": "true"})

    again = client_a.get(SEARCH)
    chart = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()

    assert [child.pk for child in again.context["results"]] == [child_a.pk]
    assert 'value="garcia"' in again.content.decode()
    back = re.search(r'href="([^"]*)">Back to results<', chart)
    assert back and back.group(1) == SEARCH
    assert "garcia" not in chart.lower().split("<main")[0]


def test_the_last_search_is_kept_for_its_practice_only(client_a, child_a, practice_b):
    # A search made while working in practice B is not shown in practice A.
    client_a.post(SEARCH, {"q": "garcia"})
    session = client_a.session
    kept = session["families.last_search"]
    session["families.last_search"] = {**kept, "practice": str(practice_b.pk)}
    session.save()

    page = client_a.get(SEARCH)
    chart = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()

    assert page.context["results"] == [] and page.context["query"] == ""
    assert "Back to results" not in chart


def test_a_chart_leads_back_to_today(client_a, child_a):
    chart = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()

    assert f'href="{reverse("screening:today")}">Back to Today<' in chart
    assert "Back to results" not in chart


def test_htmx_search_answers_with_the_results_only(client_a, child_a):
    response = client_a.post(SEARCH, {"q": "garcia"}, headers={"HX-Request": "true"})

    body = response.content.decode().strip()
    assert body.startswith('<div id="results"')
    assert "<html" not in body
    assert "García, Sofía" in body


# --- Query counts (architecture rule 11) --------------------------------------------------------


@pytest.mark.parametrize("matches", [1, 3])
def test_search_query_count_does_not_grow_with_results(
    client_a, family_a, matches, django_assert_num_queries
):
    for number in range(matches):
        factories.add_child(
            family_a,
            legal_given_name=f"Kenji{number}",
            legal_family_name="Nakamura",
            mrn=f"KN-{number}",
        )
    client_a.get(SEARCH)  # the session and the chain head exist, as for any later search

    with django_assert_num_queries(13):
        names = found(client_a, "nakamura")

    assert len(names) == matches


@pytest.mark.parametrize("rows", [1, 3])
def test_chart_query_count_does_not_grow_with_the_family(
    client_a, family_a, child_a, rows, django_assert_num_queries
):
    for number in range(rows - 1):
        factories.add_child(family_a, legal_given_name=f"Sibling{number}", mrn=f"SB-{number}")
        factories.add_caregiver(
            family_a,
            given_name=f"Caregiver{number}",
            is_primary_contact=False,
            windows=[Window(weekday=number, starts_at=time(8), ends_at=time(9))],
        )
    chart = reverse("families:chart", kwargs={"child_id": child_a.pk})
    client_a.get(chart)

    # 12 for the chart itself (its panel memberships one of them; the practice joined to the child;
    # the session is read, not written: core.middleware.SessionTimeoutsMiddleware), 7 for the
    # screening panels (alerts, completions, text packs, results, links, forms in progress, the
    # visit's rows), 1 for the navigation's count of open alerts, 2 for the referrals panel
    # (referrals, open tasks) and 1 for recent transitions of care, 1 for the care plan, 1 for the
    # family's live links, 6 for the EHR summary (problems, medications, allergies, immunizations,
    # last visits, coverage: one per table), 1 for the growth measurements, 2 for "At this visit"
    # (the visit's rows' sources, the family's last look at its topics; the child's schedule is the
    # screening section's, read once per chart: core.remember), 2 for the visits section (the open
    # visits, the last few), 1 for the caregivers' consent to texts and email, 1 for the child's
    # open tasks (tasks/chart.py), 1 for the positive screens waiting for follow-up (their steps
    # only when there are some), 1 for the team notes (their authors joined), 2 for the programs
    # (the child's enrolments with their last contact, the running programs with the child's last
    # contact in each) — none per family member.
    with django_assert_num_queries(CHART_QUERIES):
        response = client_a.get(chart)

    assert len(response.context["caregivers"]) == rows
    assert len(response.context["siblings"]) == rows - 1
