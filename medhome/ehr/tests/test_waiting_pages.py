"""The staff pages of the practice's EHR feed: messages waiting for a child, merging two
records by hand, and the import runs of both kinds."""

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.ehr.models import ImportKind, ImportRun
from medhome.ehr.tests.support import patient, run_import, write_export
from medhome.ehr.tests.test_adt import adt, from_ehr
from medhome.ehr.tests.test_siu import siu
from medhome.events.models import MessageStatus
from medhome.families.models import Child
from medhome.visits.models import Visit
from tests import factories

pytestmark = pytest.mark.django_db

UNKNOWN_SIU = {"mrn": "E-77^^^EPIC^MR", "dob": "20230517"}
WAITING = reverse("ehr:waiting")


def action_url(message) -> str:
    return reverse("ehr:waiting_action", kwargs={"message_id": message.pk})


@pytest.fixture
def front_desk(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.FRONT_DESK], practice_a)


def test_the_page_lists_waiting_messages_with_likely_children_and_audits_the_look(
    front_desk, practice_a, child_a
):
    _ack, message = from_ehr(practice_a, siu(**UNKNOWN_SIU))

    response = front_desk.get(WAITING)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Appointment booked (SIU S12)" in body and "E-77" in body
    assert [row["candidates"] for row in response.context["rows"]] == [[child_a]]
    audit = AuditEvent.objects.get(object_type="waiting_ehr_messages")
    assert audit.detail == {"results": 1}  # who looked and how many, never what
    assert "Register as a new child" not in body  # an SIU has no demographics to register


def test_the_page_costs_the_same_queries_for_more_messages(
    front_desk, practice_a, child_a, django_assert_max_num_queries
):
    from_ehr(practice_a, siu(**UNKNOWN_SIU))
    with django_assert_max_num_queries(60) as few:
        front_desk.get(WAITING)
    for n in range(2, 6):
        from_ehr(practice_a, siu(control=f"S{n}", filler=f"APT-{n}^EPIC", **UNKNOWN_SIU))
    with django_assert_max_num_queries(len(few.captured_queries)):
        front_desk.get(WAITING)


def test_roles_without_family_edit_are_refused(log_in, staff_a, practice_a):
    legal = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)
    assert legal.get(WAITING).status_code == 403


def test_this_is_the_child_books_the_visit(front_desk, practice_a, child_a):
    _ack, message = from_ehr(practice_a, siu(**UNKNOWN_SIU))

    response = front_desk.post(
        action_url(message), {"action": "match", "child": str(child_a.pk)}, follow=True
    )

    assert "applied" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.PROCESSED
    assert Visit.objects.get().child == child_a


def test_match_by_mrn_and_the_refusal_names_a_merge(front_desk, practice_a, child_a, family_a):
    _ack, message = from_ehr(practice_a, siu(**UNKNOWN_SIU))
    factories.add_child(family_a, legal_given_name="Tomás", mrn="E-77")

    response = front_desk.post(
        action_url(message), {"action": "match", "mrn": child_a.mrn}, follow=True
    )

    assert "merge the two records instead" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.UNMATCHED


def test_register_and_set_aside_through_the_page(front_desk, practice_a):
    _ack, update = from_ehr(practice_a, adt(event="A08"))
    _ack, test = from_ehr(practice_a, siu(**UNKNOWN_SIU))

    page = front_desk.get(WAITING).content.decode()
    assert "Register as a new child" in page
    front_desk.post(action_url(update), {"action": "register"})
    front_desk.post(action_url(test), {"action": "set_aside", "reason": "test_message"})

    assert Child.objects.filter(practice=practice_a, mrn="MRN-500").exists()
    update.refresh_from_db()
    test.refresh_from_db()
    assert (update.status, test.status, test.error) == ("processed", "set_aside", "test_message")
    assert "Nothing waiting." in front_desk.get(WAITING).content.decode()


def test_a_malformed_child_id_is_a_400(front_desk, practice_a):
    _ack, message = from_ehr(practice_a, siu(**UNKNOWN_SIU))
    response = front_desk.post(action_url(message), {"action": "match", "child": "x1"})
    assert response.status_code == 400


# --- Merging two records by hand --------------------------------------------------------------


def merge_url(child) -> str:
    return reverse("ehr:merge", kwargs={"child_id": child.pk})


@pytest.fixture
def coordinator(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.CARE_COORDINATOR], practice_a)


