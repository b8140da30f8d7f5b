"""The tenancy sweep over EVERY registered type × interaction × search parameter: practice B's
ids and values, asked with practice A's token, answer 404 (identical to an unknown id) or an
empty Bundle, never B's data. Types other helpers register are swept the same way."""

import uuid

import pytest

from medhome.fhir.registry import REGISTRY
from tests.fhir_support import bearer, issue_token

from .support import scored_screen, valid

pytestmark = pytest.mark.django_db

# Values of B's child (tests/conftest.py CHILD_B) for each kind of parameter.
B_VALUES = {
    "token": "ZQ-884213",
    "string": "Quillfeather",
    "date": "2021-08-09",
    "uri": "urn:x",
    "number": "1",
    "quantity": "1",
}


# Every type that holds a practice's rows (Questionnaire is the instruments, alike for all).
PRACTICE_TYPES = [name for name, kind in REGISTRY.items() if not kind.shared_reference]


def test_only_the_instruments_are_shared_reference():
    assert {name for name, kind in REGISTRY.items() if kind.shared_reference} == {"Questionnaire"}


@pytest.fixture
def world(client, practice_a, practice_b, clinician_a, clinician_b, child_a, child_b, caregiver_b):
    token_a = issue_token(scope="user/*.rs", practice=practice_a, user=clinician_a)
    token_b = issue_token(scope="user/*.rs", practice=practice_b, user=clinician_b)
    # A positive social-needs screen: B's health concerns (Condition) swept too.
    scored_screen(child_b, "hvs", {}, positive=True, domains=("food",), caregiver=caregiver_b)
    b_ids = {}
    for name in PRACTICE_TYPES:
        answer = client.get(f"/fhir/{name}?_count=200", **bearer(token_b))
        assert answer.status_code == 200, (name, answer.content)
        b_ids[name] = [e["resource"]["id"] for e in answer.json().get("entry", [])]
    return token_a, b_ids, child_b


def test_b_has_something_to_leak(world):
    _token, b_ids, child_b = world
    assert str(child_b.pk) in b_ids["Patient"]
    assert b_ids["RelatedPerson"] and b_ids["Practitioner"] and b_ids["Organization"]
    assert b_ids["Condition"] and b_ids["Observation"]


def test_every_read_of_b_is_the_same_404(client, world):
    token_a, b_ids, _child = world
    unknown = {}
    for name in PRACTICE_TYPES:
        unknown[name] = client.get(f"/fhir/{name}/{uuid.uuid4()}", **bearer(token_a))
        assert unknown[name].status_code == 404
        for resource_id in b_ids[name]:
            for suffix in ("", "/_history", "/_history/1"):
                answer = client.get(f"/fhir/{name}/{resource_id}{suffix}", **bearer(token_a))
                assert answer.status_code == 404, (name, suffix)
                assert answer.content == unknown[name].content
    assert (
        client.get("/fhir/Patient/not-a-uuid", **bearer(token_a)).content
        == unknown["Patient"].content
    )


def test_every_search_parameter_with_b_values_finds_nothing_of_b(client, world):
    token_a, b_ids, child_b = world
    leaked = {i for found in b_ids.values() for i in found}
    for name, kind in REGISTRY.items():
        asks = [f"_id={i}" for i in b_ids.get(name, [])]
        for param in kind.params.values():
            if param.kind == "reference":
                targets = set(param.modifiers) or {"Patient"}
                asks += [f"{param.name}={t}/{i}" for t in targets for i in b_ids.get(t, [])]
                asks.append(f"{param.name}={child_b.pk}")
            else:
                asks.append(f"{param.name}={B_VALUES[param.kind]}")
        for include in [*kind.includes, *kind.revincludes]:
            asks.append(f"{'_include' if include in kind.includes else '_revinclude'}={include}")
        for ask in asks:
            answer = client.get(f"/fhir/{name}?{ask}", **bearer(token_a))
            assert answer.status_code in (200, 400), (name, ask)
            # The entries (the self link repeats the question, B's id included).
            body = str(answer.json().get("entry", answer.json().get("issue")))
            assert "Quillfeather" not in body and "Zephyrine" not in body, (name, ask)
            assert not any(i in body for i in leaked), (name, ask)
            if answer.status_code == 200:
                valid(answer.json())
        history = client.get(f"/fhir/{name}/_history", **bearer(token_a))
        assert history.status_code in (200, 400)
        assert not any(i in history.content.decode() for i in leaked)


def test_anonymous_and_bad_tokens_are_401_for_every_interaction(client, world):
    _token, b_ids, _child = world
    for name in REGISTRY:
        for path in (f"/fhir/{name}", f"/fhir/{name}/_history", f"/fhir/{name}/{uuid.uuid4()}"):
            for headers in ({}, bearer("not-a-token")):
                answer = client.get(path, **headers)
                assert answer.status_code == 401
                assert answer["WWW-Authenticate"].startswith("Bearer")


def test_scope_without_the_interaction_is_403(client, practice_a, clinician_a, child_a):
    token = issue_token(scope="user/Patient.r", practice=practice_a, user=clinician_a)
    assert client.get("/fhir/Patient", **bearer(token)).status_code == 403
    assert client.get(f"/fhir/Patient/{child_a.pk}", **bearer(token)).status_code == 200
    assert client.get("/fhir/Practitioner", **bearer(token)).status_code == 403
    assert client.get("/fhir/Unicorn", **bearer(token)).status_code == 404


def test_expired_token_is_401(client, practice_a, clinician_a, child_a):
    token = issue_token(scope="user/*.rs", practice=practice_a, user=clinician_a, expires_in=-5)
    assert client.get(f"/fhir/Patient/{child_a.pk}", **bearer(token)).status_code == 401
