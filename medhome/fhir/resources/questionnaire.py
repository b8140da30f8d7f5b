"""Questionnaire: one per instrument version medhome carries (medhome.instruments.registry).

Codes come from the instruments' data only (the LOINC panel, item and answer codes, each cited in
its catalog module and data/SOURCE.md); none is invented. Item and answer text only for an
instrument whose wording may be redistributed (_screens.redistributable); any other carries
linkId, codes and points, and says in `copyright` that its wording is licensed. Questionnaires
are the same for every practice (definitions, not a child's data), so any token allowed to read
Questionnaire reads them all.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from medhome.fhir.models import QuestionnaireEntry, questionnaire_id
from medhome.fhir.registry import ResourceType, SearchParam, register
from medhome.instruments import registry as instruments
from medhome.instruments.definitions import Instrument, Item
from medhome.smart.principal import FhirPrincipal

from . import _screens as s


def sync() -> int:
    """Mirror the registry into QuestionnaireEntry (idempotent); the rows created."""
    current = {(i.key, i.version): i for i in instruments.all_instruments()}
    rows = {(r.key, r.version): r for r in QuestionnaireEntry.objects.all()}
    now = timezone.now()
    created = [
        QuestionnaireEntry(
            id=questionnaire_id(key, version),
            key=key,
            version=version,
            name=instrument.name,
            loinc_panel=instrument.loinc_panel or "",
            current=True,
            updated_at=now,
        )
        for (key, version), instrument in current.items()
        if (key, version) not in rows
    ]
    QuestionnaireEntry.objects.bulk_create(created, ignore_conflicts=True)
    retired = [pk for pk, row in rows.items() if row.current and pk not in current]
    for key, version in retired:
        QuestionnaireEntry.objects.filter(key=key, version=version).update(
            current=False, updated_at=now
        )
    return len(created)


def rows(principal: FhirPrincipal) -> QuerySet[QuestionnaireEntry]:
    if QuestionnaireEntry.objects.filter(current=True).count() != len(
        instruments.all_instruments()
    ):
        sync()
    return QuestionnaireEntry.objects.all()


def _item(instrument: Instrument, item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id}
    if item.loinc:
        out["code"] = [{"system": s.LOINC, "code": item.loinc}]
    text = item.text.get("en") if s.redistributable(instrument) else None
    if text:
        out["text"] = text
    if item.number_range is not None:
        out["type"] = "integer"
        low, high = item.number_range
        out["extension"] = [
            {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": low},
            {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": high},
        ]
    else:
        out["type"] = "choice"
        options = []
        for option in item.options:
            answer: dict[str, Any] = {"valueCoding": s.answer_coding(instrument, option)}
            if option.score is not None:
                answer["extension"] = [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                        "valueDecimal": option.score,
                    }
                ]
            options.append(answer)
        out["answerOption"] = options
    out["required"] = item.required
    if item.multiple:
        out["repeats"] = True
    return out


def scored(instrument: Instrument) -> bool:
    """Whether the instrument has a total (points on its answers or entered numbers)."""
    return any(
        i.number_range is not None or any(o.score is not None for o in i.options)
        for i in instrument.items
    )


def to_resource(row: QuestionnaireEntry, principal: FhirPrincipal) -> dict[str, Any]:
    instrument = s.instrument_of(row.key)
    if instrument is not None and instrument.version != row.version:
        instrument = None  # an older version: its structure is no longer carried
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": str(row.pk),
        "meta": {"lastUpdated": row.updated_at.isoformat()},
        "url": s.canonical(row.key),
        "identifier": [{"system": "http://medhome.org/fhir/instrument", "value": row.key}],
        "version": row.version,
        "name": "".join(ch for ch in row.name.title() if ch.isalnum()) or "Instrument",
        "title": row.name,
        "status": "active" if row.current and instrument is not None else "retired",
        "subjectType": ["Patient"],
    }
    if row.loinc_panel:
        resource["code"] = [{"system": s.LOINC, "code": row.loinc_panel}]
    if instrument is None:
        return resource
    if s.redistributable(instrument):
        resource["copyright"] = instrument.license_note
    else:
        resource["copyright"] = s.LICENSED_NOTE
    resource["description"] = instrument.citation
    items = [_item(instrument, item) for item in instrument.items]
    if scored(instrument):
        total: dict[str, Any] = {
            "linkId": s.TOTAL_LINK_ID,
            "type": "integer",
            "readOnly": True,
            "required": False,
        }
        if instrument.loinc_total:
            total["code"] = [{"system": s.LOINC, "code": instrument.loinc_total}]
        items.append(total)
    resource["item"] = items
    return resource


def _url(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    wanted = Q(pk__in=[])
    for value in values:
        url, _sep, version = value.partition("|")
        if not url.startswith(s.CANONICAL_BASE):
            continue
        condition = Q(key=url.removeprefix(s.CANONICAL_BASE))
        if version:
            condition &= Q(version=version)
        wanted |= condition
    return qs.filter(wanted)


def _name(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    lookup = {"exact": "exact", "contains": "icontains"}.get(modifier, "istartswith")
    return qs.filter(s.any_of(Q(**{f"name__{lookup}": v}) for v in values if v))


def _code(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    codes = [c for sys, c in map(s.split_token, values) if sys in (None, s.LOINC) and c]
    return qs.filter(loinc_panel__in=codes)


def _status(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    wanted = Q(pk__in=[])
    for _system, code in map(s.split_token, values):
        if code == "active":
            wanted |= Q(current=True)
        elif code == "retired":
            wanted |= Q(current=False)
    return qs.filter(wanted)


SP = "http://hl7.org/fhir/SearchParameter/"
QUESTIONNAIRE = register(
    ResourceType(
        name="Questionnaire",
        model=QuestionnaireEntry,
        rows=rows,
        to_resource=to_resource,
        patient_path=None,
        params={
            "url": SearchParam("url", "uri", _url, f"{SP}Questionnaire-url"),
            "name": SearchParam(
                "name", "string", _name, f"{SP}Questionnaire-name", modifiers=("exact", "contains")
            ),
            "code": SearchParam("code", "token", _code, f"{SP}Questionnaire-code"),
            "status": SearchParam("status", "token", _status, f"{SP}Questionnaire-status"),
        },
        sorts={"name": "name", "_lastUpdated": "updated_at"},
        default_order=("key", "version"),
    )
)
