"""Condition health concerns (SDOHCC Condition) generated from positive social-needs screens:
one per positive domain, never partner violence; valid R4B; the codes and categories; active
until a newer screen with the same instrument; who reads them (results, detail for an
adolescent's own, a partner under consent); another practice's never; the view's id is
models.concern_id on both databases."""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.ehr.models import Condition
from medhome.ehr.tests.support import run_import, write_export
from medhome.fhir.models import CONCERN_DOMAINS, concern_id, concern_sources
from medhome.referrals.models import SharedItem
from tests import factories
from tests.fhir_support import bearer, issue_token

from .support import HVS_AT_RISK, referral_from_screen, scored_screen, valid

pytestmark = pytest.mark.django_db

SNOMED = "http://snomed.info/sct"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def _hvs(child, *, on, positive=True, **extra):
    return scored_screen(
        child,
        "hvs",
        HVS_AT_RISK if positive else {"1": "LA28398-8", "2": "LA28398-8"},
        positive=positive,
        band="positive" if positive else "negative",
        domains=("food",) if positive else (),
        on=on,
        **extra,
    )


@pytest.fixture
def screens(child_a, child_b):
    return {
        "ahc": scored_screen(
            child_a,
            "ahc_hrsn",
            {},
            positive=True,
            band="positive",
            domains=("food", "housing", "utilities", "transportation", "safety"),
            on=date(2026, 11, 2),
        ),
        "hvs_old": _hvs(child_a, on=date(2025, 6, 1)),
        "hvs": _hvs(child_a, on=date(2026, 10, 1)),
        "teen": scored_screen(
            child_a,
            "ahc_hrsn",
            {},
            positive=True,
            domains=("transportation",),
            respondent="adolescent",
            confidential=True,
            on=date(2026, 9, 1),
        ),
        "draft": scored_screen(child_a, "hvs", {}, domains=("food",), status="in_progress"),
        "other": _hvs(child_b, on=date(2026, 10, 1)),
    }


@pytest.fixture
def problem(child_a):
    return Condition.objects.create(
        practice=child_a.practice,
        child=child_a,
        source_key="http://ehr.example/problems|77",
        code_system=SNOMED,
        code="195967001",
        display="Asthma",
        clinical_status="active",
        imported_at=timezone.now(),
        content_hash="x",
    )


def _search(client, token, query=""):
    answer = client.get(f"/fhir/Condition?_count=100{query}", **bearer(token))
    assert answer.status_code == 200, answer.content
    return {e["resource"]["id"]: e["resource"] for e in valid(answer.json()).get("entry", [])}


def _service_request(client, token, referral):
    answer = client.get(f"/fhir/ServiceRequest/{referral.pk}", **bearer(token))
    assert answer.status_code == 200, answer.content
    return valid(answer.json())


def _token(practice, user):
    return issue_token(scope="user/*.rs", practice=practice, user=user)


def cid(administration, domain):
    return str(concern_id(administration.pk, domain))


def test_one_concern_per_positive_domain_never_safety(client, practice_a, clinician_a, screens):
    found = _search(client, _token(practice_a, clinician_a), "&category=health-concern")
    ahc = screens["ahc"]
    assert set(found) == {
        cid(ahc, "food"),
        cid(ahc, "housing"),
        cid(ahc, "utilities"),
        cid(ahc, "transportation"),
        cid(screens["hvs_old"], "food"),
        cid(screens["hvs"], "food"),
        cid(screens["teen"], "transportation"),
    }
    assert "intimate-partner-violence" not in str(found)
    food = found[cid(ahc, "food")]
    assert [c["coding"][0]["code"] for c in food["category"]] == [
        "health-concern",
        "sdoh",
        "food-insecurity",
    ]
    assert food["verificationStatus"]["coding"][0]["code"] == "unconfirmed"
    assert food["clinicalStatus"]["coding"][0]["code"] == "active"
    assert food["evidence"] == [{"detail": [{"reference": f"Observation/{ahc.pk}"}]}]
    assert food["subject"] == {"reference": f"Patient/{ahc.child_id}"}
    assert food["onsetDateTime"] == "2026-11-02"
    assert food["meta"]["profile"][1].endswith("/SDOHCC-Condition")
    assert food["code"]["coding"] == [
        {"system": SNOMED, "code": "733423003", "display": "Food insecurity"},
        {"system": ICD, "code": "Z59.41", "display": "Food insecurity"},
    ]


