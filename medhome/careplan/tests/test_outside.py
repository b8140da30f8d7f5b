"""Outside members of the care team (issue 17 item 7, docs/clinical-rules.md#outside-care-team):
invited from the child's plan as users of a partner organization, they read the shared plan and
the items the family consented to share with them, nothing else, add progress notes, and lose
access at the next request when consent is revoked."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.careplan import services
from medhome.careplan.models import OutsideConsent, PlanAction, ProgressNote
from medhome.directory.models import PracticePartner
from medhome.ehr.models import Immunization
from medhome.referrals.models import PartnerMembership, Referral
from tests import care_factories, factories

from .conftest import MOMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def early_intervention(db):
    return factories.organization("Bay State Early Intervention")


@pytest.fixture
def coordinator_user(staff_a):
    return staff_a[Role.CARE_COORDINATOR]


@pytest.fixture
def coordinator_client(log_in, coordinator_user, practice_a):
    return log_in(coordinator_user, practice_a)


@pytest.fixture
def invited(child_a, coordinator_user, early_intervention):
    """An EI coordinator on Sofía's team, no consent yet: (member, login)."""
    return care_factories.outside_member(child_a, coordinator_user, early_intervention)


@pytest.fixture
def consented(child_a, caregiver_a, coordinator_user, early_intervention):
    """An EI coordinator with Marisol's consent to share the care plan only."""
    return care_factories.outside_member(
        child_a, coordinator_user, early_intervention, consent_by=caregiver_a
    )


@pytest.fixture
def outside_client(log_in):
    def client_for(user):
        return log_in(user)

    return client_for


def plan_url(member) -> str:
    return reverse("careplan:outside_plan", args=[member.pk])


# --- Invite --------------------------------------------------------------------------------


def test_invite_creates_a_login_in_the_organization_linked_to_the_team_member(
    coordinator_client, plan_a, early_intervention, child_a
):
    PracticePartner.objects.create(
        practice=plan_a.practice, organization=early_intervention, updated_at=MOMENT
    )
    response = coordinator_client.post(
        reverse("careplan:outside_members", args=[plan_a.pk]),
        {
            "name": "Nadia Fairweather",
            "external_role": "early_intervention",
            "email": "Nadia@EI.example.org",
            "organization": early_intervention.pk,
        },
    )

    member = child_a.care_team.get(kind="external")
    membership = PartnerMembership.objects.get(user=member.account)
    assert response.status_code == 200
    assert "/accounts/set-password/" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert (member.account.username, member.partner_organization) == (
        "nadia@ei.example.org",
        early_intervention,
    )
    assert (membership.organization, membership.role) == (early_intervention, "care_team")
    assert not member.account.has_usable_password()
    assert not OutsideConsent.objects.filter(member=member).exists()


def test_invite_to_a_new_organization_makes_it_a_partner_of_the_practice(
    coordinator_client, plan_a, child_a
):
    coordinator_client.post(
        reverse("careplan:outside_members", args=[plan_a.pk]),
        {
            "name": "Dr. Ilse Brandvold",
            "external_role": "specialist",
            "email": "ilse@cardiology.example.org",
            "new_organization": "Harbor Pediatric Cardiology",
        },
    )

    member = child_a.care_team.get(kind="external")
    assert member.partner_organization.name == "Harbor Pediatric Cardiology"
    assert PracticePartner.objects.filter(
        practice=plan_a.practice, organization=member.partner_organization
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"external_role": "specialist", "email": "a@example.org", "new_organization": "X"},
            "Write the person&#x27;s name.",
        ),
        (
            {"name": "Ana", "external_role": "specialist", "new_organization": "X"},
            "Write the person&#x27;s e-mail address",
        ),
        (
            {"name": "Ana", "email": "a@example.org", "new_organization": "X"},
            "Choose a role.",
        ),
        (
            {"name": "Ana", "external_role": "specialist", "email": "a@example.org"},
            "Choose their organization from the list, or write the name of a new one",
        ),
    ],
)
def test_invite_refuses_incomplete_forms_with_a_clear_message_and_saves_nothing(
    coordinator_client, plan_a, child_a, data, message
):
    users_before = PartnerMembership.objects.count()

    response = coordinator_client.post(reverse("careplan:outside_members", args=[plan_a.pk]), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not child_a.care_team.filter(kind="external").exists()
    assert PartnerMembership.objects.count() == users_before


def test_invite_refuses_a_practice_staff_address(coordinator_client, plan_a, staff_a, child_a):
    staff_a[Role.NURSE].username  # noqa: B018  (the nurse exists with this username)
    response = coordinator_client.post(
        reverse("careplan:outside_members", args=[plan_a.pk]),
        {
            "name": "Tomasz",
            "external_role": "other",
            "email": f"{staff_a[Role.NURSE].username}",
            "new_organization": "Somewhere",
        },
    )
    # A username is not an e-mail address: the form refuses it before the service.
    assert response.status_code == 400
    assert not child_a.care_team.filter(kind="external").exists()


def test_a_role_without_plan_edit_cannot_invite(log_in, staff_a, practice_a, plan_a, child_a):
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)

    response = client.post(
        reverse("careplan:outside_members", args=[plan_a.pk]),
        {"name": "X", "external_role": "other", "email": "x@example.org", "new_organization": "Y"},
    )

    assert response.status_code == 403
    assert not child_a.care_team.filter(kind="external").exists()


