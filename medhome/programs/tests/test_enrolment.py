from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medhome.programs import services
from medhome.programs.models import EnrolmentChange, EnrolmentStatus

from .conftest import MOMENT, TODAY

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def test_offer_then_enrol_with_agreement_keeps_the_history(programs_a, specialist, infant_a):
    dulce = programs_a["dulce"]
    offered = services.offer(actor=specialist, program=dulce, child=infant_a, on=TODAY, at=MOMENT)
    enrolled = services.enrol(
        actor=specialist, program=dulce, child=infant_a, on=TODAY, at=MOMENT, agreement="spoken"
    )
    assert enrolled.pk == offered.pk
    assert (enrolled.status, enrolled.enrolled_on) == (S.ENROLLED, TODAY)
    steps = EnrolmentChange.objects.filter(enrolment=enrolled)
    assert sorted((c.from_status, c.to_status) for c in steps) == [
        ("", "offered"),
        ("offered", "enrolled"),
    ]


def test_enrolling_outside_the_ages_is_refused_with_the_reason(programs_a, specialist, child_a):
    with pytest.raises(ValidationError) as refused:
        services.enrol(
            actor=specialist,
            program=programs_a["dulce"],
            child=child_a,
            on=TODAY,
            at=MOMENT,
            agreement="spoken",
        )
    assert "DULCE is for children from" in str(refused.value)


def test_an_override_needs_a_clinician(programs_a, specialist, pediatrician, child_a):
    args = {
        "program": programs_a["dulce"],
        "child": child_a,
        "on": TODAY,
        "at": MOMENT,
        "agreement": "spoken",
    }
    with pytest.raises(ValidationError, match="Only a clinician"):
        services.enrol(actor=specialist, override_reason="sibling enrolled", **args)
    enrolment = services.enrol(actor=pediatrician, override_reason="sibling enrolled", **args)
    assert enrolment.override_reason == "sibling enrolled"


def test_tier_change_needs_a_reason(programs_a, specialist, infant_a):
    hs = services.enrol(
        actor=specialist,
        program=programs_a["healthysteps"],
        child=infant_a,
        on=TODAY,
        at=MOMENT,
        agreement="spoken",
    )
    assert hs.tier == "1"
    with pytest.raises(ValidationError, match="Say why the tier changes"):
        services.change_tier(
            actor=specialist, enrolment=hs, tier="2", reason=" ", on=TODAY, at=MOMENT
        )
    changed = services.change_tier(
        actor=specialist, enrolment=hs, tier="2", reason="sleep concerns", on=TODAY, at=MOMENT
    )
    assert changed.tier == "2"


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("offered", "declined", True),
        ("offered", "graduated", False),
        ("offered", "left", False),
        ("enrolled", "declined", False),
        ("enrolled", "graduated", True),
        ("enrolled", "left", True),
    ],
)
def test_endings(programs_a, specialist, infant_a, start, to, allowed):
    args = {
        "actor": specialist,
        "program": programs_a["vip"],
        "child": infant_a,
        "on": TODAY,
        "at": MOMENT,
    }
    enrolment = (
        services.offer(**args)
        if start == "offered"
        else services.enrol(**args, agreement="written")
    )
    if allowed:
        ended = services.end(
            actor=specialist, enrolment=enrolment, to=to, reason="moved", on=TODAY, at=MOMENT
        )
        assert (ended.status, ended.ended_on) == (to, TODAY)
    else:
        with pytest.raises(ValidationError):
            services.end(
                actor=specialist, enrolment=enrolment, to=to, reason="moved", on=TODAY, at=MOMENT
            )


def test_decline_needs_a_reason(programs_a, specialist, infant_a):
    offer = services.offer(
        actor=specialist, program=programs_a["vip"], child=infant_a, on=TODAY, at=MOMENT
    )
    with pytest.raises(ValidationError, match="Say why the family declined"):
        services.end(
            actor=specialist, enrolment=offer, to="declined", reason="", on=TODAY, at=MOMENT
        )


def test_future_dates_and_partner_programs_are_refused(programs_a, specialist, infant_a):
    with pytest.raises(ValidationError, match="future"):
        services.offer(
            actor=specialist,
            program=programs_a["vip"],
            child=infant_a,
            on=TODAY + timedelta(days=1),
            at=MOMENT,
        )
    with pytest.raises(ValidationError, match="partner program"):
        services.offer(
            actor=specialist,
            program=programs_a["help_me_grow"],
            child=infant_a,
            on=TODAY,
            at=MOMENT,
        )


def test_another_practice_cannot_enrol(programs_a, practice_b, clinician_b, infant_a):
    from tests.factories import actor_for

    outsider = actor_for(clinician_b, practice_b, "pediatrician")
    with pytest.raises(PermissionDenied):
        services.offer(
            actor=outsider, program=programs_a["vip"], child=infant_a, on=TODAY, at=MOMENT
        )


def test_front_desk_cannot_enrol(programs_a, staff_a, practice_a, infant_a):
    from tests.factories import actor_for

    desk = actor_for(staff_a["front_desk"], practice_a, "front_desk")
    with pytest.raises(PermissionDenied):
        services.offer(actor=desk, program=programs_a["vip"], child=infant_a, on=TODAY, at=MOMENT)