def test_codes_by_domain_and_day(client, practice_a, clinician_a, screens):
    found = _search(client, _token(practice_a, clinician_a), "&category=sdoh")
    ahc = screens["ahc"]
    # Four Z codes fit housing: the team chooses, the concern carries the text only.
    assert found[cid(ahc, "housing")]["code"] == {"text": "Housing instability"}
    assert [c["code"] for c in found[cid(ahc, "transportation")]["code"]["coding"]] == ["Z59.82"]
    # Utilities: Z59.861 from FY2026 (2025-10-01), Z59.87 before.
    assert [c["code"] for c in found[cid(ahc, "utilities")]["code"]["coding"]] == ["Z59.861"]


def test_newer_screen_with_the_same_instrument_makes_it_inactive(
    client, practice_a, clinician_a, child_a, screens
):
    token = _token(practice_a, clinician_a)
    old, new = cid(screens["hvs_old"], "food"), cid(screens["hvs"], "food")
    found = _search(client, token, "&category=food-insecurity")
    assert found[old]["clinicalStatus"]["coding"][0]["code"] == "inactive"
    assert found[old]["abatementDateTime"] == "2026-10-01"
    assert found[new]["clinicalStatus"]["coding"][0]["code"] == "active"
    assert "abatementDateTime" not in found[new]
    active = _search(client, token, "&clinical-status=active&category=food-insecurity")
    assert set(active) == {new, cid(screens["ahc"], "food")}  # another instrument: its own
    _hvs(child_a, on=date(2026, 11, 20), positive=False)
    assert set(_search(client, token, "&clinical-status=active&category=food-insecurity")) == {
        cid(screens["ahc"], "food")
    }
    assert set(_search(client, token, "&abatement-date=2026-11-20")) == {new}


def test_search_parameters(client, practice_a, clinician_a, screens, problem):
    token = _token(practice_a, clinician_a)
    ahc = screens["ahc"]
    assert set(_search(client, token, "&category=problem-list-item")) == {str(problem.pk)}
    foods = {cid(ahc, "food"), cid(screens["hvs"], "food"), cid(screens["hvs_old"], "food")}
    assert set(_search(client, token, f"&code={SNOMED}|733423003")) == foods
    assert set(_search(client, token, "&code=Z59.41")) == foods
    assert set(_search(client, token, f"&code={ICD}|Z59.861")) == {cid(ahc, "utilities")}
    assert set(_search(client, token, f"&code={ICD}|Z59.87")) == set()
    assert set(_search(client, token, f"&code={SNOMED}|195967001")) == {str(problem.pk)}
    assert set(_search(client, token, "&onset-date=2025-06-01")) == {
        cid(screens["hvs_old"], "food")
    }
    assert cid(ahc, "housing") in _search(
        client,
        token,
        "&category=http://hl7.org/fhir/us/core/CodeSystem/condition-category|health-concern",
    )
    # A problem-list category in the wrong system names nothing.
    assert _search(client, token, f"&category={ICD}|health-concern") == {}


def test_concern_ids_name_their_screen_and_domain():
    screen = uuid.uuid4()
    for domain in CONCERN_DOMAINS:
        found = concern_sources(concern_id(screen, domain))
        assert found is not None and found[0] == domain and screen in found[1]
        assert len(set(found[1])) == 16
    assert concern_sources(screen) is None  # a random (version 4) id is no concern's


def test_read_and_the_view_id_on_this_database(client, practice_a, clinician_a, screens, problem):
    token = _token(practice_a, clinician_a)
    both = f"{cid(screens['ahc'], 'housing')},{problem.pk},{screens['ahc'].pk}"
    assert set(_search(client, token, f"&_id={both}")) == {
        cid(screens["ahc"], "housing"),
        str(problem.pk),
    }
    answer = client.get(f"/fhir/Condition/{cid(screens['hvs'], 'food')}", **bearer(token))
    assert answer.status_code == 200
    assert valid(answer.json())["id"] == cid(screens["hvs"], "food")
    # Not a concern: the screen's own id, a draft's, another practice's.
    for missing in (
        screens["hvs"].pk,
        cid(screens["draft"], "food"),
        cid(screens["other"], "food"),
    ):
        assert client.get(f"/fhir/Condition/{missing}", **bearer(token)).status_code == 404