def test_an_outside_member_user_lands_on_their_children(outside_client, consented):
    _member, user = consented

    response = outside_client(user).get("/")

    assert response.status_code == 302 and response["Location"] == "/outside/children/"


# --- Consent -------------------------------------------------------------------------------


def test_without_consent_the_outside_member_sees_nothing(outside_client, invited):
    member, user = invited
    client = outside_client(user)

    listing = client.get(reverse("careplan:outside_children"))
    page = client.get(plan_url(member))
    note = client.post(
        reverse("careplan:outside_note", args=[member.pk]), {"goal": "", "text": "Hi"}
    )

    assert listing.status_code == 200 and list(listing.context["members"]) == []
    assert "Sofía" not in listing.content.decode()
    assert (page.status_code, note.status_code) == (404, 404)


def test_consent_recorded_by_staff_opens_the_shared_plan(
    coordinator_client, outside_client, invited, caregiver_a, plan_a, coordinator
):
    member, user = invited
    services.update_plan(
        actor=coordinator,
        plan=plan_a,
        version=None,
        family_priorities="Sofía walking to the park",
        at=MOMENT,
    )
    services.add_goal(actor=coordinator, plan=plan_a, text="Say ten words", at=MOMENT)

    recorded = coordinator_client.post(
        reverse("careplan:outside_consent", args=[member.pk]),
        {"given_by": caregiver_a.pk, "method": "verbal"},
    )
    page = outside_client(user).get(plan_url(member))

    consent = OutsideConsent.objects.get(member=member)
    body = page.content.decode()
    assert recorded.status_code == 302
    assert (consent.given_by_caregiver, consent.shared_items, consent.method) == (
        caregiver_a,
        ["care_plan"],
        "verbal",
    )
    assert page.status_code == 200
    assert "Sofía walking to the park" in body and "Say ten words" in body
    assert "Recent visits" not in body and "Immunizations" not in body
    assert "SG-100234" not in body  # the MRN is not on the shared plan


def test_only_the_consented_items_are_shown(
    outside_client, child_a, caregiver_a, coordinator_user, early_intervention
):
    visit = factories.schedule_visit(child_a, at="2026-02-02 09:00:00-05:00")
    hidden = factories.schedule_visit(child_a, at="2026-02-09 09:00:00-05:00", kind="sick")
    type(visit).objects.filter(pk__in=[visit.pk, hidden.pk]).update(status="completed")
    type(visit).objects.filter(pk=hidden.pk).update(confidential=True)
    Immunization.objects.create(
        practice=child_a.practice,
        child=child_a,
        source_key="imm-1",
        content_hash="x",
        imported_at=MOMENT,
        cvx="08",
        display="Hep B, adolescent or pediatric",
        given_on=date(2023, 5, 18),
    )
    member, user = care_factories.outside_member(
        child_a,
        coordinator_user,
        early_intervention,
        consent_by=caregiver_a,
        shared_items=("visits",),
    )

    view = outside_client(user).get(plan_url(member)).context["view"]

    assert [v.pk for v in view.visits] == [visit.pk]  # never the confidential visit
    assert view.immunizations is None  # not consented


def test_the_adolescents_own_and_safety_actions_never_reach_a_caregivers_consent(
    outside_client,
    consented,
    coordinator,
    plan_a,
    child_a,
    caregiver_a,
    coordinator_user,
):
    member, user = consented
    shared = services.add_action(
        actor=coordinator, plan=plan_a, text="Book hearing test", at=MOMENT
    )
    own = services.add_action(actor=coordinator, plan=plan_a, text="Teen clinic visit", at=MOMENT)
    PlanAction.objects.filter(pk=own.pk).update(confidential=True)
    referral = factories.sent_referral(
        child_a, caregiver_a, coordinator_user, factories.organization("Safe Harbor")
    )
    Referral.objects.filter(pk=referral.pk).update(need="safety")
    safety = services.add_action(
        actor=coordinator, plan=plan_a, text="Shelter call", referral=referral, at=MOMENT
    )

    page = outside_client(user).get(plan_url(member))

    shown = [action.pk for action in page.context["view"].actions]
    assert shared.pk in shown
    assert own.pk not in shown and safety.pk not in shown
    body = page.content.decode()
    assert "Teen clinic visit" not in body and "Shelter call" not in body


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"method": "verbal"}, "This field is required."),
        ({"given_by": "adolescent", "method": "verbal"}, "Only an adolescent (11 or older)"),
        ({"given_by": "caregiver", "method": ""}, "This field is required."),
        (
            {"given_by": "caregiver", "method": "verbal", "shared_items": ["safety"]},
            "Select a valid choice.",
        ),
    ],
)
def test_consent_refuses_what_cannot_be_recorded(
    coordinator_client, invited, caregiver_a, form, message
):
    member, _user = invited
    if form.get("given_by") == "caregiver":
        form = {**form, "given_by": caregiver_a.pk}

    response = coordinator_client.post(reverse("careplan:outside_consent", args=[member.pk]), form)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OutsideConsent.objects.filter(member=member).exists()


