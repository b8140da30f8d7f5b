"""The practice's referral pages end to end: from a positive screen to consent and sending,
the family's own status link, follow-up tasks from the sweep, and the loop figures."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.referrals.models import Referral
from medhome.tasks.models import Task

from . import factories

NOW = "2026-11-23 10:00:00-05:00"  # a Monday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.CARE_COORDINATOR], practice_a)


@pytest.fixture
def pantry(db):
    return factories.organization("Harbor Pantry")


@pytest.fixture
def referral(child_a, caregiver_a, staff_a, pantry):
    return factories.sent_referral(child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], pantry)


def test_a_referral_is_not_sent_without_the_familys_consent(coordinator, child_a, pantry):
    from medhome.accounts.roles import capabilities_of
    from medhome.core import clock
    from medhome.core.actor import Actor
    from medhome.referrals import services

    user = coordinator.session["_auth_user_id"]
    actor = Actor(
        user=child_a.practice.memberships.get(user_id=user).user,
        practice=child_a.practice,
        role=Role.CARE_COORDINATOR,
        capabilities=capabilities_of(Role.CARE_COORDINATOR),
    )
    draft = services.start_referral(
        actor=actor,
        child=child_a,
        need="food",
        organization=pantry,
        priority="routine",
        reason="Needs food",
        at=clock.now(),
    )

    refused = coordinator.post(
        reverse("referrals:consent", args=[draft.pk]),
        {"shared_items": ["need"], "method": "verbal"},  # nobody named as consenting
    )

    draft.refresh_from_db()
    assert refused.status_code == 400 and draft.status == "draft"
    assert "Say who gave consent" in refused.content.decode()


def test_the_family_sees_their_referrals_by_their_own_link(coordinator, client, referral):
    made = coordinator.post(reverse("referrals:status_link", args=[referral.pk]))
    path = re.search(r"(/r/[A-Za-z0-9_-]{20,}/)", made.content.decode()).group(1)

    page = client.get(path)
    with time_machine.travel("2027-02-01 10:00:00-05:00", tick=False):
        expired = client.get(path)

    assert page.status_code == 200 and "Harbor Pantry" in page.content.decode()
    assert "Ran out of food" not in page.content.decode()  # the team's own note stays inside
    assert expired.status_code == 410  # a real token that expired: gone, not unknown


def test_no_response_after_three_business_days_becomes_a_task_once(referral):
    # Sent Monday 10:00; three business days later is Thursday 10:00.
    with time_machine.travel("2026-11-26 09:59:00-05:00", tick=False):
        call_command("sweep_referral_follow_ups")
        early = Task.objects.count()
    with time_machine.travel("2026-11-26 10:01:00-05:00", tick=False):
        call_command("sweep_referral_follow_ups")
        call_command("sweep_referral_follow_ups")

    assert early == 0
    task = Task.objects.get()
    assert task.kind == "referral_no_response" and task.source_id == str(referral.pk)


def test_the_coordinator_completes_a_task(coordinator, referral):
    task = factories.follow_up_task(referral)

    listed = coordinator.get(reverse("tasks:list"))
    coordinator.post(reverse("tasks:complete", args=[task.pk]), {"note": "Called the pantry"})

    task.refresh_from_db()
    assert task in listed.context["tasks"]
    assert task.status == "done"


def test_the_referrals_section_lists_only_referral_follow_ups(coordinator, referral, child_a):
    from medhome.core import clock
    from medhome.tasks.services import open_task

    follow_up = factories.follow_up_task(referral)
    other, _created = open_task(
        practice=referral.practice,
        child=child_a,
        kind="manual",
        details={"title": "Call about the vaccine record"},
        due_at=clock.now(),
        source_type="child",
        source_id=child_a.pk,
        dedupe_key="manual:1",
        at=clock.now(),
    )

    chart = coordinator.get(reverse("families:chart", args=[child_a.pk]))

    section = re.search(
        r'<section aria-labelledby="referrals-heading".*?</section>', chart.content.decode(), re.S
    ).group(0)
    assert follow_up.title in section
    assert other.title not in section
    assert other.title in chart.content.decode()  # the tasks section's


def test_the_figures_count_a_closed_loop(coordinator, referral, pantry, client):
    client.force_login(factories.partner_user("pantry", pantry, first_name="P", last_name="L"))
    url = reverse("referrals:partner_change", args=[referral.pk])
    client.post(url, {"to_status": "accepted"})
    with time_machine.travel(referral.requested_at + timedelta(days=4), tick=False):
        # Four days later the idle session has ended: a colleague at the pantry logs in.
        client.force_login(factories.partner_user("p2", pantry, first_name="Q", last_name="M"))
        client.post(url, {"to_status": "completed", "outcome": "need_met", "outcome_note": "Done"})

    figures = coordinator.get(reverse("referrals:figures")).context["figures"]

    assert Referral.objects.get().status == "completed"
    assert (figures.total.sent, figures.total.accepted, figures.total.completed) == (1, 1, 1)
    assert figures.total.median_days_to_close == pytest.approx(4, abs=0.01)


def test_the_practice_sets_its_follow_up_rules_with_clear_errors(coordinator):
    url = reverse("referrals:settings")

    bad = coordinator.post(
        url, {"response_business_days": 0, "close_days": 30, "urgent_response_hours": 4}
    )
    good = coordinator.post(
        url, {"response_business_days": 2, "close_days": 21, "urgent_response_hours": 4}
    )

    from medhome.referrals.models import ReferralSettings

    saved = ReferralSettings.objects.get()
    assert bad.status_code == 400
    assert good.status_code == 302
    # Holidays are the practice calendar's now (issue 14 root 10, medhome/staff/tests).
    assert "holidays" not in coordinator.get(url).context["form"].fields
    assert (saved.response_business_days, saved.close_days) == (2, 21)


def test_the_refer_page_says_no_service_only_after_a_search(coordinator, child_a, pantry):
    url = reverse("referrals:start", args=[child_a.pk])

    before = coordinator.get(url).content.decode()
    searched = coordinator.get(url, {"need": "legal"}).content.decode()

    assert "No service for this need" not in before
    assert "press Find services" in before
    assert "No service for this need" in searched


def test_the_consent_says_what_is_shared_in_words(coordinator, referral):
    page = coordinator.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    consent = page.split('id="consent-heading"')[1].split("</section>")[0]

    assert "Names of the child and caregiver" in consent
    assert not re.search(r"Shared:\s*name\b", consent)


def test_the_referral_list_is_by_the_date_sent_and_paged_with_its_filter(
    coordinator, child_a, caregiver_a, staff_a, pantry, monkeypatch
):
    from medhome.referrals import views

    monkeypatch.setattr(views, "LIST_PAGE", 2)
    sent = [
        factories.sent_referral(child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], pantry)
        for _ in range(3)
    ]
    # Made in one order, sent in another: the list follows the date it shows.
    for days_ago, referral in zip((5, 1, 3), sent, strict=True):
        Referral.objects.filter(pk=referral.pk).update(
            requested_at=referral.requested_at - timedelta(days=days_ago)
        )
    url = reverse("referrals:list")

    first = coordinator.get(url, {"status": "requested"})
    second = coordinator.get(url, {"status": "requested", "page": 2})

    assert [r.pk for r in first.context["referrals"]] == [sent[1].pk, sent[2].pk]
    assert [r.pk for r in second.context["referrals"]] == [sent[0].pk]
    assert 'href="?status=requested&amp;page=2"' in first.content.decode()


def test_the_familys_printed_summary_gives_the_clinics_number(coordinator, referral):
    referral.practice.phone = "(401) 555-0142"
    referral.practice.save(update_fields=["phone"])

    page = coordinator.get(reverse("referrals:summary", args=[referral.pk])).content.decode()

    assert 'href="tel:(401) 555-0142"' in page
