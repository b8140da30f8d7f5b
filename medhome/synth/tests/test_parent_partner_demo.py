"""The demo's parent partner at work: the practice's own program they deliver and their caseload,
made through the services, once."""

from datetime import date

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.programs.models import Contact, Enrolment, Program
from medhome.synth.parent_partner_demo import add_parent_partner_demo
from tests.factories import add_child

pytestmark = pytest.mark.django_db


def test_the_parent_partner_gets_a_caseload_once(log_in, practice_a, staff_a, family_a, child_a):
    today = clock.today()
    for number in range(3):
        add_child(
            family_a,
            legal_given_name=f"Baby{number}",
            mrn=f"PP-{number}",
            date_of_birth=date.fromordinal(today.toordinal() - 200 - number),
        )

    program = add_parent_partner_demo(practice_a, today)
    again = add_parent_partner_demo(practice_a, today)

    assert program is not None and again == program
    assert program.roles == [Role.PARENT_PARTNER]
    assert Program.objects.filter(practice=practice_a, key="parent-to-parent").count() == 1
    enrolments = Enrolment.objects.filter(program=program)
    # One child per family: the cast's family has one enrolled child.
    assert [(e.staff, e.status) for e in enrolments] == [(staff_a[Role.PARENT_PARTNER], "enrolled")]
    assert Contact.objects.filter(program=program).count() == 1
    client = log_in(staff_a[Role.PARENT_PARTNER], practice_a)
    caseload = client.get(reverse("programs:caseload"))
    child = enrolments.get().child
    assert reverse("programs:family_page", kwargs={"child_id": child.pk}) in (
        caseload.content.decode()
    )


def test_a_practice_without_a_parent_partner_gets_nothing(practice_b, clinician_b):
    assert add_parent_partner_demo(practice_b, clock.today()) is None
    assert not Program.objects.filter(practice=practice_b).exists()
