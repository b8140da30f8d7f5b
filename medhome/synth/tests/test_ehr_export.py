"""The synthetic EHR's FHIR export: valid R4 resources, one NDJSON file per type, reproducible,
and clinically plausible (schedule-shaped immunizations with gaps, growth near the medians,
preterm infants, high BMI, screens that sometimes refer)."""

import importlib
import statistics
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest

from medhome.families.models import Child
from medhome.synth.ehr import codes as C
from medhome.synth.ehr.clinic_day import plan_clinic
from medhome.synth.ehr.export import RESOURCE_TYPES, Export, windows_of, write_export
from medhome.synth.generator import (
    Population,
    PracticeSpec,
    build_network,
    build_practice,
    generate_population,
    streams,
)
from medhome.synth.households import Place
from medhome.synth.places import CITIES

AS_OF = date(2026, 12, 4)
TZ = ZoneInfo("America/New_York")


def population(children: int, seed: int = 11) -> tuple[Population, list[tuple[str, str]]]:
    places_rng, people_rng = streams(seed, "EHR test network")
    network = build_network(places_rng, "EHR test network")
    practice, sites = build_practice(
        places_rng, network, PracticeSpec("Harbor Test Pediatrics", CITIES[0], ("Main site",))
    )
    made = generate_population(
        rng=people_rng, places=[Place(practice, CITIES[0])], children=children, as_of=AS_OF
    )
    return made, [(str(site.pk), site.name) for site in sites]


def export_of(made: Population, root: Path, sites: list[tuple[str, str]], **options: Any) -> Export:
    practice = made.places[0].practice
    return write_export(
        made.children,
        made.caregivers,
        root,
        practice_names={practice.pk: practice.name},
        as_of=AS_OF,
        seed="11",
        tz=TZ,
        sites={practice.pk: sites},
        terminal=False,
        **options,
    )


def code_of(resource: dict[str, Any], field: str = "code") -> str:
    return resource[field]["coding"][0]["code"]


def read(directory: Path, kind: str) -> list[dict[str, Any]]:
    path = directory / f"{kind}.ndjson"
    return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Population, Path, Export]:
    made, sites = population(400)
    practice = made.places[0].practice
    windows = {child.pk: windows_of(child, AS_OF) for child in made.children}
    bookings = plan_clinic(
        Random(1),
        made.children,
        windows,
        as_of=AS_OF,
        sites=sites,
        clinicians=[("pediatrician@test.demo", "Grace Okafor")],
    )
    root = tmp_path_factory.mktemp("export")
    export = export_of(made, root, sites, bookings=bookings, windows=windows)
    return made, export.directories[practice.pk], export


