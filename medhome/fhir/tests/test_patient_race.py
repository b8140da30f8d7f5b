"""Race and ethnicity leave as US Core's 1997 codes with medhome's 2024 categories beside them,
and come back exactly (docs/clinical-rules.md#people-and-demographics)."""

import pytest
from fhir.resources.R4B.patient import Patient

from medhome.ehr.fhir_in.patient import patient_data
from tests.fhir_support import bearer, issue_token

pytestmark = pytest.mark.django_db
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
CDC = "urn:oid:2.16.840.1.113883.6.238"
NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"


def exported(client, practice, user, child, categories):
    child.race_ethnicity = categories
    child.save(update_fields=["race_ethnicity"])
    token = issue_token(scope="user/Patient.rs", practice=practice, user=user)
    resource = client.get(f"/fhir/Patient/{child.pk}", **bearer(token)).json()
    Patient.model_validate(resource)
    return resource


def parts(resource, name):
    (extension,) = [e for e in resource["extension"] if e["url"] == US_CORE + name]
    return [(p["url"], p.get("valueCoding", {}).get("code")) for p in extension["extension"]]


@pytest.mark.parametrize(
    "categories",
    [
        [],
        ["white"],
        ["mena"],
        ["white", "mena"],
        ["hispanic"],
        ["mena", "hispanic"],
        ["asian", "black", "hispanic"],
        ["declined"],
    ],
)
def test_every_category_comes_back_exactly(client, practice_a, clinician_a, child_a, categories):
    resource = exported(client, practice_a, clinician_a, child_a, categories)
    assert list(patient_data(resource).race_ethnicity) == categories


def test_mena_is_white_with_its_detailed_code(client, practice_a, clinician_a, child_a):
    resource = exported(client, practice_a, clinician_a, child_a, ["mena"])
    assert parts(resource, "us-core-race") == [
        ("ombCategory", "2106-3"),
        ("detailed", "2118-8"),
        ("text", None),
    ]


def test_declined_is_asked_but_no_answer(client, practice_a, clinician_a, child_a):
    resource = exported(client, practice_a, clinician_a, child_a, ["declined"])
    for name in ("us-core-race", "us-core-ethnicity"):
        assert parts(resource, name) == [("ombCategory", "ASKU"), ("text", None)]


def another_systems(*parts_sent):
    return {
        "resourceType": "Patient",
        "gender": "female",
        "birthDate": "2024-01-10",
        "identifier": [{"value": "MRN-1"}],
        "extension": [
            {
                "url": US_CORE + name,
                "extension": [
                    {"url": url, "valueCoding": {"system": system, "code": code}}
                    for url, system, code in sent
                ],
            }
            for name, sent in parts_sent
        ],
    }


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ([("us-core-race", [("ombCategory", CDC, "2106-3")])], ("white",)),
        (
            [("us-core-race", [("ombCategory", CDC, "2106-3"), ("detailed", CDC, "2118-8")])],
            ("mena",),
        ),
        (
            [
                ("us-core-race", [("ombCategory", CDC, "2106-3"), ("detailed", CDC, "2118-8")]),
                ("us-core-ethnicity", [("ombCategory", CDC, "2135-2")]),
            ],
            ("hispanic", "mena"),
        ),
        ([("us-core-race", [("ombCategory", NULL_FLAVOR, "ASKU")])], ("declined",)),
        (
            [
                ("us-core-race", [("ombCategory", NULL_FLAVOR, "ASKU")]),
                ("us-core-ethnicity", [("ombCategory", CDC, "2135-2")]),
            ],
            ("hispanic",),
        ),
        ([("us-core-race", [("ombCategory", NULL_FLAVOR, "UNK")])], ()),
        ([("us-core-race", [("ombCategory", "urn:other", "ASKU")])], ()),
    ],
)
def test_another_systems_us_core_codes(sent, read):
    assert patient_data(another_systems(*sent)).race_ethnicity == read
