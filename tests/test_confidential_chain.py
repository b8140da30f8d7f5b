"""Confidentiality follows the chain, and safety items stay off shared surfaces (security.md
catalogue 11; docs/clinical-rules.md#safety-referrals, #referral-consent,
#adolescent-confidentiality).

One adolescent, two caregivers, and every kind of derived item: a referral started from the
adolescent's confidential CRAFFT, an action linked to that referral, an action linked to the
screen itself, an action linked to it only later, a partner-violence referral and an action
linked to it. Each is walked across every caregiver-facing surface (the referral-status link,
the family's referral print, the care-plan family page, its print and PDF source, the
selectors that other family pages call); the care team sees each labelled "confidential",
and roles that may not see confidential results see only that one exists.
"""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.careplan import pdf
from medhome.careplan import selectors as plan_selectors
from medhome.careplan import services as plans
from medhome.careplan.models import PlanAction
from medhome.core import clock
from medhome.portal import links
from medhome.portal.models import Purpose
from medhome.referrals import selectors as referral_selectors
from medhome.referrals import services as referrals
from medhome.referrals.models import Referral
from medhome.screening.models import Administration

from . import factories

NOW = "2026-11-23 10:00:00-05:00"  # a Monday

# What must never reach a caregiver, one marker per kind of derived item.
HIDDEN = {
    "referral from the confidential screen": "Teen Recovery Center",
    "action linked to that referral": "Call the recovery center with Diego",
    "action linked to the screen": "Talk with Diego about the CRAFFT answers",
    "action linked to the screen later": "Second talk about substance use",
    "safety referral": "Harbor Safe Home Hotline",
    "action linked to the safety referral": "Call the safe-home hotline together",
}
SHOWN = {"food referral": "Eastside Pantry", "food action": "Pick up the pantry box"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _actor(staff_a, practice_a, role):
    return factories.actor_for(staff_a[role], practice_a, role)


@pytest.fixture
def chain(db, family_a, caregiver_a, staff_a, practice_a):
    """The adolescent's confidential screen and all that follows from it, plus a safety
    referral and an ordinary food referral (the control that must still show)."""
    now = clock.now()
    clinician = _actor(staff_a, practice_a, Role.PEDIATRICIAN)
    teen = factories.add_child(
        family_a,
        legal_given_name="Diego",
        date_of_birth=date(2012, 3, 1),
        mrn="DG-200871",
        preferred_language="en",
    )
    father = factories.add_caregiver(
        family_a,
        given_name="Rafael",
        relationship="father",
        is_primary_contact=False,
        phone="+16175550199",
    )
    crafft = Administration.objects.create(
        practice=practice_a,
        child=teen,
        instrument_key="crafft",
        instrument_version="2.1",
        mode="staff_entry",
        respondent="adolescent",
        language="en",
        status="scored",
        answers={},
        started_at=now - timedelta(hours=1),
        updated_at=now - timedelta(hours=1),
        submitted_at=now - timedelta(hours=1),
        administered_on=now.date(),
        confidential=True,
        total=3,
        band="high_risk",
        positive=True,
    )
    recovery = factories.organization(HIDDEN["referral from the confidential screen"])
    hotline = factories.organization(HIDDEN["safety referral"])
    pantry = factories.organization(SHOWN["food referral"])

    confidential = referrals.start_referral(
        actor=clinician,
        child=teen,
        need="substance_use",
        organization=recovery,
        reason="CRAFFT high risk",
        source_administration=crafft,
        at=now,
    )
    referrals.record_consent(
        actor=clinician,
        referral=confidential,
        adolescent=True,
        shared_items=["need"],
        method="verbal",
        at=now,
    )
    referrals.send(actor=clinician, referral=confidential, at=now)
    safety = referrals.start_referral(
        actor=clinician, child=teen, need="safety", organization=hotline, reason="Safety", at=now
    )
    referrals.record_consent(
        actor=clinician,
        referral=safety,
        caregiver=caregiver_a,
        shared_items=["need"],
        method="verbal",
        at=now,
    )
    referrals.send(actor=clinician, referral=safety, at=now)
    food = referrals.start_referral(
        actor=clinician, child=teen, need="food", organization=pantry, reason="Food", at=now
    )
    referrals.record_consent(
        actor=clinician,
        referral=food,
        caregiver=caregiver_a,
        shared_items=["need"],
        method="verbal",
        at=now,
    )
    referrals.send(actor=clinician, referral=food, at=now)

    plan = plans.ensure_plan(actor=clinician, child=teen, at=now)

    def action(text, **links):
        return plans.add_action(actor=clinician, plan=plan, text=text, at=now, **links)

    later = action(HIDDEN["action linked to the screen later"])
    plans.update_action(
        actor=clinician, action=later, version=later.version, screening=crafft, at=now
    )
    actions = {
        "action linked to that referral": action(
            HIDDEN["action linked to that referral"], referral=confidential
        ),
        "action linked to the screen": action(
            HIDDEN["action linked to the screen"], screening=crafft
        ),
        "action linked to the screen later": PlanAction.objects.get(pk=later.pk),
        "action linked to the safety referral": action(
            HIDDEN["action linked to the safety referral"], referral=safety
        ),
        "food action": action(SHOWN["food action"], referral=food),
    }
    return {
        "teen": teen,
        "mother": caregiver_a,
        "father": father,
        "crafft": crafft,
        "plan": plan,
        "confidential": Referral.objects.get(pk=confidential.pk),
        "safety": Referral.objects.get(pk=safety.pk),
        "food": Referral.objects.get(pk=food.pk),
        "actions": actions,
        "clinician": clinician,
    }


def _assert_hidden(text: str, surface: str) -> None:
    for kind, marker in HIDDEN.items():
        assert marker not in text, f"{kind} shows on {surface}"


# --- the chain is stored ---------------------------------------------------------------------


def test_what_starts_from_a_confidential_screen_is_marked_confidential(chain):
    assert chain["confidential"].confidential
    assert not chain["food"].confidential and not chain["safety"].confidential
    actions = chain["actions"]
    assert actions["action linked to that referral"].confidential
    assert actions["action linked to the screen"].confidential
    assert actions["action linked to the screen later"].confidential
    assert not actions["food action"].confidential
    assert set(PlanAction.objects.confidential()) == {
        actions["action linked to that referral"],
        actions["action linked to the screen"],
        actions["action linked to the screen later"],
    }
    assert list(Referral.objects.confidential()) == [chain["confidential"]]


def test_unlinking_does_not_hand_the_action_back_to_the_caregivers(chain):
    action = chain["actions"]["action linked to the screen later"]
    plans.update_action(
        actor=chain["clinician"],
        action=action,
        version=action.version,
        screening=None,
        at=clock.now(),
    )
    action.refresh_from_db()
    assert action.screening_id is None and action.confidential


def test_a_caregivers_consent_is_refused_for_a_referral_from_a_confidential_screen(
    chain, staff_a, practice_a, log_in
):
    draft = referrals.start_referral(
        actor=chain["clinician"],
        child=chain["teen"],
        need="substance_use",
        organization=chain["confidential"].organization,
        reason="CRAFFT high risk",
        source_administration=chain["crafft"],
        at=clock.now(),
    )
    with pytest.raises(ValidationError, match="only the adolescent can consent"):
        referrals.record_consent(
            actor=chain["clinician"],
            referral=draft,
            caregiver=chain["mother"],
            shared_items=["need"],
            method="verbal",
            at=clock.now(),
        )

    clinician = log_in(staff_a[Role.PEDIATRICIAN], practice_a)
    form = clinician.get(reverse("referrals:consent", args=[draft.pk])).content.decode()
    assert "only the adolescent can consent" in form
    assert re.search(r'name="adolescent"[^>]*checked', form)
    assert not re.search(r"<option[^>]*selected[^>]*>[^<]*Marisol", form)

    page = clinician.post(
        reverse("referrals:consent", args=[draft.pk]),
        {"caregiver": str(chain["mother"].pk), "shared_items": ["need"], "method": "verbal"},
    )
    draft.refresh_from_db()
    assert page.status_code == 400 and draft.status == "draft"
    assert "only the adolescent can consent" in page.content.decode()


def test_an_adolescents_own_consent_makes_the_referral_theirs(chain):
    manual = referrals.start_referral(
        actor=chain["clinician"],
        child=chain["teen"],
        need="mental_health",
        organization=chain["food"].organization,
        reason="Asked for counselling",
        at=clock.now(),
    )
    linked = plans.add_action(
        actor=chain["clinician"],
        plan=chain["plan"],
        text="Counselling intake",
        referral=manual,
        at=clock.now(),
    )
    assert linked in plan_selectors.family_visible_actions(chain["plan"])

    referrals.record_consent(
        actor=chain["clinician"],
        referral=manual,
        adolescent=True,
        shared_items=["need"],
        method="verbal",
        at=clock.now(),
    )

    manual.refresh_from_db()
    assert manual.confidential
    # The action linked before the consent is hidden at once, through its referral.
    assert linked not in plan_selectors.family_visible_actions(chain["plan"])


def test_the_family_summary_says_what_may_not_reach_a_caregiver(chain):
    assert referral_selectors.family_summary(chain["food"]).shareable
    for kind in ("confidential", "safety"):
        assert not referral_selectors.family_summary(chain[kind]).shareable
    assert referral_selectors.family_summary(chain["confidential"]).confidential


# --- every caregiver-facing surface ----------------------------------------------------------


def test_the_selectors_family_pages_call_show_only_what_the_caregiver_may_see(chain):
    teen, mother, father = chain["teen"], chain["mother"], chain["father"]
    actions = chain["actions"]

    assert list(referral_selectors.family_visible_referrals(child=teen, caregiver=mother)) == [
        chain["food"]
    ]
    # Bound to the caregiver who consented: the other caregiver sees none of it.
    assert not referral_selectors.family_visible_referrals(child=teen, caregiver=father).exists()

    assert plan_selectors.family_visible_actions(chain["plan"], caregiver=mother) == [
        actions["food action"]
    ]
    assert plan_selectors.family_visible_actions(chain["plan"]) == [actions["food action"]]
    assert plan_selectors.family_visible_actions(chain["plan"], caregiver=father) == []


def _caregiver_screen(chain, *, domains):
    now = clock.now()
    return Administration.objects.create(
        practice=chain["teen"].practice,
        child=chain["teen"],
        instrument_key="ahc_hrsn",
        instrument_version="2024",
        mode="tablet",
        respondent="caregiver",
        caregiver=chain["mother"],
        language="en",
        status="scored",
        answers={},
        started_at=now,
        updated_at=now,
        submitted_at=now,
        positive=True,
        positive_domains=domains,
    )


def test_actions_from_a_safety_finding_or_another_caregivers_screen_stay_off(chain):
    plan, now = chain["plan"], clock.now()
    safety_screen = _caregiver_screen(chain, domains=["safety"])
    food_screen = _caregiver_screen(chain, domains=["food"])
    from_safety = plans.add_action(
        actor=chain["clinician"], plan=plan, text="Safety plan", screening=safety_screen, at=now
    )
    from_food = plans.add_action(
        actor=chain["clinician"], plan=plan, text="Food help", screening=food_screen, at=now
    )

    for caregiver in (chain["mother"], chain["father"], None):
        assert from_safety not in plan_selectors.family_visible_actions(plan, caregiver=caregiver)
    # The mother's own answers are hers: the father does not see what follows from them.
    assert from_food in plan_selectors.family_visible_actions(plan, caregiver=chain["mother"])
    assert from_food not in plan_selectors.family_visible_actions(plan, caregiver=chain["father"])


def test_the_referral_status_link_shows_no_safety_or_confidential_referral(
    chain, staff_a, practice_a, log_in, client
):
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    made = coordinator.post(reverse("referrals:status_link", args=[chain["food"].pk]))
    path = re.search(r"(/r/[A-Za-z0-9_-]{20,}/)", made.content.decode()).group(1)

    page = client.get(path).content.decode()

    assert SHOWN["food referral"] in page
    _assert_hidden(page, "the referral-status link")


@pytest.mark.parametrize("kind", ["confidential", "safety"])
def test_the_familys_referral_print_is_withheld(chain, staff_a, practice_a, log_in, kind):
    clinician = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    page = clinician.get(reverse("referrals:summary", args=[chain[kind].pk]))

    assert page.status_code == 403
    assert "Not printed for the family" in page.content.decode()
    _assert_hidden(page.content.decode(), "the family's referral print")
    shown = clinician.get(reverse("referrals:summary", args=[chain["food"].pk]))
    assert shown.status_code == 200 and SHOWN["food referral"] in shown.content.decode()


def test_the_care_plan_family_page_print_and_pdf_source_hide_the_chain(chain, client):
    now = clock.now()
    _link, token = links.issue_link(
        actor=chain["clinician"],
        purpose=Purpose.CARE_PLAN,
        child=chain["teen"],
        caregiver=chain["mother"],
        at=now,
    )

    page = client.get(reverse("portal:plan", args=[token]))
    assert page.status_code == 200
    assert SHOWN["food action"] in page.content.decode()
    _assert_hidden(page.content.decode(), "the care-plan family page")

    for caregiver in (chain["mother"], None):
        html = pdf.plan_html(chain["plan"], language="en", caregiver=caregiver)
        assert SHOWN["food action"] in html
        _assert_hidden(html, "the care-plan PDF")

    printed = client.get(reverse("portal:plan_print", args=[token]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"


# --- the care team ---------------------------------------------------------------------------


def test_the_clinical_team_sees_the_chain_labelled_confidential(chain, staff_a, practice_a, log_in):
    clinician = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    plan_page = clinician.get(reverse("careplan:plan", args=[chain["teen"].pk])).content.decode()
    for kind in ("action linked to that referral", "action linked to the screen"):
        assert HIDDEN[kind] in plan_page
    assert plan_page.count("Confidential") >= 3
    assert "crafft ·" in plan_page  # the clinical team may link a new action to the screen

    timeline = clinician.get(reverse("timeline:child", args=[chain["teen"].pk])).content.decode()
    assert HIDDEN["referral from the confidential screen"] in timeline
    assert "Confidential · draft → requested" in timeline

    detail = clinician.get(reverse("referrals:detail", args=[chain["confidential"].pk]))
    assert "Confidential" in detail.content.decode()
    assert "Summary for the family (print)" not in detail.content.decode()


@pytest.mark.parametrize(
    "role",
    [Role.FRONT_DESK, Role.LEGAL_PARTNER, Role.PRACTICE_ADMIN, Role.COMMUNITY_HEALTH_WORKER],
)
def test_roles_that_may_not_see_confidential_results_see_only_a_label(
    chain, staff_a, practice_a, log_in, role
):
    client = log_in(staff_a[role], practice_a)

    plan_page = client.get(reverse("careplan:plan", args=[chain["teen"].pk])).content.decode()

    assert "Confidential" in plan_page
    assert SHOWN["food action"] in plan_page
    for kind in (
        "action linked to that referral",
        "action linked to the screen",
        "action linked to the screen later",
    ):
        assert HIDDEN[kind] not in plan_page
    # Nor in the choices of what a new action comes from (the CHW may edit the plan).
    assert HIDDEN["referral from the confidential screen"] not in plan_page
    assert "crafft ·" not in plan_page
    action = chain["actions"]["action linked to the screen"]
    assert client.get(reverse("careplan:edit_action", args=[action.pk])).status_code in (403, 404)


def test_a_community_health_worker_sees_a_confidential_referral_only_as_a_label(
    chain, staff_a, practice_a, log_in
):
    chw = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)

    chart = chw.get(reverse("families:chart", args=[chain["teen"].pk])).content.decode()
    listing = chw.get(reverse("referrals:list")).content.decode()
    timeline = chw.get(reverse("timeline:child", args=[chain["teen"].pk])).content.decode()

    for page in (chart, listing, timeline):
        assert HIDDEN["referral from the confidential screen"] not in page
        assert "Confidential" in page
    detail = chw.get(reverse("referrals:detail", args=[chain["confidential"].pk]))
    assert detail.status_code == 404


# --- existing rows ---------------------------------------------------------------------------


def test_the_data_migrations_mark_existing_rows(chain):
    import importlib

    Referral.objects.update(confidential=False)
    PlanAction.objects.update(confidential=False)

    importlib.import_module("medhome.referrals.migrations.0004_mark_confidential_referrals").mark(
        django_apps, None
    )
    importlib.import_module("medhome.careplan.migrations.0003_mark_confidential_plan_actions").mark(
        django_apps, None
    )

    assert set(Referral.objects.filter(confidential=True)) == {chain["confidential"]}
    actions = chain["actions"]
    assert set(PlanAction.objects.filter(confidential=True)) == {
        actions["action linked to that referral"],
        actions["action linked to the screen"],
        actions["action linked to the screen later"],
    }