def test_one_file_per_resource_type_and_every_resource_validates_as_r4(exported) -> None:
    _made, directory, export = exported
    assert sorted(p.stem for p in directory.glob("*.ndjson")) == sorted(RESOURCE_TYPES)
    for kind in RESOURCE_TYPES:
        model = getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)
        resources = read(directory, kind)
        assert len(resources) == export.counts[kind] > 0
        for resource in resources[:: max(1, len(resources) // 150)]:
            model.model_validate(resource)  # raises on an invalid resource


def test_ids_are_unique_and_every_reference_is_an_exported_patient(exported) -> None:
    _made, directory, _export = exported
    patients = {p["id"] for p in read(directory, "Patient")}
    for kind in RESOURCE_TYPES:
        resources = read(directory, kind)
        assert len({r["id"] for r in resources}) == len(resources), kind
        for resource in resources:
            if kind == "Patient":
                continue
            ref = (
                resource.get("patient")
                or resource.get("subject")
                or resource.get("beneficiary")
                or resource["participant"][0]["actor"]
            )
            assert ref["reference"].removeprefix("Patient/") in patients


def test_the_patient_carries_the_mrn_language_and_race(exported) -> None:
    made, directory, _export = exported
    by_id = {str(c.pk): c for c in made.children}
    for patient in read(directory, "Patient")[:50]:
        child: Child = by_id[patient["id"]]
        (mrn,) = patient["identifier"]
        assert (mrn["system"], mrn["value"], mrn["type"]["coding"][0]["code"]) == (
            C.MRN_SYSTEM,
            child.mrn,
            "MR",
        )
        assert patient["birthDate"] == child.date_of_birth.isoformat()
        assert patient["communication"][0]["language"]["coding"][0]["code"] == (
            child.preferred_language
        )
        urls = [e["url"] for e in patient["extension"]]
        assert urls == [C.US_CORE_RACE, C.US_CORE_ETHNICITY, C.US_CORE_BIRTHSEX]


def test_caregivers_coverage_and_visits_come_from_the_population(exported) -> None:
    made, directory, _export = exported
    related = read(directory, "RelatedPerson")
    assert {r["identifier"][0]["value"] for r in related} == {c.pk.hex for c in made.caregivers}
    insured = [c for c in made.children if c.payer != "uninsured"]
    coverages = read(directory, "Coverage")
    assert len(coverages) == len(insured)
    kinds = Counter(e["type"][0]["coding"][0]["code"] for e in read(directory, "Encounter"))
    assert kinds["410620009"] > 0 and kinds["185345009"] > 0  # well-child and sick
    appointments = read(directory, "Appointment")
    assert appointments and all(a["status"] == "booked" for a in appointments)
    assert all(a["start"] >= AS_OF.isoformat() for a in appointments)


def test_immunizations_follow_the_schedule_with_gaps(exported) -> None:
    made, directory, _export = exported
    doses: dict[str, Counter[str]] = defaultdict(Counter)
    for immunization in read(directory, "Immunization"):
        if immunization["status"] == "completed":
            patient = immunization["patient"]["reference"].removeprefix("Patient/")
            doses[patient][immunization["vaccineCode"]["coding"][0]["code"]] += 1
    three_year_olds = [
        str(c.pk) for c in made.children if 3 * 365 < (AS_OF - c.date_of_birth).days < 4 * 365
    ]
    dtap = [doses[pk]["20"] for pk in three_year_olds]
    complete = sum(n >= 4 for n in dtap) / len(dtap)  # 2, 4, 6 and 15 months
    assert 0.55 < complete < 0.95  # most children, not all (DTaP 4 by 24 months ≈ 80 %)
    assert max(n for counts in doses.values() for n in counts.values()) <= 20


def test_growth_is_near_the_medians_with_preterm_infants_and_high_bmi(exported) -> None:
    made, directory, _export = exported
    born = {str(c.pk): c for c in made.children}
    weights_at_a_year = []
    bmi_over = 0
    for observation in read(directory, "Observation"):
        code = code_of(observation)
        child = born[observation["subject"]["reference"].removeprefix("Patient/")]
        days = (date.fromisoformat(observation["effectiveDateTime"]) - child.date_of_birth).days
        if (
            code == C.WEIGHT.code
            and 350 <= days <= 400
            and (child.gestational_age_weeks or 40) > 36
        ):
            weights_at_a_year.append(observation["valueQuantity"]["value"])
        if code == C.BMI.code and observation["valueQuantity"]["value"] > 21 and days < 8 * 365:
            bmi_over += 1  # above the 95th percentile at any age from 2 to 8 years
    assert 8.5 < statistics.median(weights_at_a_year) < 10.2  # WHO medians 8.9 (g) / 9.6 (b)
    assert bmi_over > 0
    gestations = [o for o in read(directory, "Observation") if code_of(o) == "76516-4"]
    assert any(o["valueQuantity"]["value"] < 37 * 7 for o in gestations)
    obese = [c for c in read(directory, "Condition") if code_of(c) == "414916001"]
    assert obese


def test_screens_labs_varnish_problems_allergies_and_medications(exported) -> None:
    made, directory, _export = exported
    payer = {str(c.pk): c.payer for c in made.children}
    observations = read(directory, "Observation")
    screens = [o for o in observations if "interpretation" in o]
    results = Counter(s["interpretation"][0]["coding"][0]["code"] for s in screens)
    assert results["N"] > 10 * results["A"] > 0  # mostly pass, a few refer
    leads = [o for o in observations if code_of(o) == C.LEAD.code]
    assert leads and all(
        payer[o["subject"]["reference"].removeprefix("Patient/")] in ("medicaid", "chip")
        for o in leads
    )
    assert any(code_of(o) == C.HEMOGLOBIN.code for o in observations)
    procedures = read(directory, "Procedure")
    assert all(code_of(p) == "234723000" for p in procedures)
    allergies = Counter(code_of(a) for a in read(directory, "AllergyIntolerance"))
    assert allergies["716186003"] > sum(allergies.values()) / 2
    assert len(allergies) > 1
    assert read(directory, "Condition") and read(directory, "MedicationStatement")


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    made, sites = population(30)
    first = export_of(made, tmp_path / "a", sites)
    second = export_of(made, tmp_path / "b", sites)
    for kind in first.counts:
        (a,) = first.directories.values()
        (b,) = second.directories.values()
        assert (a / f"{kind}.ndjson").read_bytes() == (b / f"{kind}.ndjson").read_bytes()


def test_relationships_say_who_gave_birth_and_who_is_a_guardian(exported) -> None:
    made, directory, _export = exported
    by_key = {c.pk.hex: c for c in made.caregivers}
    for related in read(directory, "RelatedPerson"):
        caregiver = by_key[related["identifier"][0]["value"]]
        codes = [c["code"] for concept in related["relationship"] for c in concept["coding"]]
        assert codes[0] == C.RELATIONSHIPS[caregiver.relationship].code
        assert ("NMTH" in codes) == caregiver.is_birth_parent
        assert ("GUARD" in codes) == caregiver.is_legal_guardian


def test_since_leaves_out_old_visits_measurements_and_flu_but_keeps_vaccines_and_screens(
    tmp_path: Path,
) -> None:
    made, sites = population(60)
    whole = export_of(made, tmp_path / "whole", sites)
    recent = export_of(made, tmp_path / "recent", sites, since=date(2024, 1, 1))
    (whole_dir,), (recent_dir,) = whole.directories.values(), recent.directories.values()
    assert recent.total < whole.total
    for kind in ("Patient", "RelatedPerson", "Coverage", "Condition", "AllergyIntolerance"):
        assert recent.counts[kind] == whole.counts[kind]
    kept = {r["id"] for r in read(recent_dir, "Immunization")}
    for immunization in read(whole_dir, "Immunization"):
        old_flu = code_of(immunization, "vaccineCode") == "150" and (
            immunization["occurrenceDateTime"] < "2024"
        )
        assert (immunization["id"] in kept) != old_flu
    kept = {r["id"] for r in read(recent_dir, "Encounter")}
    for encounter in read(whole_dir, "Encounter"):
        assert (encounter["id"] in kept) == (encounter["period"]["start"] >= "2024")
    for observation in read(recent_dir, "Observation"):
        if observation["effectiveDateTime"] < "2024":
            assert "interpretation" in observation or code_of(observation) in (
                "5671-3",
                "718-7",
                "76516-4",
            )