def test_consent_of_a_caregiver_of_another_family_is_refused(coordinator, invited, caregiver_b):
    member, _user = invited

    with pytest.raises(ValidationError) as refused:
        services.record_outside_consent(
            actor=coordinator,
            member=member,
            caregiver=caregiver_b,
            method="verbal",
            shared_items=[],
            at=MOMENT,
        )

    assert "That caregiver is not in this child's family." in refused.value.messages


def test_a_new_consent_replaces_the_one_in_force(coordinator, consented, caregiver_a):
    member, _user = consented

    services.record_outside_consent(
        actor=coordinator,
        member=member,
        caregiver=caregiver_a,
        shared_items=["immunizations"],
        method="written",
        at=MOMENT,
    )

    consents = OutsideConsent.objects.filter(member=member).order_by("given_at", "revoked_at")
    assert [c.is_active for c in consents].count(True) == 1
    assert OutsideConsent.objects.get(member=member, revoked_at__isnull=True).shared_items == [
        "care_plan",
        "immunizations",
    ]


# --- Revoke --------------------------------------------------------------------------------


def test_revoking_consent_ends_access_at_the_next_request_audited(
    coordinator_client, outside_client, consented
):
    member, user = consented
    client = outside_client(user)
    assert client.get(plan_url(member)).status_code == 200

    coordinator_client.post(
        reverse("careplan:outside_revoke", args=[member.pk]), {"reason": "Family asked"}
    )

    consent = OutsideConsent.objects.get(member=member)
    assert client.get(plan_url(member)).status_code == 404
    assert list(client.get(reverse("careplan:outside_children")).context["members"]) == []
    assert (consent.revoke_reason, consent.revoked_at is not None) == ("Family asked", True)
    assert AuditEvent.objects.filter(
        object_type="careplan.outsideconsent", object_id=str(consent.pk), action="update"
    ).exists()


def test_revoking_needs_a_reason(coordinator_client, outside_client, consented):
    member, user = consented

    response = coordinator_client.post(
        reverse("careplan:outside_revoke", args=[member.pk]), {"reason": " "}, follow=True
    )

    assert "Say why consent is revoked." in response.content.decode()
    assert outside_client(user).get(plan_url(member)).status_code == 200


def test_revoking_without_consent_in_force_says_so(coordinator_client, invited):
    member, _user = invited

    response = coordinator_client.post(
        reverse("careplan:outside_revoke", args=[member.pk]), {"reason": "x"}, follow=True
    )

    assert "There is no consent in force to revoke." in response.content.decode()


def test_an_ended_organization_membership_ends_access(outside_client, consented):
    member, user = consented
    PartnerMembership.objects.filter(user=user).update(is_active=False)

    assert outside_client(user).get(plan_url(member)).status_code in (403, 404)


def test_removing_the_member_from_the_team_ends_access(
    outside_client, consented, coordinator, coordinator_client
):
    member, user = consented

    services.update_team_member(
        actor=coordinator, member=member, version=None, is_active=False, at=MOMENT
    )

    assert outside_client(user).get(plan_url(member)).status_code == 404


# --- Progress notes ------------------------------------------------------------------------


def test_a_progress_note_is_saved_marked_and_shown_to_staff(
    outside_client, consented, coordinator, plan_a, client_a, child_a
):
    member, user = consented
    goal = services.add_goal(actor=coordinator, plan=plan_a, text="Say ten words", at=MOMENT)

    response = outside_client(user).post(
        reverse("careplan:outside_note", args=[member.pk]),
        {"goal": goal.pk, "text": "Six words this week, and signs for more."},
    )

    note = ProgressNote.objects.get(goal=goal)
    staff_page = client_a.get(reverse("careplan:plan", args=[child_a.pk])).content.decode()
    assert response.status_code == 302
    assert (note.by_outside_member, note.by_user) == (member, user)
    assert "Six words this week" in staff_page
    assert "Nadia Fairweather (Early intervention coordinator" in staff_page
    timeline = client_a.get(reverse("timeline:child", args=[child_a.pk])).content.decode()
    assert "Nadia Fairweather (Bay State Early Intervention)" in timeline
    assert AuditEvent.objects.filter(
        object_type="careplan.progressnote", object_id=str(note.pk), action="create"
    ).exists()