def test_merge_finds_the_other_record_compares_and_merges(coordinator, child_a, family_a):
    duplicate = factories.add_child(family_a, legal_given_name="Sofi", mrn="DUP-1")
    factories.schedule_visit(duplicate, at="2099-11-23 09:20:00-05:00")

    found = coordinator.post(merge_url(child_a), {"action": "find", "mrn": "DUP-1"})

    assert found.context["other"] == duplicate
    assert [counts["visits"] for _child, counts in found.context["records"]] == [0, 1]
    merged = coordinator.post(
        merge_url(child_a),
        {"action": "merge", "other": str(duplicate.pk), "survivor": "this"},
    )
    assert merged.status_code == 302
    assert merged["Location"] == reverse("families:chart", kwargs={"child_id": child_a.pk})
    assert not Child.objects.filter(pk=duplicate.pk).exists()
    assert Visit.objects.get().child == child_a
    assert AuditEvent.objects.filter(object_type="merge_lookup").exists()


def test_another_practices_mrn_finds_nothing(coordinator, child_a, child_b):
    response = coordinator.post(merge_url(child_a), {"action": "find", "mrn": child_b.mrn})

    assert "other" not in response.context
    assert "No child of this practice has this MRN." in response.content.decode()
    assert "Zephyrine" not in response.content.decode()


def test_merge_refusals_are_clear(coordinator, child_a, child_b):
    same = coordinator.post(merge_url(child_a), {"action": "find", "mrn": child_a.mrn})
    assert "this record's own" in same.context["error"]
    # Another practice's record cannot be named by id either.
    other = coordinator.post(
        merge_url(child_a), {"action": "merge", "other": str(child_b.pk), "survivor": "this"}
    )
    assert other.status_code == 404
    assert Child.objects.filter(pk=child_b.pk).exists()


def test_merge_across_practices_and_for_the_wrong_role_is_refused(
    coordinator, client_a, child_a, child_b
):
    assert coordinator.get(merge_url(child_b)).status_code == 404
    assert client_a.get(merge_url(child_a)).status_code == 403  # a pediatrician keeps no panel
    assert client_a.post(merge_url(child_a), {"action": "find", "mrn": "x"}).status_code == 403


def test_the_panel_card_links_to_the_merge(coordinator, child_a):
    chart = coordinator.get(reverse("families:chart", kwargs={"child_id": child_a.pk}))
    assert merge_url(child_a) in chart.content.decode()


# --- Import runs of both kinds ---------------------------------------------------------------


def test_the_runs_pages_show_a_fhir_runs_problems(front_desk, practice_a, tmp_path):
    export = write_export(
        tmp_path / "export-1", {"Patient": [patient("p1"), "{not json", patient("p2", gender=7)]}
    )
    run_import(practice_a, export)
    run = ImportRun.objects.get(kind=ImportKind.FHIR_BULK)

    runs = front_desk.get(reverse("ehr:panel_upload")).content.decode()
    page = front_desk.get(reverse("ehr:panel_run", kwargs={"run_id": run.pk}))

    assert "export-1" in runs and "FHIR bulk export" in runs
    body = page.content.decode()
    assert page.status_code == 200 and "FHIR bulk import" in body
    assert "Patient.ndjson" in body and "p2" in body
    assert "The line is not valid JSON." in body
    assert [(p.line, p.resource_id) for p in page.context["problems"]][:1] == [(2, "")]
    # The summary counts the refusals by the same sentences as the table, never by a code.
    assert page.context["refused"][0] == ("The line is not valid JSON.", 1)
    assert "invalid_json" not in body


def test_the_navigation_counts_the_waiting_messages_for_the_panel_keepers(
    front_desk, client_a, practice_a
):
    from_ehr(practice_a, siu(**UNKNOWN_SIU))

    desk = front_desk.get(reverse("families:search")).content.decode()
    clinician = client_a.get(reverse("families:search")).content.decode()

    assert WAITING in desk and 'count-badge">1<' in desk
    assert WAITING in clinician and 'count-badge">1<' not in clinician


def test_the_run_page_names_what_was_read_and_not_kept(front_desk, practice_a, tmp_path):
    concern = {
        "resourceType": "Condition",
        "id": "hc",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/us/core/CodeSystem/condition-category",
                        "code": "health-concern",
                    }
                ]
            }
        ],
        "code": {"text": "Food insecurity"},
        "subject": {"reference": "Patient/p1"},
    }
    run_import(
        practice_a,
        write_export(tmp_path / "e", {"Patient": [patient("p1")], "Condition": [concern]}),
    )
    run = ImportRun.objects.get(kind=ImportKind.FHIR_BULK)

    body = front_desk.get(reverse("ehr:panel_run", kwargs={"run_id": run.pk})).content.decode()

    assert "Read and not kept" in body
    assert "Health concerns (not problem-list entries) (1)" in body
