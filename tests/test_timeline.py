"""The child's timeline and recording visits (issue 5, parts 5 and 7)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.periodicity.models import RowCompletion
from medhome.visits.models import Visit

NOW = "2026-11-23 10:00:00-05:00"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_well_child_visit_recorded_completes_the_schedule_visit(client_a, child_a, clinician_a):
    response = client_a.post(
        reverse("timeline:record_visit", args=[child_a.pk]),
        {
            "kind": "well_child",
            "starts_at": "2026-11-20T09:30",
            "modality": "in_person",
            "clinician": str(clinician_a.pk),
        },
    )

    visit = Visit.objects.get()
    completion = RowCompletion.objects.get(row="preventive_visit")
    assert response.status_code == 302
    assert (visit.kind, visit.status, visit.clinician) == ("well_child", "completed", clinician_a)
    assert completion.visit_key == "3y" and completion.source_id == visit.pk
    assert AuditEvent.objects.filter(object_type="visit", action="create").count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"starts_at": "2026-12-24T09:00"}, "cannot be in the future"),
        ({"starts_at": "2020-01-01T09:00"}, "date of birth"),
        ({"kind": "bogus"}, "Select a valid choice"),
    ],
)
def test_a_wrong_visit_is_refused_with_a_message_and_nothing_saved(
    client_a, child_a, values, message
):
    data = {"kind": "sick", "starts_at": "2026-11-20T09:30", "modality": "video", **values}

    response = client_a.post(reverse("timeline:record_visit", args=[child_a.pk]), data)

    assert response.status_code == 400 and message in response.content.decode()
    assert not Visit.objects.exists()


def test_the_timeline_is_newest_first_and_hides_results_from_roles_without_them(
    client_a, log_in, staff_a, practice_a, child_a, clinician_a
):
    for days, kind in ((30, "sick"), (3, "well_child")):
        Visit.objects.create(
            practice=child_a.practice,
            child=child_a,
            kind=kind,
            status="completed",
            starts_at=datetime.fromisoformat(NOW) - timedelta(days=days),
            created_at=datetime.fromisoformat(NOW),
        )
    from . import factories

    factories.screening_with_alert(child_a, child_a.family.caregivers.get(), clinician_a)
    legal = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)

    entries = client_a.get(reverse("timeline:child", args=[child_a.pk])).context["entries"]
    legal_entries = legal.get(reverse("timeline:child", args=[child_a.pk])).context["entries"]

    assert [e.kind for e in entries][:2] == ["visit", "visit"]
    assert entries[0].at > entries[1].at
    assert {e.kind for e in legal_entries} == {"visit"}


def test_an_emergency_visit_shows_on_the_timeline_and_flags_the_chart(
    client_a, child_a, clinician_a
):
    from . import factories

    factories.care_event(child_a, clinician_a)

    entries = client_a.get(reverse("timeline:child", args=[child_a.pk])).context["entries"]
    chart = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()

    assert entries[0].kind == "event" and entries[0].flag
    assert "Transition of care: contact the family" in chart


def test_a_discharge_by_adt_shows_on_the_timeline_with_its_day(client_a, child_a, practice_a):
    from medhome.events.services import receive_hl7

    def adt(event, control, end=""):
        pv1 = ["PV1", "1", "I", "PEDS^^^X"] + [""] * 15 + ["V-77"] + [""] * 24
        pv1 += ["20261118080000", end]
        return "\r".join(
            [
                f"MSH|^~\\&|EHR|GENERAL|MEDHOME|PEDS|20261118080000||ADT^{event}^ADT_A01|{control}|P|2.5.1",
                f"EVN|{event}|20261118080000",
                f"PID|1||{child_a.mrn}^^^X^MR||García^Sofía||20230517|F",
                "|".join(pv1),
            ]
        )

    receive_hl7(practice=practice_a, raw=adt("A01", "C1"), at=datetime.fromisoformat(NOW))
    receive_hl7(
        practice=practice_a, raw=adt("A03", "C2", "20261120100000"), at=datetime.fromisoformat(NOW)
    )

    entries = client_a.get(reverse("timeline:child", args=[child_a.pk])).context["entries"]
    hospital = [e for e in entries if e.kind == "event"]
    assert len(hospital) == 1 and hospital[0].flag
    assert "discharged 11/20/2026" in hospital[0].detail


def test_the_unmatched_queue_offers_likely_children_and_files_one(
    client_a, child_a, practice_a, log_in, staff_a
):
    from medhome.events.models import CareEvent
    from medhome.events.services import receive_hl7

    raw = "\r".join(
        [
            "MSH|^~\\&|EHR|GENERAL|MEDHOME|PEDS|20261118080000||ADT^A04^ADT_A01|U1|P|2.5.1",
            "EVN|A04|20261118080000",
            "PID|1||OTHER-9^^^X^MR||García^Sofi||20230517|F",  # a nickname: no exact match
            "PV1|1|E|ED^^^X" + "|" * 16 + "V-9" + "|" * 25 + "20261118080000",
        ]
    )
    receive_hl7(practice=practice_a, raw=raw, at=datetime.fromisoformat(NOW))
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)

    queue = coordinator.get(reverse("events:unmatched"))
    event = CareEvent.objects.get()
    filed = coordinator.post(reverse("events:resolve", args=[event.pk]), {"child": str(child_a.pk)})

    event.refresh_from_db()
    assert [c.pk for c in dict(queue.context["rows"])[event]] == [child_a.pk]
    assert filed.status_code == 302 and event.child == child_a


def test_opening_the_unmatched_queue_is_audited(client_a):
    client_a.get(reverse("events:unmatched"))

    assert AuditEvent.objects.filter(object_type="unmatched_events", action="search").exists()
