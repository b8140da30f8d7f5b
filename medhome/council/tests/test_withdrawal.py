"""A member who withdraws consent (issue 19, bad input): off every list at once, their name and
contact details erased, their attendance, compensation and recommendations kept without a name."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.council import selectors, services
from medhome.council.models import Compensation, Member, RaisedBy
from tests import council_factories as cf

from .conftest import AT, TODAY

pytestmark = pytest.mark.django_db
NAME = "Wilhelmina Thistlewood"
EMAIL = "wilhelmina@example.org"


@pytest.fixture
def contributions(council, member, partner):
    meeting = cf.meeting(council, partner.user)
    cf.attended(meeting, member, partner.user, amount="75.00")
    recommendation = cf.recommendation(council, meeting=meeting, raised_by=[member])
    return meeting, recommendation


def test_withdrawal_erases_the_name_and_keeps_the_contributions(
    partner, council, member, contributions, caregiver_a
):
    member.caregiver = caregiver_a
    member.save()
    meeting, recommendation = contributions

    services.withdraw_member(actor=partner, member=member, on=TODAY, today=TODAY, at=AT)

    member.refresh_from_db()
    assert (member.name, member.contact_detail, member.caregiver) == ("", "", None)
    assert (member.withdrawn_on, member.shown_name) == (TODAY, "a former member")
    assert list(selectors.current_members(council)) == []
    assert meeting.attendance.get().member == member
    assert Compensation.objects.get().amount == 75
    assert RaisedBy.objects.get(recommendation=recommendation).member == member
    [year] = selectors.compensation_totals(council)
    assert [(m.shown_name, total) for m, total, _ in year.members] == [("a former member", 75)]


def test_withdrawal_is_audited_without_a_name(partner, member):
    services.withdraw_member(actor=partner, member=member, on=TODAY, today=TODAY, at=AT)

    event = AuditEvent.objects.get(object_type="council_member", object_id=str(member.pk))
    assert event.detail == {"withdrawn": True, "erased": ["name", "contact_detail", "caregiver"]}
    assert event.actor == partner.user
    every_detail = " ".join(str(e.detail) for e in AuditEvent.objects.all())
    assert NAME not in every_detail and EMAIL not in every_detail


def test_nothing_names_them_afterwards(
    log_in, staff_a, practice_a, partner, council, member, contributions
):
    _, recommendation = contributions
    services.withdraw_member(actor=partner, member=member, on=TODAY, today=TODAY, at=AT)
    client = log_in(staff_a[Role.PARENT_PARTNER], practice_a)

    pages = [
        client.get(reverse("council:detail", args=[council.pk])),
        client.get(reverse("council:recommendation", args=[recommendation.pk])),
        client.get(reverse("council:record_meeting", args=[council.pk])),
        client.get(reverse("council:add_recommendation", args=[council.pk])),
        client.get(reverse("council:withdraw_member", args=[member.pk])),
        client.get(reverse("council:you_said_we_did", args=[practice_a.pk])),
    ]

    assert [p.status_code for p in pages] == [200] * 6
    for page in pages:
        body = page.content.decode()
        assert NAME not in body and "Wilhelmina" not in body and EMAIL not in body
    assert "a former member" in pages[0].content.decode()
    assert "a former member" in pages[1].content.decode()
    assert not Member.objects.filter(name__icontains="Wilhelmina").exists()


def test_a_withdrawn_member_cannot_attend_raise_or_withdraw_again(partner, council, member):
    services.withdraw_member(actor=partner, member=member, on=TODAY, today=TODAY, at=AT)
    member.refresh_from_db()

    with pytest.raises(ValidationError) as again:
        services.withdraw_member(actor=partner, member=member, on=TODAY, today=TODAY, at=AT)
    with pytest.raises(ValidationError) as attends:
        services.record_meeting(
            actor=partner,
            council=council,
            held_on=TODAY,
            format="video",
            place="Video",
            agenda="Hours",
            attended=[services.Attended(member)],
            today=TODAY,
            at=AT,
        )
    with pytest.raises(ValidationError) as raises:
        services.raise_recommendation(
            actor=partner,
            council=council,
            raised_on=TODAY,
            meeting=None,
            raised_by=[member],
            texts=[services.Text("en", "Hours")],
            today=TODAY,
            at=AT,
        )

    assert again.value.messages == ["This member has already withdrawn."]
    assert attends.value.message_dict == {
        "attended": ["a former member is not a current member of this council."]
    }
    assert raises.value.message_dict == {"raised_by": ["Choose current members of this council."]}


@pytest.mark.parametrize(
    ("on", "error"),
    [
        (TODAY + timedelta(days=1), "This date is in the future."),
        (date(2026, 1, 9), "The member cannot withdraw before the day they agreed to serve."),
    ],
)
def test_a_withdrawal_date_is_checked(partner, member, on, error):
    with pytest.raises(ValidationError) as refused:
        services.withdraw_member(actor=partner, member=member, on=on, today=TODAY, at=AT)

    assert refused.value.message_dict == {"withdrawn_on": [error]}
    member.refresh_from_db()
    assert (member.name, member.withdrawn_on) == (NAME, None)


def test_the_database_refuses_a_withdrawn_row_that_keeps_a_name(member):
    member.withdrawn_on = TODAY

    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_the_withdraw_page_records_it(log_in, staff_a, practice_a, council, member):
    client = log_in(staff_a[Role.PARENT_PARTNER], practice_a)
    url = reverse("council:withdraw_member", args=[member.pk])

    asked = client.get(url)
    bad = client.post(url, {"withdrawn_on": "2099-01-01"})
    done = client.post(url, {"withdrawn_on": "2026-02-01"})

    assert NAME in asked.content.decode()
    assert bad.status_code == 400 and "This date is in the future." in bad.content.decode()
    assert (done.status_code, done["Location"]) == (
        302,
        reverse("council:detail", args=[council.pk]),
    )
    member.refresh_from_db()
    assert (member.name, member.withdrawn_on) == ("", date(2026, 2, 1))
