"""Family materials per visit and language: the fallback rule and the start-up check of
MEDHOME_FAMILY_MATERIALS (docs/clinical-rules.md#anticipatory-guidance)."""

import pytest
from django.core import checks
from django.test import override_settings

from medhome.ehr.materials import check_family_materials, materials_for


def link(title: str, url: str = "https://www.cdc.gov/act-early/milestones/4-months.html"):
    return {"title": title, "url": url, "source": "CDC", "license": "public domain"}


BOTH = {"4mo": {"en": [link("Milestones")], "es": [link("Indicadores")]}}
ENGLISH_ONLY = {"4mo": {"en": [link("Milestones")]}}


@override_settings(MEDHOME_FAMILY_MATERIALS=BOTH)
def test_the_family_language_is_shown_without_a_mark():
    shown = materials_for("4mo", "es")
    assert [m.title for m in shown.materials] == ["Indicadores"]
    assert not shown.fallback
    assert [m.title for m in materials_for("4mo", "en").materials] == ["Milestones"]


@override_settings(MEDHOME_FAMILY_MATERIALS=BOTH)
def test_a_regional_language_uses_its_primary_language():
    assert [m.title for m in materials_for("4mo", "es-MX").materials] == ["Indicadores"]


@override_settings(MEDHOME_FAMILY_MATERIALS=ENGLISH_ONLY)
def test_english_only_when_none_exist_in_the_family_language_and_marked():
    for language in ("es", "vi"):
        shown = materials_for("4mo", language)
        assert [m.title for m in shown.materials] == ["Milestones"]
        assert shown.fallback and shown.materials[0].language == "en"
    english = materials_for("4mo", "en")
    assert english.materials and not english.fallback


@override_settings(MEDHOME_FAMILY_MATERIALS={"4mo": {"es": [link("Indicadores")]}})
def test_nothing_when_neither_the_family_language_nor_english_has_materials():
    assert materials_for("4mo", "vi").materials == ()
    assert materials_for("4mo", "en").materials == ()
    assert materials_for("12mo", "es").materials == ()


def test_the_shipped_default_passes_the_check_and_covers_spanish():
    assert check_family_materials() == []
    for visit in ("2mo", "4mo", "12mo", "5y"):
        for language in ("en", "es"):
            shown = materials_for(visit, language)
            assert shown.materials and not shown.fallback
            assert all(m.url.startswith("https://www.cdc.gov/") for m in shown.materials)
    assert "4-months" in materials_for("4mo", "en").materials[0].url


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "must be a dict of visit"),
        ({"4 months": {"en": []}}, "Unknown visit '4 months'"),
        ({"4mo": [link("x")]}, "must map language codes"),
        ({"4mo": {"English": [link("x")]}}, "'English' is not a language code"),
        ({"4mo": {"en": link("x")}}, "must be a list of links"),
        ({"4mo": {"en": ["https://x.org"]}}, "link 1 must be a dict"),
        ({"4mo": {"en": [{"title": "x", "url": "https://x.org"}]}}, "for source, license"),
        ({"4mo": {"en": [{**link("x"), "lang": "en"}]}}, "unknown fields lang"),
        ({"4mo": {"en": [link("x", "http://x.org/a")]}}, "must be a plain https://"),
        ({"4mo": {"en": [link("x", "https://x.org/{child_id}")]}}, "must be a plain https://"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_a_clear_message(value, message):
    with override_settings(MEDHOME_FAMILY_MATERIALS=value):
        errors = check_family_materials()
    assert errors and all(e.level == checks.ERROR for e in errors)
    assert any(message in e.msg for e in errors), [e.msg for e in errors]
    assert check_family_materials in checks.registry.registry.get_checks()
