"""Wording by language and licence; licensed packs per practice."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from medhome.audit.models import AuditEvent
from medhome.instruments import registry, texts
from medhome.instruments.catalog._data import DATA
from medhome.instruments.models import TextPack
from medhome.practices.models import Practice

PHQ9 = registry.get("phq9")
GAD7 = registry.get("gad7")
HVS = registry.get("hvs")
AHC = registry.get("ahc_hrsn")
EPDS = registry.get("epds")


def test_spanish_phq9_and_gad7_come_from_the_bundled_data():
    source = json.loads((DATA / "phq9.json").read_text(encoding="utf-8"))
    wording = texts.wording(PHQ9, None)
    item9 = PHQ9.item("9")
    assert wording.item_text(item9, "es") == source["items"][8]["text"]["es"]
    assert wording.option_text(item9, item9.options[0], "es") == "Ningún día"
    assert wording.preamble_text("es-US") == source["preamble"]["es"]
    assert wording.footer_text("es").startswith("Elaborado por")
    gad = texts.wording(GAD7, None)
    assert gad.item_text(GAD7.item("1"), "es").startswith("Sentirse nervioso")
    assert gad.option_text(GAD7.item("1"), GAD7.item("1").options[0], "es") == "Nunca"
    assert texts.languages_available(PHQ9, None) == {"en", "es"}


def test_hvs_and_ahc_have_no_spanish():
    for instrument in (HVS, AHC):
        item = instrument.items[0]
        assert texts.item_text(instrument, item, "es", None) is None
        assert texts.item_text(instrument, item, "en", None)
        assert texts.languages_available(instrument, None) == {"en"}
    assert texts.option_text(HVS, HVS.item("1"), HVS.item("1").options[-1], "en", None) is None


def test_licensed_and_proprietary_instruments_without_packs_are_staff_entry():
    assert texts.staff_entry_only(registry.get("asq3"), None)
    assert texts.item_text(EPDS, EPDS.item("1"), "en", None) is None
    assert not texts.staff_entry_only(PHQ9, None)


def epds_pack(language: str = "en", **changes: object) -> dict:
    items = {str(n): f"Pack item {n}" for n in range(1, 11)}
    options = {
        str(n): {c: f"Pack answer {n}{c}" for c in ("a", "b", "c", "d")} for n in range(1, 11)
    }
    pack = {
        "instrument": "epds",
        "version": "1987",
        "language": language,
        "permission_reference": "Test grant TP-1 (placeholder)",
        "content": {
            "preamble": "Pack preamble",
            "footer": "Pack footer",
            "items": items,
            "options": options,
        },
    }
    pack.update(changes)
    return pack


@pytest.fixture
def practices(db):
    return (
        Practice.objects.create(name="Pack Practice A", state="MA"),
        Practice.objects.create(name="Pack Practice B", state="MA"),
    )


def load(tmp_path, practice, pack, *extra: str) -> str:
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(pack), encoding="utf-8")
    out = StringIO()
    call_command(
        "load_text_pack", "--practice", str(practice), "--file", str(path), *extra, stdout=out
    )
    return out.getvalue()


def test_load_pack_is_per_practice(tmp_path, practices, django_assert_num_queries):
    a, b = practices
    output = load(tmp_path, a.name, epds_pack())
    assert "Loaded epds 1987 (en)" in output and "10 items, 40 answers" in output
    assert TextPack.objects.for_practice(a).count() == 1
    assert texts.languages_available(EPDS, a) == {"en"}
    assert texts.languages_available(EPDS, b) == frozenset()
    assert texts.staff_entry_only(EPDS, b)
    with django_assert_num_queries(1):
        wording = texts.wording(EPDS, a)
        rendered = [wording.item_text(i, "en") for i in EPDS.items]
    assert rendered[0] == "Pack item 1"
    assert wording.option_text(EPDS.item("3"), EPDS.item("3").option("a"), "en") == (
        "Pack answer 3a"
    )
    assert wording.preamble_text("en") == "Pack preamble"
    assert wording.item_text(EPDS.item("1"), "es") is None
    assert AuditEvent.objects.filter(object_type="instruments.textpack").count() == 1


def test_reloading_replaces_the_pack(tmp_path, practices):
    a, _ = practices
    load(tmp_path, a.pk, epds_pack())
    pack = epds_pack()
    pack["content"]["items"]["1"] = "Pack item 1, second edition"
    assert "Replaced" in load(tmp_path, str(a.pk), pack, "--loaded-by", "ops")
    stored = TextPack.objects.for_practice(a).get()
    assert stored.content["items"]["1"] == "Pack item 1, second edition"
    assert stored.loaded_by == "ops"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p["content"]["items"].pop("10"), "Item '10' has no text"),
        (lambda p: p["content"]["items"].update({"11": "x"}), "Unknown item '11'"),
        (lambda p: p["content"]["options"]["1"].update({"e": "x"}), "unknown answer code 'e'"),
        (lambda p: p.update({"version": "2014"}), "Version must be '1987'"),
        (lambda p: p.update({"language": "not a tag!"}), "not a valid BCP 47"),
        (lambda p: p.update({"permission_reference": ""}), "permission reference"),
    ],
)
def test_invalid_pack_is_refused_and_nothing_is_saved(tmp_path, practices, change, message):
    a, _ = practices
    load(tmp_path, a.name, epds_pack())
    pack = epds_pack()
    pack["content"]["items"]["1"] = "Changed"
    change(pack)
    with pytest.raises(CommandError, match=message):
        load(tmp_path, a.name, pack)
    assert TextPack.objects.for_practice(a).get().content["items"]["1"] == "Pack item 1"


def test_proprietary_and_bundled_languages_are_refused(tmp_path, practices):
    a, _ = practices
    with pytest.raises(CommandError, match="proprietary"):
        load(
            tmp_path,
            a.name,
            {
                "instrument": "asq3",
                "version": "3",
                "language": "en",
                "permission_reference": "x",
                "content": {},
            },
        )
    with pytest.raises(CommandError, match="already ships"):
        load(
            tmp_path,
            a.name,
            {
                "instrument": "phq9",
                "version": "2001",
                "language": "es",
                "permission_reference": "x",
                "content": {},
            },
        )
    with pytest.raises(CommandError, match="No practice"):
        load(tmp_path, "Nowhere", epds_pack())
    assert not TextPack.objects.exists()


def test_bundled_instrument_can_take_a_pack_for_another_language(tmp_path, practices):
    a, _ = practices
    pack = {
        "instrument": "hvs",
        "version": "2010",
        "language": "es",
        "permission_reference": "Publisher text, placeholder for tests",
        "content": {
            "items": {"1": "Pack item 1", "2": "Pack item 2"},
            "options": {
                k: {"LA28397-0": "Pack a", "LA6729-3": "Pack b", "LA28398-8": "Pack c"}
                for k in ("1", "2")
            },
        },
    }
    load(tmp_path, a.name, pack)
    assert texts.languages_available(HVS, a) == {"en", "es"}
    assert texts.item_text(HVS, HVS.item("1"), "es", a) == "Pack item 1"
    assert texts.item_text(HVS, HVS.item("1"), "en", a) != "Pack item 1"
