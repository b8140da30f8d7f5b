"""Encounter for events between visits (events.CareEvent) alongside the practice's visits:
every kind and status mapped and valid R4B, the view agreeing with the mapping, each search
parameter over both, another practice's and unfiled/retracted events never, a fixed number of
queries a page, and the round trip through medhome's own hospital feed (same event updated)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.encounter import Encounter

from medhome.accounts.roles import Capability, Role
from medhome.events.models import CareEvent, EventKind, InboundMessage
from medhome.events.services import receive_fhir_encounter
from medhome.fhir.models import EncounterRow
from medhome.fhir.registry import REGISTRY
from medhome.visits.models import Visit
from tests import factories

from .care_support import ids, one, page, partner, staff, system

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.get_fixed_timezone(-300))
ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _event(filed_to, n: int, kind: str, **values) -> CareEvent:
    defaults = {
        "practice": filed_to.practice,
        "child": filed_to,
        "kind": kind,
        "started_at": START + timedelta(days=n),
        "source": "hl7v2",
        "created_at": START + timedelta(days=n),
    }
    return CareEvent.objects.create(**{**defaults, **values})


@pytest.fixture
def care(child_a, child_b):
    def visit(child, n, **values):
        return Visit.objects.create(
            practice=child.practice,
            child=child,
            starts_at=START + timedelta(days=n),
            kind="well_child",
            status="completed",
            created_at=START,
            **values,
        )

    return {
        "well": visit(child_a, 0),
        "well_video": visit(child_a, 1, modality="video"),
        "ed": _event(
            child_a,
            2,
            EventKind.EMERGENCY,
            ended_at=START + timedelta(days=2, hours=5),
            facility="General Hospital",
            sending_facility="GENHOSP",
            visit_number="V100",
            patient_class="E",
        ),
        "stay": _event(
            child_a,
            3,
            EventKind.ADMISSION,
            facility="General Hospital",
            sending_facility="General Hospital",
            visit_number="V200",
            patient_class="I",
        ),
        "discharge": _event(
            child_a, 4, EventKind.DISCHARGE, ended_at=START + timedelta(days=6), source="fhir"
        ),
        "urgent": _event(child_a, 5, EventKind.URGENT_CARE, source="manual", facility="QuickCare"),
        "specialist": _event(child_a, 6, EventKind.SPECIALIST_VISIT, source="csv"),
        "home": _event(child_a, 7, EventKind.HOME_VISIT, source="manual"),
        "other_e": _event(child_a, 8, EventKind.OTHER, patient_class="E", source="manual"),
        "other_i": _event(child_a, 9, EventKind.OTHER, patient_class="I"),
        "other_o": _event(child_a, 10, EventKind.OTHER, patient_class="O", source="manual"),
        # Never served: not filed to a child, retracted, another practice's.
        "unmatched": _event(child_a, 11, EventKind.EMERGENCY, child=None, incoming_mrn="X1"),
        "retracted": _event(child_a, 12, EventKind.EMERGENCY, retracted=True),
        "other_practice": _event(child_b, 2, EventKind.EMERGENCY, visit_number="V100"),
    }


EXPECTED = {  # key: (status, class)
    "ed": ("finished", "EMER"),
    "stay": ("in-progress", "IMP"),
    "discharge": ("finished", "IMP"),
    "urgent": ("finished", "AMB"),
    "specialist": ("finished", "AMB"),
    "home": ("finished", "HH"),
    "other_e": ("finished", "EMER"),
    "other_i": ("in-progress", "IMP"),
    "other_o": ("finished", "AMB"),
}


def test_events_are_served_beside_the_visits_valid_and_mapped(care, clinician_a, practice_a):
    principal = staff(clinician_a, practice_a)
    resources, queries = page("Encounter", principal)
    assert queries == 1  # the view, its two links and the Practitioner id: one query a page
    by_id = {r["id"]: r for r in resources}
    served = {"well", "well_video", *EXPECTED}
    assert set(by_id) == {str(care[k].pk) for k in served}
    for resource in resources:
        Encounter.model_validate(resource)
    for key, (status, code) in EXPECTED.items():
        resource = by_id[str(care[key].pk)]
        assert (resource["status"], resource["class"]["code"]) == (status, code), key
        assert resource["class"]["system"] == ACT
        assert resource["subject"]["reference"] == f"Patient/{care[key].child_id}"
        assert resource["type"][0]["coding"][0] == {
            "system": "urn:medhome:event-kind",
            "code": care[key].kind,
            "display": str(EventKind(care[key].kind).label),
        }
    # The view's status and class (what search filters on) are what the resource says.
    for row in EncounterRow.objects.filter(practice=practice_a):
        resource = by_id[str(row.pk)]
        assert (row.fhir_status, row.fhir_class) == (resource["status"], resource["class"]["code"])
    ed = by_id[str(care["ed"].pk)]
    assert ed["identifier"] == [{"system": "GENHOSP", "value": "V100"}]
    assert ed["period"] == {
        "start": "2026-03-12T10:00:00-04:00",
        "end": "2026-03-12T15:00:00-04:00",
    }
    assert ed["serviceProvider"] == {"display": "General Hospital"}
    assert ed["location"] == [{"location": {"display": "General Hospital"}}]
    assert ed["subject"]["identifier"] == {
        "system": "urn:medhome:mrn",
        "value": care["ed"].child.mrn,
    }
    assert ed["meta"]["lastUpdated"] == "2026-03-12T10:00:00-04:00"
    assert "participant" not in ed and "appointment" not in ed
    # A facility name with spaces is no uri: the value alone, the name as serviceProvider.
    stay = by_id[str(care["stay"].pk)]
    assert stay["identifier"] == [{"value": "V200"}]
    assert stay["period"] == {"start": "2026-03-13T10:00:00-04:00"}
    specialist = by_id[str(care["specialist"].pk)]
    assert specialist["identifier"] == [
        {"system": "urn:medhome:care-event", "value": str(care["specialist"].pk)}
    ]
    assert "serviceProvider" not in specialist and "location" not in specialist
    # The visits are unchanged.
    assert by_id[str(care["well"].pk)]["class"]["code"] == "AMB"
    assert by_id[str(care["well_video"].pk)]["class"]["code"] == "VR"


def test_search_over_visits_and_events(care, clinician_a, practice_a, child_a, child_b):
    p = staff(clinician_a, practice_a)
    k = {key: str(row.pk) for key, row in care.items()}
    every = {k[key] for key in ("well", "well_video", *EXPECTED)}
    assert ids("Encounter", p) == every
    assert ids("Encounter", p, ("class", "EMER")) == {k["ed"], k["other_e"]}
    assert ids("Encounter", p, ("class", f"{ACT}|IMP")) == {k["stay"], k["discharge"], k["other_i"]}
    assert ids("Encounter", p, ("class", "AMB")) == {
        k["well"],
        k["urgent"],
        k["specialist"],
        k["other_o"],
    }
    assert ids("Encounter", p, ("class", "HH")) == {k["home"]}
    assert ids("Encounter", p, ("class", "VR")) == {k["well_video"]}
    assert ids("Encounter", p, ("class", "http://other|EMER")) == set()
    assert ids("Encounter", p, ("class", "ACUTE")) == set()
    assert ids("Encounter", p, ("class:not", "EMER")) == every - {k["ed"], k["other_e"]}
    assert ids("Encounter", p, ("status", "in-progress")) == {k["stay"], k["other_i"]}
    assert ids("Encounter", p, ("status", "arrived")) == set()
    assert ids("Encounter", p, ("status", "finished")) == every - {k["stay"], k["other_i"]}
    assert ids("Encounter", p, ("type", "urn:medhome:event-kind|emergency")) == {k["ed"]}
    assert ids("Encounter", p, ("type", "home_visit")) == {k["home"]}
    assert ids("Encounter", p, ("type", "urn:medhome:visit-kind|emergency")) == set()
    assert ids("Encounter", p, ("type", "http://snomed.info/sct|410620009")) == {
        k["well"],
        k["well_video"],
    }
    assert ids("Encounter", p, ("identifier", "GENHOSP|V100")) == {k["ed"]}
    assert ids("Encounter", p, ("identifier", "V100")) == {k["ed"]}  # not practice B's
    assert ids("Encounter", p, ("identifier", "V200")) == {k["stay"]}
    assert ids("Encounter", p, ("identifier", "OTHER|V100")) == set()
    assert ids("Encounter", p, ("identifier", f"urn:medhome:care-event|{k['home']}")) == {k["home"]}
    assert ids("Encounter", p, ("identifier", f"urn:medhome:care-event|{k['ed']}")) == set()
    assert ids("Encounter", p, ("identifier", f"urn:medhome:visit|{k['home']}")) == set()
    assert ids("Encounter", p, ("identifier", f"urn:medhome:visit|{k['well']}")) == {k["well"]}
    assert ids("Encounter", p, ("date", "2026-03-12")) == {k["ed"]}
    assert ids("Encounter", p, ("date", "ge2026-03-19")) == {k["other_i"], k["other_o"]}
    assert ids("Encounter", p, ("patient", str(child_a.pk))) == every
    assert ids("Encounter", p, ("patient", str(child_b.pk))) == set()
    # Events have no practitioner: a practitioner search finds visits only.
    from medhome.practices.models import Membership

    membership = Membership.objects.get(user=clinician_a, practice=practice_a)
    Visit.objects.filter(pk=care["well"].pk).update(clinician=clinician_a)
    assert ids("Encounter", p, ("practitioner", str(membership.pk))) == {k["well"]}


def test_sort_and_history_fields_are_the_views(care, clinician_a, practice_a):
    kind = REGISTRY["Encounter"]
    assert kind.model is EncounterRow and kind.updated_field == "last_updated"
    p = staff(clinician_a, practice_a)
    rows = list(kind.rows(p).order_by(*kind.default_order))
    assert [r.starts_at for r in rows] == sorted((r.starts_at for r in rows), reverse=True)


def test_last_updated_follows_the_feed_and_the_queue(care, clinician_a, practice_a):
    p = staff(clinician_a, practice_a)
    later = START + timedelta(days=20)
    InboundMessage.objects.create(
        practice=practice_a,
        format="hl7v2",
        raw="x",
        idempotency_key="k1",
        received_at=later,
        event=care["ed"],
    )
    assert one("Encounter", p, care["ed"].pk)["meta"]["lastUpdated"] == "2026-03-30T10:00:00-04:00"
    CareEvent.objects.filter(pk=care["home"].pk).update(resolved_at=later + timedelta(hours=1))
    home = one("Encounter", p, care["home"].pk)
    assert home["meta"]["lastUpdated"] == "2026-03-30T11:00:00-04:00"


def test_another_practice_roles_and_partners(care, practice_a, practice_b, clinician_b, staff_a):
    b = staff(clinician_b, practice_b)
    assert ids("Encounter", b) == {str(care["other_practice"].pk)}
    assert ids("Encounter", b, ("class", "EMER")) == {str(care["other_practice"].pk)}
    assert ids("Encounter", b, ("identifier", "V100")) == {str(care["other_practice"].pk)}
    analyst = staff(staff_a[Role.NETWORK_ANALYST], practice_a, Role.NETWORK_ANALYST)
    assert ids("Encounter", analyst) == set()
    organization = factories.organization("Eastside Food Pantry")
    assert ids("Encounter", partner(None, organization)) == set()
    backend = system(practice_a, frozenset({Capability.CHART_READ}))
    assert str(care["ed"].pk) in ids("Encounter", backend)
    assert ids("Encounter", system(practice_a, frozenset())) == set()


def test_an_encounter_we_serve_fed_back_updates_the_same_event(care, clinician_a, practice_a):
    """events/parsing.py read_encounter + services.apply_adt: the sender's visit number and
    facility find the event; the child's MRN proves it is the same patient."""
    p = staff(clinician_a, practice_a)
    at = START + timedelta(days=30)
    before = CareEvent.objects.count()
    for key in ("ed", "stay"):
        resource = one("Encounter", p, care[key].pk)
        del resource["id"]  # another server's id would not be ours
        if key == "stay":  # the hospital closes the stay
            resource["status"] = "finished"
            resource["period"]["end"] = "2026-03-16T12:00:00-04:00"
        outcome, message = receive_fhir_encounter(practice=practice_a, payload=resource, at=at)
        assert outcome["issue"][0]["severity"] == "information", outcome
        assert message.event_id == care[key].pk
    assert CareEvent.objects.count() == before
    stay = CareEvent.objects.get(pk=care["stay"].pk)
    assert stay.ended_at == datetime(2026, 3, 16, 16, 0, tzinfo=timezone.UTC)
    assert one("Encounter", p, stay.pk)["status"] == "finished"
