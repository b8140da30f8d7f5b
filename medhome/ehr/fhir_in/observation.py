"""FHIR Observation → Observation rows in medhome's units (kg, cm, kg/m², mm[Hg], ug/dL,
g/dL); a blood pressure panel gives a systolic and a diastolic row. Codes: codes.py.

A survey (category `survey`: a questionnaire's score or coded result, such as the screening
results medhome's own FHIR API gives) with a code medhome does not read is skipped and counted,
not refused: it is valid, and nothing in it is the sender's to fix. medhome's screens come from
its own forms."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .codes import BP_PANEL, CPT, LOINC, OBSERVATION_CATEGORY, OBSERVATION_KINDS
from .common import (
    Mapped,
    PatientRef,
    Refused,
    check_dates,
    codings,
    concept_text,
    parse_date,
    require_code,
    resolve_child,
)

STATUSES = frozenset(
    {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    }
)
RESULT_STATUSES = frozenset({"final", "amended", "corrected"})

# (kind's unit, {sender's UCUM or plain unit: factor to it}). Exact factors: 1 lb = 0.45359237 kg
# and 1 in = 2.54 cm by definition (international yard and pound, 1959).
UNITS: dict[str, tuple[str, dict[str, Decimal]]] = {
    "weight": (
        "kg",
        {
            "kg": Decimal(1),
            "g": Decimal("0.001"),
            "[lb_av]": Decimal("0.45359237"),
            "lb": Decimal("0.45359237"),
            "lbs": Decimal("0.45359237"),
            "[oz_av]": Decimal("0.028349523125"),
            "oz": Decimal("0.028349523125"),
        },
    ),
    "length": ("cm", {}),
    "height": ("cm", {}),
    "head_circumference": ("cm", {}),
    "bmi": ("kg/m2", {"kg/m2": Decimal(1), "kg/m^2": Decimal(1)}),
    "bp_systolic": ("mm[Hg]", {"mm[Hg]": Decimal(1), "mmHg": Decimal(1)}),
    "bp_diastolic": ("mm[Hg]", {"mm[Hg]": Decimal(1), "mmHg": Decimal(1)}),
    "lead": ("ug/dL", {"ug/dL": Decimal(1), "µg/dL": Decimal(1), "ug/L": Decimal("0.1")}),
    "hemoglobin": ("g/dL", {"g/dL": Decimal(1), "g/L": Decimal("0.1")}),
}
_LENGTHS = {
    "cm": Decimal(1),
    "mm": Decimal("0.1"),
    "m": Decimal(100),
    "[in_i]": Decimal("2.54"),
    "in": Decimal("2.54"),
    "[in_us]": Decimal("2.54"),
}
for _kind in ("length", "height", "head_circumference"):
    UNITS[_kind][1].update(_LENGTHS)

# A coded screening result, as staff read it.
INTERPRETATIONS = {
    "pass": "pass",
    "passed": "pass",
    "refer": "refer",
    "referred": "refer",
    "fail": "fail",
    "failed": "fail",
    "n": "normal",
    "normal": "normal",
    "a": "abnormal",
    "abnormal": "abnormal",
    "h": "abnormal",
    "l": "abnormal",
}


def map_observation(
    resource: dict[str, Any], *, children: dict[str, PatientRef], today: date
) -> Mapped:
    status = require_code(resource.get("status"), STATUSES, "status")
    child = resolve_child(resource.get("subject"), children)
    if status not in RESULT_STATUSES:
        return Mapped(child.child_id, [])  # not (or no longer) a result
    effective = resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get(
        "start"
    )
    effective_on = parse_date(effective or resource.get("effectiveInstant"))
    if effective_on is None:
        raise Refused("no_date", _("The observation has no date."))
    check_dates(on=effective_on, today=today, born=child.date_of_birth)
    code = _code(resource.get("code"))
    if code == BP_PANEL:
        rows = []
        for component in resource.get("component") or []:
            part = _code(component.get("code"))
            if OBSERVATION_KINDS.get(part) in ("bp_systolic", "bp_diastolic"):
                kind = OBSERVATION_KINDS[part]
                rows.append((f"#{kind}", _row(kind, part, component, effective_on)))
        if not rows:
            raise Refused("no_value", _("The blood pressure has no systolic or diastolic value."))
        return Mapped(child.child_id, rows)
    single = OBSERVATION_KINDS.get(code)
    if single is None:
        if _is_survey(resource):
            return Mapped(child.child_id, [], skipped="survey")
        raise Refused("unknown_code", _("The observation's code is not one medhome reads."))
    return Mapped(child.child_id, [("", _row(single, code, resource, effective_on))])


def _code(concept: dict[str, Any] | None) -> str:
    for system, code, _display in codings(concept):
        if system in (LOINC, CPT) and code in OBSERVATION_KINDS or code == BP_PANEL:
            return code
    return ""


def _row(kind: str, code: str, part: dict[str, Any], effective_on: date) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": kind,
        "code": code,
        "value": None,
        "unit": "",
        "interpretation": "",
        "effective_on": effective_on,
    }
    quantity = part.get("valueQuantity")
    if kind in UNITS:
        if not quantity or quantity.get("value") is None:
            raise Refused("no_value", _("The measurement has no value."))
        unit, factors = UNITS[kind]
        sent = str(quantity.get("code") or quantity.get("unit") or "")
        factor = factors.get(sent)
        if factor is None:
            raise Refused("unknown_unit", _("The measurement's unit is not one medhome converts."))
        try:
            value = (Decimal(str(quantity["value"])) * factor).quantize(Decimal("0.001"))
        except InvalidOperation:
            raise Refused("no_value", _("The measurement has no value.")) from None
        if value < 0 or value >= Decimal(10) ** 7:
            raise Refused("no_value", _("The measurement is out of range."))
        row.update(value=value, unit=unit)
        return row
    # A screen: its coded result, from the value or the interpretation.
    words = [concept_text(part.get("valueCodeableConcept")), str(part.get("valueString") or "")]
    words += [code for _s, code, _d in codings(part.get("valueCodeableConcept"))]
    for concept in part.get("interpretation") or []:
        words += [code for _s, code, _d in codings(concept)] + [concept_text(concept)]
    for word in words:
        found = INTERPRETATIONS.get(word.strip().lower())
        if found:
            row["interpretation"] = found
            break
    else:
        raise Refused("no_value", _("The screening result is not one medhome reads."))
    return row


def _is_survey(resource: dict[str, Any]) -> bool:
    return any(
        (system, code) == (OBSERVATION_CATEGORY, "survey")
        for concept in resource.get("category") or []
        for system, code, _d in codings(concept)
    )
