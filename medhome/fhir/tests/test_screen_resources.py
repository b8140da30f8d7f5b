"""Questionnaire, QuestionnaireResponse and Observation through /fhir/: R4B validity, the
license rule for wording, the partner-violence items, roles (results vs detail), adolescent
confidentiality, a partner's consent granted and revoked, another practice's rows never."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from medhome.accounts.roles import Role
from medhome.ehr.models import Observation as EhrObservation
from medhome.fhir.models import questionnaire_id
from medhome.fhir.resources import _screens
from medhome.instruments import registry
from medhome.instruments.definitions import TextLicense
from medhome.instruments.models import TextPack
from medhome.referrals.models import SharedItem
from tests import factories
from tests.fhir_support import bearer, issue_token

from .support import positive_hvs, referral_from_screen, scored_screen

pytestmark = pytest.mark.django_db

VALIDATE = {
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
    "Observation": Observation,
}
MARKER = "LICENSED-WORDING-MARKER"
PHQ = {str(n): "LA6570-1" for n in range(1, 10)}  # 2 points each: 18
AHC_SAFETY_ONLY = {
    "1": "LA31993-1",
    "3": "LA28398-8",
    "4": "LA28398-8",
    "5": "LA32-8",
    "6": "LA32-8",
    "7": "LA6482-9",
    "8": "LA6482-9",
    "9": "LA6482-9",
    "10": "LA6482-9",
}


@pytest.fixture
def screens(child_a, caregiver_a, child_b):
    return {
        "phq9": scored_screen(
            child_a,
            "phq9",
            PHQ,
            total=18,
            positive=True,
            band="moderately_severe",
            caregiver=caregiver_a,
        ),
        "hvs": positive_hvs(child_a, caregiver=caregiver_a),
        "ahc": scored_screen(
            child_a,
            "ahc_hrsn",
            AHC_SAFETY_ONLY,
            positive=True,
            band="positive",
            domains=("safety",),
            subscores={"safety": 20},
            caregiver=caregiver_a,
        ),
        "epds": scored_screen(
            child_a,
            "epds",
            {str(n): "b" for n in range(1, 11)},
            total=10,
            positive=True,
            caregiver=caregiver_a,
        ),
        "phqa": scored_screen(
            child_a,
            "phqa",
            {"1": "LA6569-3"},
            total=1,
            positive=False,
            respondent="adolescent",
            confidential=True,
        ),
        "other": scored_screen(child_b, "phq9", PHQ, total=18, positive=True),
    }


@pytest.fixture
def ehr_rows(child_a, child_b):
    now = timezone.now()
    common = {"imported_at": now, "content_hash": "x"}
    return {
        "weight": EhrObservation.objects.create(
            practice=child_a.practice,
            child=child_a,
            source_key="w1",
            kind="weight",
            code="29463-7",
            value=Decimal("12.400"),
            unit="kg",
            effective_on=date(2026, 10, 1),
            **common,
        ),
        "lead": EhrObservation.objects.create(
            practice=child_a.practice,
            child=child_a,
            source_key="l1",
            kind="lead",
            code="5671-3",
            value=Decimal("2.000"),
            unit="ug/dL",
            effective_on=date(2026, 9, 1),
            **common,
        ),
        "other": EhrObservation.objects.create(
            practice=child_b.practice,
            child=child_b,
            source_key="w2",
            kind="weight",
            code="29463-7",
            value=Decimal("9.000"),
            unit="kg",
            effective_on=date(2026, 10, 1),
            **common,
        ),
    }


def _token(practice, user):
    return issue_token(scope="user/*.rs", practice=practice, user=user)


def _search(client, token, path):
    answer = client.get(f"/fhir/{path}", **bearer(token))
    assert answer.status_code == 200, answer.content
    bundle = answer.json()
    Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle.get("entry", [])]
    for resource in resources:
        VALIDATE[resource["resourceType"]].model_validate(resource)
    return resources


def _ids(resources, kind=None):
    return {r["id"] for r in resources if kind is None or r["resourceType"] == kind}


@pytest.fixture
def clinician_token(practice_a, clinician_a):
    return _token(practice_a, clinician_a)


# --- Questionnaire ------------------------------------------------------------------------------


def test_every_instrument_is_a_valid_questionnaire_with_its_own_codes(client, clinician_token):
    found = _search(client, clinician_token, "Questionnaire?_count=200")
    by_url = {q["url"]: q for q in found}
    assert len(found) == len(registry.all_instruments())
    for instrument in registry.all_instruments():
        q = by_url[_screens.canonical(instrument.key)]
        assert q["id"] == str(questionnaire_id(instrument.key, instrument.version))
        assert q["version"] == instrument.version and q["status"] == "active"
        codes = [c["code"] for c in q.get("code", [])]
        assert codes == ([instrument.loinc_panel] if instrument.loinc_panel else [])
        items = {i["linkId"]: i for i in q["item"]}
        for item in instrument.items:
            got = items[item.link_id]
            assert [c["code"] for c in got.get("code", [])] == ([item.loinc] if item.loinc else [])
            if instrument.text_license == TextLicense.BUNDLED:
                assert got.get("text") == item.text.get("en")
            else:
                assert "text" not in got
        if instrument.text_license != TextLicense.BUNDLED:
            assert q["copyright"] == _screens.LICENSED_NOTE


def test_questionnaire_search_parameters(client, clinician_token):
    phq = registry.get("phq9")
    url = _screens.canonical("phq9")
    assert _ids(_search(client, clinician_token, f"Questionnaire?url={url}")) == {
        str(questionnaire_id("phq9", phq.version))
    }
    assert _search(client, clinician_token, f"Questionnaire?url={url}|1999") == []
    by_code = _search(client, clinician_token, "Questionnaire?code=http://loinc.org|44249-1")
    assert [q["url"] for q in by_code] == [url]
    by_name = _search(client, clinician_token, "Questionnaire?name=AHC")
    assert [q["url"] for q in by_name] == [_screens.canonical("ahc_hrsn")]
    assert len(_search(client, clinician_token, "Questionnaire?status=active&_count=200")) == len(
        registry.all_instruments()
    )
    assert _search(client, clinician_token, "Questionnaire?status=retired") == []
    pk = questionnaire_id("gad7", registry.get("gad7").version)
    assert _ids(_search(client, clinician_token, f"Questionnaire?_id={pk}")) == {str(pk)}


# --- no licensed wording, no partner-violence items anywhere -----------------------------------


def test_no_licensed_wording_and_no_safety_items_in_any_answer(
    client, clinician_token, screens, practice_a
):
    licensed = [i for i in registry.all_instruments() if i.text_license != TextLicense.BUNDLED]
    assert {"epds", "phqa", "mchat_r", "crafft", "asq3"} <= {i.key for i in licensed}
    forbidden = {MARKER}
    for instrument in licensed:
        for item in instrument.items:
            forbidden |= set(item.text.values())
            for option in item.options:
                forbidden |= set(option.text.values())
        forbidden |= set(instrument.preamble.values()) | set(instrument.footer.values())
        # The practice holds a text pack: its wording is still not redistributed.
        TextPack.objects.create(
            practice=practice_a,
            instrument_key=instrument.key,
            instrument_version=instrument.version,
            language="en-x-test",
            content={
                "items": {i.link_id: f"{MARKER} {i.link_id}" for i in instrument.items},
                "options": {
                    i.link_id: {o.code: f"{MARKER} opt" for o in i.options}
                    for i in instrument.items
                },
                "title": f"{MARKER} title",
            },
            permission_reference="test grant",
            loaded_by="test",
        )
    forbidden.discard("")
    everything = [
        *_search(client, clinician_token, "Questionnaire?_count=200"),
        *_search(client, clinician_token, "QuestionnaireResponse?_count=200"),
        *_search(client, clinician_token, "Observation?_count=200"),
    ]
    assert {"QuestionnaireResponse", "Observation"} <= {r["resourceType"] for r in everything}
    text = json.dumps(everything)
    leaked = [w for w in forbidden if w in text]
    assert leaked == []
    responses = {r["id"]: r for r in everything if r["resourceType"] == "QuestionnaireResponse"}
    ahc = responses[str(screens["ahc"].pk)]
    assert [i["linkId"] for i in ahc["item"]] == ["1", "3", "4", "5", "6"]
    assert "95614-4" not in text  # the safety subscore's code


# --- QuestionnaireResponse ----------------------------------------------------------------------


def test_questionnaire_response_carries_codes_and_total(client, clinician_token, screens):
    phq = screens["phq9"]
    answer = client.get(f"/fhir/QuestionnaireResponse/{phq.pk}", **bearer(clinician_token))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    QuestionnaireResponse.model_validate(body)
    assert body["questionnaire"] == f"{_screens.canonical('phq9')}|2001"
    assert body["status"] == "completed"
    assert body["subject"] == {"reference": f"Patient/{phq.child_id}"}
    assert body["author"] == {"reference": f"RelatedPerson/{phq.caregiver_id}"}
    first = body["item"][0]
    assert first["linkId"] == "1"
    assert first["answer"][0]["valueCoding"]["code"] == "LA6570-1"
    assert body["item"][-1] == {"linkId": "total-score", "answer": [{"valueInteger": 18}]}
    epds = client.get(
        f"/fhir/QuestionnaireResponse/{screens['epds'].pk}", **bearer(clinician_token)
    )
    coding = epds.json()["item"][0]["answer"][0]["valueCoding"]
    assert coding == {"system": f"{_screens.ANSWER_SYSTEM_BASE}epds", "code": "b"}


def test_questionnaire_response_search_parameters(client, clinician_token, screens, child_a):
    base = "QuestionnaireResponse?"
    mine = {str(a.pk) for k, a in screens.items() if k != "other"}
    assert _ids(_search(client, clinician_token, f"{base}patient=Patient/{child_a.pk}")) == mine
    url = _screens.canonical("hvs")
    assert _ids(_search(client, clinician_token, f"{base}questionnaire={url}")) == {
        str(screens["hvs"].pk)
    }
    qid = questionnaire_id("phq9", "2001")
    assert _ids(_search(client, clinician_token, f"{base}questionnaire=Questionnaire/{qid}")) == {
        str(screens["phq9"].pk)
    }
    assert _ids(_search(client, clinician_token, f"{base}status=completed")) == mine
    assert _search(client, clinician_token, f"{base}status=stopped") == []
    today = timezone.localdate()
    assert _ids(_search(client, clinician_token, f"{base}authored=ge{today}")) == mine
    assert _search(client, clinician_token, f"{base}authored=lt{today - timedelta(days=1)}") == []
    included = _search(
        client,
        clinician_token,
        f"{base}_id={screens['phq9'].pk}&_include=QuestionnaireResponse:questionnaire",
    )
    assert _ids(included, "Questionnaire") == {str(qid)}
    bad = client.get(f"/fhir/{base}authored=xx2026", **bearer(clinician_token))
    assert bad.status_code == 400


def test_roles_results_without_detail_get_observations_but_no_responses(
    client, practice_a, screens
):
    chw = factories.make_user("chw-fhir")
    factories.make_membership(chw, practice_a, Role.COMMUNITY_HEALTH_WORKER)
    token = _token(practice_a, chw)
    assert _search(client, token, "QuestionnaireResponse") == []
    answer = client.get(f"/fhir/QuestionnaireResponse/{screens['phq9'].pk}", **bearer(token))
    assert answer.status_code == 404
    seen = _ids(_search(client, token, "Observation?category=survey"))
    # Results, but not the adolescent's own confidential screen.
    assert seen == {str(screens[k].pk) for k in ("phq9", "hvs", "ahc", "epds")}
    assert client.get(f"/fhir/Observation/{screens['phqa'].pk}", **bearer(token)).status_code == 404
    front = factories.make_user("desk-fhir")
    factories.make_membership(front, practice_a, Role.FRONT_DESK)
    desk = _token(practice_a, front)
    assert _search(client, desk, "Observation?category=survey") == []
    assert _search(client, desk, "QuestionnaireResponse") == []


# --- Observation --------------------------------------------------------------------------------


def test_screening_observations(client, clinician_token, screens):
    found = {r["id"]: r for r in _search(client, clinician_token, "Observation?category=survey")}
    assert set(found) == {str(a.pk) for k, a in screens.items() if k != "other"}
    phq = found[str(screens["phq9"].pk)]
    assert phq["code"]["coding"] == [{"system": "http://loinc.org", "code": "44261-6"}]
    assert phq["valueInteger"] == 18
    assert phq["interpretation"][0]["coding"][0]["code"] == "POS"
    assert phq["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{screens['phq9'].pk}"}]
    assert [c["coding"][0]["code"] for c in phq["category"]] == ["survey"]
    hvs = found[str(screens["hvs"].pk)]
    assert [c["coding"][0]["code"] for c in hvs["category"]] == [
        "survey",
        "sdoh",
        "food-insecurity",
    ]
    assert hvs["meta"]["profile"] == [
        "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/"
        "SDOHCC-ObservationScreeningResponse"
    ]
    assert hvs["code"]["coding"][0]["code"] == "88124-3"
    assert hvs["valueCodeableConcept"]["coding"][0]["code"] == "LA19952-3"
    # Positive only for safety: a shared answer says negative, never why.
    ahc = found[str(screens["ahc"].pk)]
    assert ahc["interpretation"][0]["coding"][0]["code"] == "NEG"
    assert "intimate-partner-violence" not in json.dumps(ahc)


def test_ehr_observations_and_search_parameters(
    client, clinician_token, screens, ehr_rows, child_a
):
    weight = ehr_rows["weight"]
    answer = client.get(f"/fhir/Observation/{weight.pk}", **bearer(clinician_token))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    Observation.model_validate(body)
    assert body["category"][0]["coding"][0]["code"] == "vital-signs"
    assert body["code"]["coding"] == [{"system": "http://loinc.org", "code": "29463-7"}]
    assert body["valueQuantity"] == {
        "value": 12.4,
        "unit": "kg",
        "system": "http://unitsofmeasure.org",
        "code": "kg",
    }
    assert body["meta"]["profile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-body-weight"
    ]
    base = "Observation?"
    assert _ids(_search(client, clinician_token, f"{base}category=vital-signs")) == {str(weight.pk)}
    assert _ids(_search(client, clinician_token, f"{base}category=laboratory")) == {
        str(ehr_rows["lead"].pk)
    }
    assert _ids(_search(client, clinician_token, f"{base}category=sdoh")) == {
        str(screens["hvs"].pk),
        str(screens["ahc"].pk),
    }
    assert _ids(_search(client, clinician_token, f"{base}code=http://loinc.org|5671-3")) == {
        str(ehr_rows["lead"].pk)
    }
    assert _ids(_search(client, clinician_token, f"{base}code=44261-6")) == {
        str(screens["phq9"].pk)
    }
    assert _ids(_search(client, clinician_token, f"{base}date=2026-10")) == {str(weight.pk)}
    assert _ids(_search(client, clinician_token, f"{base}date=lt2026-10-01")) == {
        str(ehr_rows["lead"].pk)
    }
    everything = {str(a.pk) for k, a in screens.items() if k != "other"} | {
        str(weight.pk),
        str(ehr_rows["lead"].pk),
    }
    assert _ids(_search(client, clinician_token, f"{base}patient={child_a.pk}")) == everything
    assert _ids(_search(client, clinician_token, f"{base}status=final")) == everything
    assert _search(client, clinician_token, f"{base}status=preliminary") == []
    assert len(_search(client, clinician_token, f"{base}_lastUpdated=ge2000-01-01")) == len(
        everything
    )


def test_another_practices_rows_never(client, clinician_token, screens, ehr_rows, child_b):
    for path in (
        f"Observation/{screens['other'].pk}",
        f"Observation/{ehr_rows['other'].pk}",
        f"QuestionnaireResponse/{screens['other'].pk}",
    ):
        answer = client.get(f"/fhir/{path}", **bearer(clinician_token))
        assert answer.status_code == 404
        assert str(child_b.pk) not in answer.content.decode()
    for path in ("Observation", "QuestionnaireResponse"):
        assert _search(client, clinician_token, f"{path}?patient={child_b.pk}") == []


# --- partners -----------------------------------------------------------------------------------


def test_a_partner_reads_the_shared_screen_result_until_consent_is_revoked(
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
    token = issue_token(
        scope="user/Observation.rs user/QuestionnaireResponse.rs", organization=pantry
    )
    found = _search(client, token, "Observation")
    assert _ids(found) == {str(screens["hvs"].pk)}
    assert "derivedFrom" not in found[0]
    assert _search(client, token, "QuestionnaireResponse") == []
    other = factories.organization("Other Org")
    other_token = issue_token(scope="user/Observation.rs", organization=other)
    assert _search(client, other_token, "Observation") == []
    referral.consent.revoked_at = timezone.now()
    referral.consent.save()
    assert _search(client, token, "Observation") == []
    read = client.get(f"/fhir/Observation/{screens['hvs'].pk}", **bearer(token))
    assert read.status_code == 404


def test_a_consent_without_the_result_shares_no_observation(
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
    token = issue_token(scope="user/Observation.rs", organization=pantry)
    assert _search(client, token, "Observation") == []