def test_an_empty_note_is_refused_with_a_message(outside_client, consented, coordinator, plan_a):
    member, user = consented
    goal = services.add_goal(actor=coordinator, plan=plan_a, text="Say ten words", at=MOMENT)

    response = outside_client(user).post(
        reverse("careplan:outside_note", args=[member.pk]), {"goal": goal.pk, "text": "  "}
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ProgressNote.objects.exists()


def test_a_note_on_another_childs_goal_is_refused(
    outside_client, consented, clinician_b_actor, plan_b
):
    member, user = consented
    other_goal = services.add_goal(
        actor=clinician_b_actor, plan=plan_b, text="Other child", at=MOMENT
    )

    response = outside_client(user).post(
        reverse("careplan:outside_note", args=[member.pk]),
        {"goal": other_goal.pk, "text": "Intrusion"},
    )

    assert response.status_code == 400
    assert not ProgressNote.objects.exists()


# --- Reads are audited, scoped and cheap --------------------------------------------------


def test_every_read_is_audited_in_the_childs_practice(outside_client, consented, practice_a):
    member, user = consented
    client = outside_client(user)

    client.get(reverse("careplan:outside_children"))
    client.get(plan_url(member))

    events = AuditEvent.objects.filter(practice=practice_a, actor=user)
    assert {(e.action, e.object_type) for e in events} >= {
        ("view", "careplan.careteammember"),
        ("view", "child"),
    }


def test_another_practices_outside_member_cannot_reach_this_child(
    outside_client, consented, child_b, caregiver_b, clinician_b, early_intervention
):
    member_a, _user_a = consented
    _member_b, user_b = care_factories.outside_member(
        child_b, clinician_b, early_intervention, email="b@example.org", consent_by=caregiver_b
    )
    client = outside_client(user_b)

    assert client.get(plan_url(member_a)).status_code == 404
    assert "Sofía" not in client.get(reverse("careplan:outside_children")).content.decode()


def test_the_shared_plan_page_costs_the_same_with_more_goals(
    outside_client, consented, coordinator, plan_a, django_assert_max_num_queries
):
    member, user = consented
    client = outside_client(user)
    for number in range(8):
        goal = services.add_goal(actor=coordinator, plan=plan_a, text=f"Goal {number}", at=MOMENT)
        services.add_progress_note(actor=coordinator, goal=goal, text="Note", at=MOMENT)
        services.add_action(actor=coordinator, plan=plan_a, text=f"Action {number}", at=MOMENT)

    with django_assert_max_num_queries(30):
        assert client.get(plan_url(member)).status_code == 200


def test_the_adolescents_consent_shares_their_own_items_and_a_caregivers_does_not(
    outside_client, family_a, caregiver_a, coordinator, coordinator_user, early_intervention
):
    teen = factories.add_child(
        family_a, legal_given_name="Mateo", mrn="MG-2", date_of_birth=date(2010, 1, 2)
    )
    plan = services.ensure_plan(actor=coordinator, child=teen, at=MOMENT)
    own = services.add_action(actor=coordinator, plan=plan, text="Teen clinic visit", at=MOMENT)
    PlanAction.objects.filter(pk=own.pk).update(confidential=True)
    member, user = care_factories.outside_member(teen, coordinator_user, early_intervention)
    client = outside_client(user)

    services.record_outside_consent(
        actor=coordinator,
        member=member,
        caregiver=caregiver_a,
        shared_items=[],
        method="verbal",
        at=MOMENT,
    )
    under_caregiver = [a.pk for a in client.get(plan_url(member)).context["view"].actions]
    services.record_outside_consent(
        actor=coordinator,
        member=member,
        adolescent=True,
        shared_items=[],
        method="verbal",
        at=MOMENT,
    )
    under_adolescent = [a.pk for a in client.get(plan_url(member)).context["view"].actions]

    assert (under_caregiver, under_adolescent) == ([], [own.pk])


def test_the_list_of_children_costs_the_same_with_more_children(
    outside_client,
    family_a,
    caregiver_a,
    coordinator,
    coordinator_user,
    early_intervention,
    django_assert_max_num_queries,
):
    login = None
    for number in range(5):
        child = factories.add_child(family_a, legal_given_name=f"Sib{number}", mrn=f"S-{number}")
        member, login = care_factories.outside_member(
            child, coordinator_user, early_intervention, consent_by=caregiver_a
        )
    client = outside_client(login)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("careplan:outside_children"))

    assert len(response.context["members"]) == 5