def test_roles(client, practice_a, screens, problem):
    chw = factories.make_user("chw-concerns")
    factories.make_membership(chw, practice_a, Role.COMMUNITY_HEALTH_WORKER)
    seen = _search(client, _token(practice_a, chw))
    # Results, but not the adolescent's own confidential screen.
    assert cid(screens["ahc"], "food") in seen
    assert cid(screens["teen"], "transportation") not in seen
    lawyer = factories.make_user("legal-concerns")
    factories.make_membership(lawyer, practice_a, Role.LEGAL_PARTNER)
    # The chart's problems, but no screening results.
    assert set(_search(client, _token(practice_a, lawyer))) == {str(problem.pk)}


def test_another_practice_never(client, practice_a, clinician_a, screens, child_b):
    token = _token(practice_a, clinician_a)
    assert _search(client, token, f"&patient={child_b.pk}") == {}
    assert cid(screens["other"], "food") not in _search(client, token)


def test_a_partner_reads_the_shared_screens_concerns_until_consent_is_revoked(
    client, screens, child_a, caregiver_a, clinician_a
):
    referral, pantry = referral_from_screen(
        child_a,
        caregiver_a,
        clinician_a,
        screens["hvs"],
        "Eastside Pantry",
        shared_items=("name", "need", SharedItem.SCREENING_RESULT),
    )
    token = issue_token(scope="user/Condition.rs user/ServiceRequest.rs", organization=pantry)
    assert set(_search(client, token)) == {cid(screens["hvs"], "food")}
    # The referral names the concern it answers, which this partner may read.
    reason = [{"reference": f"Condition/{cid(screens['hvs'], 'food')}"}]
    assert _service_request(client, token, referral)["reasonReference"] == reason
    staff = _token(child_a.practice, clinician_a)
    assert _service_request(client, staff, referral)["reasonReference"] == reason
    other = issue_token(scope="user/Condition.rs", organization=factories.organization("Other"))
    assert _search(client, other) == {}
    referral.consent.revoked_at = timezone.now()
    referral.consent.save()
    assert _search(client, token) == {}
    read = client.get(f"/fhir/Condition/{cid(screens['hvs'], 'food')}", **bearer(token))
    assert read.status_code == 404


def test_a_consent_without_the_result_shares_no_concern(
    client, screens, child_a, caregiver_a, clinician_a
):
    referral, pantry = referral_from_screen(
        child_a,
        caregiver_a,
        clinician_a,
        screens["hvs"],
        "Westside Pantry",
        shared_items=("name", "contact", "language", "need", "notes"),
    )
    token = issue_token(scope="user/Condition.rs user/ServiceRequest.rs", organization=pantry)
    assert _search(client, token) == {}
    assert "reasonReference" not in _service_request(client, token, referral)
    staff = _token(child_a.practice, clinician_a)
    assert "reasonReference" in _service_request(client, staff, referral)
    # A referral for another need than the screen found names no concern.
    type(referral).objects.filter(pk=referral.pk).update(need="housing")
    assert "reasonReference" not in _service_request(client, staff, referral)


def test_concerns_exported_and_reimported_stay_off_the_problem_list(
    client, practice_a, practice_b, clinician_a, child_a, screens, problem, tmp_path
):
    """What medhome's API gives another system, imported back as an EHR export: the EHR's
    problem comes back as a problem; the concerns medhome derived from the screens do not."""
    token = _token(practice_a, clinician_a)
    conditions = _search(client, token, f"&patient={child_a.pk}")
    patient = valid(client.get(f"/fhir/Patient/{child_a.pk}", **bearer(token)).json())
    assert len(conditions) == 8  # the problem and seven concerns
    export = write_export(tmp_path, {"Patient": [patient], "Condition": list(conditions.values())})

    result = run_import(practice_b, export)

    assert result.counts["refused"] == {}
    assert result.counts["skipped"] == {"health_concern": 7}
    assert list(Condition.objects.filter(practice=practice_b).values_list("display", "code")) == [
        ("Asthma", "195967001")
    ]
