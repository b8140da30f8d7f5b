"""Break-glass access (docs/architecture.md#break-glass): refused without rights, opened with a
reason for exactly one child of one's own practice until it expires or is ended, read only,
never the clinical team's confidential items, every step audited and reviewed by the practice
admin."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from medhome.accounts.roles import (
    ROLE_CAPABILITIES,
    Capability,
    Role,
    capabilities_of,
)
from medhome.audit.models import Action, AuditEvent
from medhome.breakglass import services
from medhome.breakglass.models import BreakGlassGrant
from medhome.core import clock
from medhome.core.actor import Lift
from medhome.families.models import Child
from medhome.practices.scoping import scoped
from medhome.tasks.kinds import TaskKind
from medhome.tasks.models import Task, TaskStatus
from tests import factories

from .conftest import REASON, ask

pytestmark = pytest.mark.django_db


def chart_url(child) -> str:
    return reverse("families:chart", args=[child.pk])


def test_a_role_without_the_chart_is_refused_and_offered_emergency_access(
    log_in, partner_a, practice_a, child_a
):
    response = log_in(partner_a, practice_a).get(chart_url(child_a))

    assert response.status_code == 403
    assert reverse("breakglass:request", args=[child_a.pk]) in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_a_reason_opens_exactly_that_child_and_tells_the_practice_admin(
    log_in, partner_a, practice_a, child_a, other_child_a
):
    client = log_in(partner_a, practice_a)

    asked = ask(client, child_a)
    opened = client.get(chart_url(child_a))

    assert asked.status_code == 302 and asked["Location"] == chart_url(child_a)
    assert opened.status_code == 200
    page = opened.content.decode()
    assert "Emergency access" in page and "End now" in page
    assert client.get(chart_url(other_child_a)).status_code == 403
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.child, grant.practice, grant.role) == (
        partner_a,
        child_a,
        practice_a,
        Role.PARENT_PARTNER,
    )
    assert grant.expires_at - grant.started_at == timedelta(minutes=60)
    task = Task.objects.get(kind=TaskKind.BREAK_GLASS_REVIEW)
    assert (task.assignee_role, task.status, task.child_id) == (
        Role.PRACTICE_ADMIN,
        TaskStatus.OPEN,
        child_a.pk,
    )
    assert REASON not in str(task.details)


def test_the_grant_ends_when_it_expires(log_in, partner_a, practice_a, child_a):
    start = clock.now()
    with time_machine.travel(start, tick=False):
        client = log_in(partner_a, practice_a)
        ask(client, child_a)
        assert client.get(chart_url(child_a)).status_code == 200
    # A fresh login each time: the session's own idle timeout is shorter than the grant.
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert log_in(partner_a, practice_a).get(chart_url(child_a)).status_code == 200
    with time_machine.travel(start + timedelta(minutes=60), tick=False):
        assert log_in(partner_a, practice_a).get(chart_url(child_a)).status_code == 403


def test_end_now_closes_it_at_once(log_in, partner_a, practice_a, child_a):
    client = log_in(partner_a, practice_a)
    ask(client, child_a)

    ended = client.post(reverse("breakglass:end", args=[child_a.pk]))

    assert ended.status_code == 302
    assert client.get(chart_url(child_a)).status_code == 403
    assert BreakGlassGrant.objects.get().ended_at is not None


@pytest.mark.parametrize(
    ("category", "reason", "message"),
    [
        ("urgent_care", "", "at least 20 characters"),
        ("urgent_care", "   need it now    ", "at least 20 characters"),
        ("", REASON, "Choose why you need access"),
        ("not-a-category", REASON, "Choose why you need access"),
    ],
)
def test_a_missing_or_short_reason_is_refused_and_nothing_is_saved(
    log_in, partner_a, practice_a, child_a, category, reason, message
):
    events = AuditEvent.objects.count()

    response = ask(log_in(partner_a, practice_a), child_a, category=category, reason=reason)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert not Task.objects.filter(kind=TaskKind.BREAK_GLASS_REVIEW).exists()
    assert AuditEvent.objects.count() == events


def test_never_across_practices(log_in, practice_a, practice_b, child_a, child_b):
    user = factories.make_user("ab-partner", first_name="Rosa", last_name="Ibarra")
    factories.make_membership(user, practice_a, Role.PARENT_PARTNER)
    factories.make_membership(user, practice_b, Role.PARENT_PARTNER)
    in_a = log_in(user, practice_a)

    asked_for_b = ask(in_a, child_b)
    ask(in_a, child_a)
    in_b = log_in(user, practice_b)

    assert asked_for_b.status_code == 404
    assert in_b.get(chart_url(child_a)).status_code == 403  # A's grant means nothing in B
    assert in_b.get(reverse("breakglass:request", args=[child_a.pk])).status_code == 404
    assert list(BreakGlassGrant.objects.values_list("child", flat=True)) == [child_a.pk]
    actor_a = factories.actor_for(user, practice_a, Role.PARENT_PARTNER)
    with pytest.raises(PermissionDenied):
        services.open_grant(
            actor=actor_a,
            child=child_b,
            reason_category="safety",
            reason_text=REASON,
            at=clock.now(),
        )


def test_the_lift_reads_only_the_granted_child(practice_a, partner_a, child_a, other_child_a):
    actor = factories.actor_for(partner_a, practice_a, Role.PARENT_PARTNER)
    lifted = services.lifted_for(Role.PARENT_PARTNER)
    under_grant = _lifted(actor, child_a, lifted)

    assert list(scoped(under_grant, Child, need=Capability.CHART_READ)) == [child_a]
    assert list(scoped(actor, Child, need=Capability.CHART_READ)) == []


def test_a_grant_never_lifts_a_change_to_the_record(log_in, partner_a, practice_a, child_a):
    client = log_in(partner_a, practice_a)
    ask(client, child_a)

    posted = client.post(reverse("notes:add", args=[child_a.pk]), {"body": "Written in haste"})

    assert posted.status_code == 403


def test_every_step_is_audited_as_break_glass(log_in, partner_a, practice_a, child_a):
    client = log_in(partner_a, practice_a)
    ask(client, child_a)
    grant = BreakGlassGrant.objects.get()

    client.get(chart_url(child_a))
    client.post(reverse("breakglass:end", args=[child_a.pk]))

    created = AuditEvent.objects.get(object_type=services.GRANT_OBJECT, action=Action.CREATE)
    assert created.object_id == str(grant.pk) and created.detail["child"] == str(child_a.pk)
    assert REASON not in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    reads = AuditEvent.objects.filter(
        object_type="child", object_id=str(child_a.pk), action=Action.VIEW
    )
    pages = {event.detail.get("page") for event in reads}
    assert "families:chart" in pages
    assert reads.count() >= 2  # the break-glass read and the chart's own opening
    assert {event.detail.get("break_glass") for event in reads} == {str(grant.pk)}
    assert AuditEvent.objects.filter(
        object_type=services.GRANT_OBJECT, action=Action.UPDATE, detail__ended_early=True
    ).exists()


def test_the_practice_admin_reviews_with_a_note_and_the_task_closes(
    log_in, partner_a, practice_a, staff_a, child_a
):
    ask(log_in(partner_a, practice_a), child_a)
    grant = BreakGlassGrant.objects.get()
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    listing = admin.get(reverse("breakglass:grants"))
    empty = admin.post(reverse("breakglass:review", args=[grant.pk]), {"note": "  "})
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    reviewed = admin.post(
        reverse("breakglass:review", args=[grant.pk]), {"note": "Called the nurse: justified"}
    )

    assert listing.status_code == 200 and REASON in listing.content.decode()
    assert "1 grant to review" in listing.content.decode()
    assert empty.status_code == 302 and reviewed.status_code == 302
    grant.refresh_from_db()
    assert (grant.reviewed_by, grant.review_note) == (
        staff_a[Role.PRACTICE_ADMIN],
        "Called the nurse: justified",
    )
    assert Task.objects.get(kind=TaskKind.BREAK_GLASS_REVIEW).status != TaskStatus.OPEN
    assert AuditEvent.objects.filter(
        object_type=services.GRANT_OBJECT, detail__reviewed=True
    ).exists()


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.PRACTICE_ADMIN])
def test_only_the_practice_admin_reviews(log_in, partner_a, practice_a, staff_a, child_a, role):
    ask(log_in(partner_a, practice_a), child_a)
    grant = BreakGlassGrant.objects.get()
    client = log_in(staff_a[role], practice_a)

    listed = client.get(reverse("breakglass:grants"))
    posted = client.post(reverse("breakglass:review", args=[grant.pk]), {"note": "Fine by me"})

    assert (listed.status_code, posted.status_code) == (403, 403)
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_an_admin_does_not_review_their_own_grant(practice_a, staff_a, child_a):
    admin = factories.actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    grant = services.open_grant(
        actor=admin, child=child_a, reason_category="safety", reason_text=REASON, at=clock.now()
    )

    with pytest.raises(ValidationError, match="Someone else"):
        services.review_grant(actor=admin, grant=grant, note="Mine", at=clock.now())


def test_the_roles_that_may_ask_have_something_to_lift_and_the_clinical_team_needs_none():
    askers = {r for r, held in ROLE_CAPABILITIES.items() if Capability.BREAK_GLASS in held}
    reviewers = {
        r for r, held in ROLE_CAPABILITIES.items() if Capability.BREAK_GLASS_REVIEW in held
    }

    assert all(services.lifted_for(role) for role in askers)
    assert not services.lifted_for(Role.PEDIATRICIAN)
    assert Role.NETWORK_ANALYST not in askers  # never a child, by design
    assert reviewers == {Role.PRACTICE_ADMIN}
    assert capabilities_of(Role.PRACTICE_ADMIN) >= {Capability.CHART_READ}


def test_a_second_grant_while_one_is_open_is_refused(practice_a, partner_a, child_a):
    actor = factories.actor_for(partner_a, practice_a, Role.PARENT_PARTNER)
    services.open_grant(
        actor=actor, child=child_a, reason_category="safety", reason_text=REASON, at=clock.now()
    )

    with pytest.raises(ValidationError, match="already have emergency access"):
        services.open_grant(
            actor=actor,
            child=child_a,
            reason_category="safety",
            reason_text=REASON,
            at=clock.now(),
        )
    assert BreakGlassGrant.objects.count() == 1


def _lifted(actor, child, capabilities):
    from dataclasses import replace

    lift = Lift(grant_id="g", child_id=child.pk, capabilities=capabilities, expires_at=clock.now())
    return replace(actor, capabilities=actor.capabilities | capabilities, break_glass=lift)


def test_the_front_desk_is_offered_emergency_access_on_the_chart_then_sees_the_banner(
    log_in, staff_a, practice_a, child_a
):
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)
    offer = reverse("breakglass:request", args=[child_a.pk])

    before = client.get(chart_url(child_a)).content.decode()
    ask(client, child_a)
    after = client.get(chart_url(child_a)).content.decode()

    assert offer in before and "End now" not in before
    assert "End now" in after and "minutes left" in after
    assert BreakGlassGrant.objects.get().role == Role.FRONT_DESK


def test_the_clinical_team_is_not_offered_what_it_already_has(client_a, child_a):
    page = client_a.get(chart_url(child_a)).content.decode()

    assert reverse("breakglass:request", args=[child_a.pk]) not in page
    assert client_a.get(reverse("breakglass:request", args=[child_a.pk])).status_code == 403
