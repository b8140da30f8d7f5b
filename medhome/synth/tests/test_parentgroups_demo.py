"""The demo's parent groups (synth/parentgroups_demo.py): a parent partner login like the other
demo staff, three groups with meetings, sign-ups and attendance — all through the services'
rules — and a second call that changes nothing."""

from datetime import date

import pytest
from django.contrib.auth import authenticate

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.parentgroups.models import Meeting, MeetingAttendance, ParentGroup, SignUp
from medhome.practices.models import Membership
from medhome.synth.parentgroups_demo import add_parentgroups_demo
from tests import factories

TODAY = date(2026, 12, 5)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_practice(settings):
    settings.MEDHOME_DEMO_PASSWORD = "demo-pass-2026"
    practice = factories.make_practice("Riverside Community Pediatrics")
    factories.make_staff(
        "admin@riverside.demo", practice, Role.PRACTICE_ADMIN, first_name="P", last_name="N"
    )
    factories.make_staff(
        "chw@riverside.demo", practice, Role.COMMUNITY_HEALTH_WORKER, first_name="M", last_name="P"
    )
    for n in range(9):
        factories.register(
            practice,
            family_name=f"Familia {n}",
            child=factories.child_values(mrn=f"RS-{n}"),
            caregiver=factories.caregiver_values(
                given_name=f"Madre{n}", phone="", preferred_channel="in_person"
            ),
        )
    for n in range(5):
        factories.register(
            practice,
            family_name=f"Family {n}",
            child=factories.child_values(mrn=f"RE-{n}", preferred_language="en"),
            caregiver=factories.caregiver_values(
                given_name=f"Dad{n}",
                relationship="father",
                preferred_language="en",
                phone="",
                preferred_channel="in_person",
            ),
        )
    return practice


def test_the_demo_makes_a_partner_three_groups_and_their_meetings(demo_practice):
    printed = add_parentgroups_demo(demo_practice, TODAY)

    partner = Membership.objects.get(practice=demo_practice, role=Role.PARENT_PARTNER).user
    assert (partner.username, partner.email) == (
        "parent.partner@riverside.demo",
        "parent.partner@riverside.demo",
    )
    assert authenticate(username=partner.username, password="demo-pass-2026") == partner
    groups = {g.kind: g for g in ParentGroup.objects.filter(practice=demo_practice)}
    assert set(groups) == {"parent_circle", "reading_group", "fathers_group"}
    circle = groups["parent_circle"]
    assert (circle.languages, circle.leader) == (["es"], partner)
    assert groups["reading_group"].leader.username == "chw@riverside.demo"
    assert set(
        SignUp.objects.filter(group=circle).values_list("caregiver__preferred_language", flat=True)
    ) == {"es"}
    assert set(
        SignUp.objects.filter(group=groups["fathers_group"]).values_list(
            "caregiver__relationship", flat=True
        )
    ) == {"father"}
    assert SignUp.objects.filter(group=circle, how="family_link").count() == 1
    for group in groups.values():
        meetings = Meeting.objects.filter(group=group)
        assert meetings.count() == 5
        held = meetings.filter(starts_at__date__lt=TODAY)
        assert held.count() == 3
        marked = MeetingAttendance.objects.filter(meeting__group=group)
        assert marked.count() == 3 * SignUp.objects.filter(group=group).count()
        assert not marked.filter(meeting__starts_at__date__gt=TODAY).exists()
    assert (
        "Círculo de mamás y papás (Parent circle, es; led by parent.partner@riverside.demo)"
        in printed
    )
    signed = SignUp.objects.count()
    assert signed == 14  # 7 in the circle, 4 fathers, the 3 caregivers left in the reading group
    assert AuditEvent.objects.filter(object_type="parentgroups.signup").count() == signed


def test_a_second_call_changes_nothing(demo_practice):
    first = add_parentgroups_demo(demo_practice, TODAY)
    counts = (ParentGroup.objects.count(), SignUp.objects.count(), AuditEvent.objects.count())

    again = add_parentgroups_demo(demo_practice, TODAY)

    assert again == first
    assert (
        ParentGroup.objects.count(),
        SignUp.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
