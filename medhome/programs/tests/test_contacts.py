from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from medhome.programs import contacts, selectors, services

from .conftest import MOMENT, TODAY, enrolled

pytestmark = pytest.mark.django_db


def test_a_book_in_spanish_needs_no_enrolment(programs_a, pediatrician, child_a):
    contact = contacts.record_contact(
        actor=pediatrician,
        program=programs_a["reach_out_and_read"],
        child=child_a,
        kind="book_given",
        on=TODAY,
        at=MOMENT,
        book_language="es",
        strengths="Reads every night with her",
    )
    assert (contact.book_language, contact.enrolment) == ("es", None)


def test_a_book_needs_its_language(programs_a, pediatrician, child_a):
    with pytest.raises(ValidationError, match="language of the book"):
        contacts.record_contact(
            actor=pediatrician,
            program=programs_a["reach_out_and_read"],
            child=child_a,
            kind="book_given",
            on=TODAY,
            at=MOMENT,
        )


def test_a_role_that_does_not_deliver_the_program_is_refused(
    programs_a, nurse, specialist, infant_a
):
    enrolled(specialist, programs_a["dulce"], infant_a)
    with pytest.raises(ValidationError, match="does not deliver DULCE"):
        contacts.record_contact(
            actor=nurse,
            program=programs_a["dulce"],
            child=infant_a,
            kind="dulce_visit",
            on=TODAY,
            at=MOMENT,
        )


def test_contact_before_enrolment_or_in_future_is_refused(programs_a, specialist, infant_a):
    enrolled(specialist, programs_a["dulce"], infant_a)
    args = {
        "actor": specialist,
        "program": programs_a["dulce"],
        "child": infant_a,
        "kind": "dulce_visit",
        "at": MOMENT,
    }
    with pytest.raises(ValidationError, match="before the enrolment"):
        contacts.record_contact(on=TODAY - timedelta(days=1), **args)
    with pytest.raises(ValidationError, match="future"):
        contacts.record_contact(on=TODAY + timedelta(days=1), **args)
    assert contacts.record_contact(on=TODAY, **args).enrolment is not None


def test_not_enrolled_is_refused(programs_a, specialist, infant_a):
    with pytest.raises(ValidationError, match="not enrolled"):
        contacts.record_contact(
            actor=specialist,
            program=programs_a["dulce"],
            child=infant_a,
            kind="dulce_visit",
            on=TODAY,
            at=MOMENT,
        )


def test_outreach_needs_an_outcome_and_a_setting(programs_a, chw, child_a):
    enrolled(chw, programs_a["chw"], child_a)
    with pytest.raises(ValidationError) as refused:
        contacts.record_contact(
            actor=chw,
            program=programs_a["chw"],
            child=child_a,
            kind="chw_outreach",
            on=TODAY,
            at=MOMENT,
        )
    assert set(refused.value.message_dict) == {"outcome", "setting"}


def test_caseload_shows_who_is_due(programs_a, chw, child_a, infant_a, staff_a):
    user = staff_a["community_health_worker"]
    for child in (child_a, infant_a):
        services.enrol(
            actor=chw,
            program=programs_a["chw"],
            child=child,
            on=TODAY - timedelta(days=30),
            at=MOMENT,
            agreement="spoken",
            staff=user,
        )
    contacts.record_contact(
        actor=chw,
        program=programs_a["chw"],
        child=infant_a,
        kind="chw_outreach",
        on=TODAY,
        at=MOMENT,
        setting="phone",
        outcome="reached",
    )
    rows = selectors.caseload(chw, staff=user, today=TODAY)
    assert [(row.enrolment.child_id, row.is_due) for row in rows] == [
        (child_a.pk, True),
        (infant_a.pk, False),
    ]


def test_eligible_not_reached(programs_a, specialist, infant_a, child_a):
    dulce = programs_a["dulce"]
    assert list(selectors.eligible_not_reached(specialist, dulce, today=TODAY)) == [infant_a]
    services.offer(actor=specialist, program=dulce, child=infant_a, on=TODAY, at=MOMENT)
    assert list(selectors.eligible_not_reached(specialist, dulce, today=TODAY)) == []


def test_a_book_before_6_months_needs_a_clinicians_override(
    programs_a, pediatrician, chw, infant_a
):
    args = {
        "program": programs_a["reach_out_and_read"],
        "child": infant_a,
        "kind": "book_given",
        "on": TODAY,
        "at": MOMENT,
        "book_language": "es",
    }
    with pytest.raises(ValidationError, match="Reach Out and Read is for children from 6 months"):
        contacts.record_contact(actor=pediatrician, **args)
    with pytest.raises(ValidationError, match="Only a clinician"):
        contacts.record_contact(actor=chw, override_reason="Older sibling's reading time", **args)
    contact = contacts.record_contact(
        actor=pediatrician, override_reason="Older sibling's reading time", **args
    )
    assert contact.override_reason == "Older sibling's reading time"


def test_a_support_stands_where_its_referral_stands():
    from medhome.programs.supports import status_of
    from medhome.referrals.models import Referral

    def referral(status, outcome=""):
        return Referral(status=status, outcome=outcome)

    assert status_of(None) == "not_referred"
    assert status_of(referral("draft")) == "drafted"
    assert status_of(referral("requested")) == "in_progress"
    assert status_of(referral("completed", "need_met")) == "received"
    assert status_of(referral("completed", "partly_met")) == "received"
    assert status_of(referral("completed", "not_met")) == "not_received"
    assert status_of(referral("rejected")) == "not_received"
