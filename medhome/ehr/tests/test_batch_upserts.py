"""The batch forms of the one upsert per noun (patients, caregivers, EHR visits): the same
result as one by one, refusals that write nothing, every change audited, a query count that does
not grow with the batch, and tenancy."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medhome.audit.models import AuditEvent
from medhome.audit.services import verify_chain
from medhome.ehr.caregivers import CaregiverData, upsert_caregivers
from medhome.ehr.patients import PatientData, find_child, upsert_patient, upsert_patients
from medhome.families.models import Caregiver, Child, ChildIdentifier, PanelMembership
from medhome.visits.models import Visit
from medhome.visits.services import ExternalVisit, upsert_external_visit, upsert_external_visits

from .support import AT, importer

pytestmark = pytest.mark.django_db


def record(n: int, **overrides) -> PatientData:
    values = {
        "identifiers": (("urn:test:id", f"id-{n}"), ("urn:test:mrn", f"M{n}")),
        "mrn": f"M{n}",
        "legal_given_name": "Kid",
        "legal_family_name": f"Testfamily{n}",
        "date_of_birth": date(2024, 1, 10),
        "sex_at_birth": "female",
        "zip_code": "02118",
    }
    return PatientData(**{**values, **overrides})


def upsert(practice, records):
    return upsert_patients(practice=practice, records=records, actor=importer(practice), at=AT)


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_a_batch_gives_what_one_by_one_gives(practice_a):
    renamed = record(1, legal_given_name="Renamed")
    outcomes = upsert(practice_a, [record(1), record(2), renamed, record(2)])
    assert [o[1] for o in outcomes] == ["created", "created", "updated", "unchanged"]
    assert outcomes[0][0].pk == outcomes[2][0].pk
    assert Child.objects.count() == 2
    assert Child.objects.get(mrn="M1").legal_given_name == "Renamed"
    assert Child.objects.get(mrn="M1").given_name_key == "renamed"
    assert Child.objects.get(mrn="M1").version == 2
    assert ChildIdentifier.objects.count() == 4
    assert PanelMembership.objects.filter(ends_on__isnull=True).count() == 2
    audited = list(AuditEvent.objects.order_by("sequence").values_list("action", "object_type"))
    assert audited == [("create", "child"), ("create", "child"), ("update", "child")]
    assert verify_chain(practice_a) == []


def test_a_refused_record_writes_nothing_and_the_others_go_in(practice_a):
    future = record(2, date_of_birth=date(2027, 1, 1))
    bad_zip = record(3, zip_code="nope")
    outcomes = upsert(practice_a, [record(1), future, bad_zip])
    assert outcomes[0][1] == "created"
    assert isinstance(outcomes[1], ValidationError)
    assert isinstance(outcomes[2], ValidationError)
    assert list(Child.objects.values_list("mrn", flat=True)) == ["M1"]
    assert ChildIdentifier.objects.count() == 2
    assert AuditEvent.objects.count() == 1


def test_the_single_record_form_is_the_batch_of_one(practice_a):
    child, outcome = upsert_patient(
        practice=practice_a, data=record(1), actor=importer(practice_a), at=AT
    )
    assert outcome == "created"
    assert find_child(practice_a, (("urn:test:id", "id-1"),), "") == child
    assert find_child(practice_a, (), "M1") == child
    with pytest.raises(ValidationError):
        upsert_patient(
            practice=practice_a,
            data=record(5, legal_family_name=""),
            actor=importer(practice_a),
            at=AT,
        )


def test_an_update_to_another_childs_mrn_is_refused_not_a_crash(practice_a):
    upsert(practice_a, [record(1), record(2)])
    moved = record(1, mrn="M2", identifiers=(("urn:test:id", "id-1"),))
    (outcome,) = upsert(practice_a, [moved])
    assert isinstance(outcome, ValidationError)
    assert Child.objects.get(identifiers__value="id-1").mrn == "M1"


def test_an_update_that_frees_an_mrn_lets_a_later_record_take_it(practice_a):
    upsert(practice_a, [record(1)])
    moved = record(1, mrn="M9", identifiers=(("urn:test:id", "id-1"),))
    newcomer = record(2, mrn="M1", identifiers=(("urn:test:id", "id-2"),))
    outcomes = upsert(practice_a, [moved, newcomer])
    assert [o[1] for o in outcomes] == ["updated", "created"]
    assert sorted(Child.objects.values_list("mrn", flat=True)) == ["M1", "M9"]


def test_queries_do_not_grow_with_the_batch(practice_a):
    upsert(practice_a, [record(99)])  # the practice's audit chain exists from here
    small = queries(lambda: upsert(practice_a, [record(n) for n in range(3)]))
    large = queries(lambda: upsert(practice_a, [record(n) for n in range(100, 160)]))
    assert large == small
    changed = [record(n, city="Elsewhere") for n in range(100, 160)]
    assert queries(lambda: upsert(practice_a, changed)) <= small + 2
    assert Child.objects.filter(city="Elsewhere").count() == 60


def test_identifiers_of_another_practice_never_reach_its_child(practice_a, practice_b):
    (theirs,) = upsert(practice_b, [record(1)])
    (ours,) = upsert(practice_a, [record(1, legal_given_name="Other")])
    assert ours[1] == "created" and ours[0].pk != theirs[0].pk
    assert Child.objects.get(pk=theirs[0].pk).legal_given_name == "Kid"


def caregiver(n: int, **overrides) -> CaregiverData:
    values = {
        "identifiers": (("urn:test:rp", f"rp-{n}"),),
        "given_name": "Grown",
        "family_name": "Testfamily",
        "relationship": "mother",
        "phone": "+16175550100",
    }
    return CaregiverData(**{**values, **overrides})


def test_caregivers_in_a_batch(practice_a, practice_b):
    (child, _o), (other, _p) = upsert(practice_a, [record(1), record(2)])
    (foreign, _q) = upsert(practice_b, [record(3)])[0]
    outcomes = upsert_caregivers(
        practice=practice_a,
        records=[
            (child, caregiver(1)),
            (other, caregiver(2)),
            (child, caregiver(1, phone="+16175550199")),
            (foreign, caregiver(4)),
            (child, caregiver(5, email="not an email")),
        ],
        actor=importer(practice_a),
        at=AT,
    )
    assert [o[1] for o in outcomes[:3]] == ["created", "created", "updated"]
    assert isinstance(outcomes[3], ValidationError)  # another practice's child
    assert isinstance(outcomes[4], ValidationError)
    assert Caregiver.objects.count() == 2
    mother = Caregiver.objects.get(identifiers__value="rp-1")
    assert str(mother.phone) == "+16175550199" and mother.family_id == child.family_id
    assert AuditEvent.objects.filter(object_type="caregiver").count() == 3
    assert verify_chain(practice_a) == []


def visit(child, external_id: str, **overrides) -> ExternalVisit:
    values = {
        "child": child,
        "external_id": external_id,
        "starts_at": datetime(2026, 5, 1, 14, tzinfo=UTC),
        "kind": "well_child",
        "status": "completed",
    }
    return ExternalVisit(**{**values, **overrides})


def test_visits_in_a_batch(practice_a, practice_b):
    (child, _o), (other, _p) = upsert(practice_a, [record(1), record(2)])
    (foreign, _q) = upsert(practice_b, [record(3)])[0]
    moved = datetime(2026, 5, 2, 14, tzinfo=UTC)
    batch = [
        visit(child, "A|1"),
        visit(other, "A|2"),
        visit(child, "A|1", starts_at=moved),
        visit(foreign, "A|3"),
        visit(child, "A|4", starts_at=AT + timedelta(days=1)),  # completed in the future
        visit(child, "A|2"),  # another child's visit id: it follows, as one by one
    ]
    outcomes = upsert_external_visits(
        actor=importer(practice_a), practice=practice_a, visits=batch, at=AT
    )
    assert [o if isinstance(o, ValidationError) else o[1] for o in outcomes][:3] == [
        "created",
        "created",
        "updated",
    ]
    assert isinstance(outcomes[3], ValidationError) and isinstance(outcomes[4], ValidationError)
    assert outcomes[5][1] == "updated"
    assert Visit.objects.count() == 2
    assert Visit.objects.get(external_id="A|1").starts_at == moved
    assert AuditEvent.objects.filter(object_type="visit").count() == 4
    with pytest.raises(ValidationError):
        upsert_external_visit(
            actor=importer(practice_a),
            child=child,
            external_id="A|9",
            starts_at=datetime(2020, 1, 1, tzinfo=UTC),  # before birth
            kind="well_child",
            status="completed",
            at=AT,
        )


def test_visit_queries_do_not_grow_with_the_batch(practice_a):
    (child, _o), (other, _p) = upsert(practice_a, [record(1), record(2)])

    def run(ids):
        upsert_external_visits(
            actor=importer(practice_a),
            practice=practice_a,
            visits=[visit(child, f"V|{n}") for n in ids],
            at=AT,
        )

    assert queries(lambda: run(range(3))) == queries(lambda: run(range(100, 180)))
