"""Anticipatory guidance topics per visit: short topic names (medhome's words), the visits they
belong to as data with its citation (data/anticipatory-guidance.json;
docs/clinical-rules.md#anticipatory-guidance)."""

import json
from functools import lru_cache
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data" / "anticipatory-guidance.json"

TOPICS: dict[str, Promise] = {
    "family_health": _("Family health and well-being"),
    "social_needs": _("Family resources and social needs"),
    "newborn_care": _("Caring for the newborn"),
    "newborn_transition": _("The first days at home"),
    "feeding": _("Feeding"),
    "solid_foods": _("Starting solid foods"),
    "feeding_routines": _("Feeding routines"),
    "feeding_appetite": _("Eating and appetite changes"),
    "safe_sleep_car_seat": _("Safe sleep and car seat"),
    "safety": _("Safety"),
    "infant_behavior": _("Crying, sleep and soothing"),
    "infant_development": _("Development and play"),
    "family_routines": _("Family routines"),
    "oral_health": _("Teeth and oral health"),
    "dental_home": _("A dentist for the child"),
    "independence_discipline": _("Independence and limits"),
    "routines_sleep": _("Daily routines and sleep"),
    "language_social": _("Talking and getting along"),
    "tantrums_discipline": _("Tantrums and limits"),
    "development_behavior": _("Development and behavior"),
    "language_hearing": _("Language and hearing"),
    "toilet_training": _("Toilet training"),
    "language_temperament": _("Language and temperament"),
    "media_use": _("Screens and media"),
    "language_literacy": _("Reading and talking together"),
    "social_play": _("Playing with other children"),
    "preschool": _("Preschool and child care"),
    "physical_activity": _("Physical activity"),
    "school_readiness": _("Getting ready for school"),
    "nutrition_habits": _("Healthy eating habits"),
    "community": _("Family and community activities"),
    "mental_health": _("Feelings and mental health"),
    "nutrition_activity": _("Eating well and staying active"),
    "school": _("School"),
    "development_mental_health": _("Growing up and feelings"),
    "growth_activity": _("Growth and physical activity"),
    "puberty": _("Body changes and puberty"),
    "growth_puberty": _("Growth and puberty"),
    "school_friends": _("School and friends"),
    "emotional_health": _("Emotional well-being"),
    "risk_reduction": _("Avoiding risks (substances, sex)"),
    "violence_injury": _("Violence and injury prevention"),
    "health_independence": _("Managing one's own health"),
    "school_work": _("School, work and plans"),
}


@lru_cache(maxsize=1)
def _by_visit() -> dict[str, tuple[str, ...]]:
    raw = json.loads(DATA.read_text())
    by_visit = {visit: tuple(keys) for visit, keys in raw["visits"].items()}
    unknown = {k for keys in by_visit.values() for k in keys} - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown guidance topics {sorted(unknown)}")
    return by_visit


def topics_at(visit_key: str) -> tuple[str, ...]:
    return _by_visit().get(visit_key, ())


def visit_keys() -> frozenset[str]:
    """The visits the guidance data knows (the schedule's well-child visits)."""
    return frozenset(_by_visit())
