"""Observation: (a) a scored screening's result, (b) a measurement the EHR sent (read only).

(a) One Observation per scored administration (fhir.models.ObservationRow, source "screening"):
category `survey` (http://terminology.hl7.org/CodeSystem/observation-category), plus US Core
`sdoh` and the SDOHCC domain categories for a social-needs screen, as the SDOHCC Observation
Screening Response profile asks (../shared/docs/domain/interop-codes.md §1.2, §1.9); code = the
instrument's LOINC total (or coded result, or panel) from the instruments' data; value = the
total (valueInteger) or the coded result (HVS 88124-3: LA19952-3 at risk / LA19983-8 no risk,
data/hvs.json); interpretation POS/NEG from the band (v3-ObservationInterpretation,
http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation); derivedFrom the
QuestionnaireResponse. Readable with screening.results; an adolescent's own confidential screen
also needs screening.detail (screening.selectors.may_see_result). The AHC interpersonal-safety
domain never shows: its positive-ness is left out of the interpretation (_screens).

(b) ehr.Observation rows (source "ehr"): vital signs (US Core vital-signs profiles, LOINC per
ehr.fhir_in.codes) and labs (lead, hemoglobin) with chart.read, the same right the chart's
growth and lab panels need.
"""

from typing import Any

from django.db.models import Q, QuerySet

from medhome.accounts.roles import Capability
from medhome.ehr.fhir_in import codes as ehr_codes
from medhome.fhir.models import ObservationRow, ObservationSource
from medhome.fhir.params import any_of, date_q
from medhome.fhir.registry import ResourceType, SearchParam, register
from medhome.instruments import registry as instruments
from medhome.instruments.definitions import Instrument
from medhome.practices.scoping import scoped
from medhome.screening.models import Administration
from medhome.smart.principal import FhirPrincipal

from . import _screens as s

CATEGORY = ehr_codes.OBSERVATION_CATEGORY
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"
SDOHCC_CATEGORY = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
)
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
SCREENING_RESPONSE = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/"
    "SDOHCC-ObservationScreeningResponse"
)
SDOH_DOMAINS = s.SDOH_DOMAINS
VITAL_KINDS = {
    "weight",
    "length",
    "height",
    "head_circumference",
    "bmi",
    "bp_systolic",
    "bp_diastolic",
}
LAB_KINDS = {"lead", "hemoglobin"}
EXAM_KINDS = {"vision", "hearing"}
# US Core 7 profiles whose code is exactly the row's code (http://hl7.org/fhir/us/core).
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
PROFILE_BY_CODE = {
    "29463-7": f"{US_CORE}us-core-body-weight",
    "8302-2": f"{US_CORE}us-core-body-height",
    "39156-5": f"{US_CORE}us-core-bmi",
    "9843-4": f"{US_CORE}us-core-head-circumference",
}
CODED_RESULTS = {"normal": "N", "abnormal": "A"}


def _partner_rows(principal: FhirPrincipal) -> QuerySet[ObservationRow]:
    """The results of the screens a standing consent shares with the partner's organization."""
    shared = s.shared_with_partner(principal)
    if shared is None:
        return ObservationRow.objects.none()
    return ObservationRow.objects.filter(
        source=ObservationSource.SCREENING, confidential=False, administration_id__in=shared
    )


def rows(principal: FhirPrincipal) -> QuerySet[ObservationRow]:
    if principal.kind == "partner":
        return _partner_rows(principal)
    actor = principal.actor
    ehr = scoped(actor, ObservationRow, need=Capability.CHART_READ).filter(
        source=ObservationSource.EHR
    )
    screens = scoped(actor, ObservationRow, need=Capability.SCREENING_RESULTS).filter(
        source=ObservationSource.SCREENING
    )
    if not actor.can(Capability.SCREENING_DETAIL):
        screens = screens.filter(confidential=False)
    return ehr | screens


def prepare(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.select_related("administration", "ehr_observation")


def _category(code: str, system: str = CATEGORY) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _positive(instrument: Instrument, administration: Administration) -> bool | None:
    """Positive or negative as a shared surface may say it: without the safety domain."""
    if any(i.group in s.SAFETY_GROUPS for i in instrument.items):
        domains = set(administration.positive_domains or ()) - s.SAFETY_GROUPS
        return bool(domains)
    return administration.positive


def _screening(row: ObservationRow, principal: FhirPrincipal) -> dict[str, Any]:
    administration = row.administration
    assert administration is not None
    instrument = s.instrument_of(administration.instrument_key)
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(row.pk),
        "meta": {"lastUpdated": administration.updated_at.isoformat()},
        "status": "final",
        "category": [_category("survey")],
        "subject": {"reference": f"Patient/{administration.child_id}"},
    }
    if administration.submitted_at is not None:
        resource["issued"] = administration.submitted_at.isoformat()
        resource["effectiveDateTime"] = administration.submitted_at.isoformat()
    code = instrument and (
        instrument.loinc_total or instrument.loinc_result or instrument.loinc_panel
    )
    name = instrument.name if instrument else administration.instrument_key
    coding = [{"system": s.LOINC, "code": code}] if code else []
    resource["code"] = {"coding": coding, "text": name} if coding else {"text": name}
    positive = _positive(instrument, administration) if instrument else administration.positive
    if instrument is not None and s.is_sdoh(instrument):
        resource["meta"]["profile"] = [SCREENING_RESPONSE]
        resource["category"].append(_category("sdoh", US_CORE_CATEGORY))
        domains = dict.fromkeys(
            SDOH_DOMAINS[i.group] for i in s.shared_items(instrument) if i.group in SDOH_DOMAINS
        )
        resource["category"].extend(_category(d, SDOHCC_CATEGORY) for d in domains)
    if instrument is not None and instrument.loinc_result and code == instrument.loinc_result:
        if positive is not None:
            answer = ("LA19952-3", "At risk") if positive else ("LA19983-8", "No risk")
            resource["valueCodeableConcept"] = {
                "coding": [{"system": s.LOINC, "code": answer[0], "display": answer[1]}]
            }
    elif administration.total is not None:
        resource["valueInteger"] = administration.total
    if positive is not None:
        flag = "POS" if positive else "NEG"
        resource["interpretation"] = [
            {
                "coding": [
                    {
                        "system": INTERPRETATION,
                        "code": flag,
                        "display": "Positive" if positive else "Negative",
                    }
                ]
            }
        ]
    if principal.kind != "partner":
        resource["derivedFrom"] = [{"reference": f"QuestionnaireResponse/{administration.pk}"}]
    if "valueInteger" not in resource and "valueCodeableConcept" not in resource:
        resource["dataAbsentReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "not-applicable",
                }
            ]
        }
    return resource


def _ehr(row: ObservationRow) -> dict[str, Any]:
    observation = row.ehr_observation
    assert observation is not None
    kind = observation.kind
    system = (
        ehr_codes.CPT
        if observation.code in ehr_codes.VISION_SCREENING_CPT | ehr_codes.HEARING_SCREENING_CPT
        else ehr_codes.LOINC
    )
    category = (
        "vital-signs" if kind in VITAL_KINDS else "laboratory" if kind in LAB_KINDS else "exam"
    )
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(row.pk),
        "meta": {"lastUpdated": observation.imported_at.isoformat()},
        "status": "final",
        "category": [_category(category)],
        "code": {
            "coding": [{"system": system, "code": observation.code}],
            "text": observation.get_kind_display(),
        },
        "subject": {"reference": f"Patient/{observation.child_id}"},
        "effectiveDateTime": observation.effective_on.isoformat(),
    }
    profile = PROFILE_BY_CODE.get(observation.code)
    if kind in LAB_KINDS:
        profile = f"{US_CORE}us-core-observation-lab"
    if profile:
        resource["meta"]["profile"] = [profile]
    if observation.value is not None:
        quantity: dict[str, Any] = {"value": float(observation.value)}
        if observation.unit:
            quantity.update(unit=observation.unit, system=ehr_codes.UCUM, code=observation.unit)
        resource["valueQuantity"] = quantity
    elif observation.interpretation:
        resource["valueCodeableConcept"] = {"text": observation.interpretation}
    else:
        resource["dataAbsentReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "unknown",
                }
            ]
        }
    if observation.interpretation in CODED_RESULTS:
        resource["interpretation"] = [
            {
                "coding": [
                    {"system": INTERPRETATION, "code": CODED_RESULTS[observation.interpretation]}
                ]
            }
        ]
    return resource


def to_resource(row: ObservationRow, principal: FhirPrincipal) -> dict[str, Any]:
    if row.source == ObservationSource.SCREENING:
        return _screening(row, principal)
    return _ehr(row)


# --- search ---------------------------------------------------------------------------------


def _patient(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    return s.by_ids(qs, "child_id", "patient", values, "Patient")


def _social_keys() -> list[str]:
    return [i.key for i in instruments.all_instruments() if s.is_sdoh(i)]


def _category_q(system: str | None, code: str) -> Q:
    if system in (None, CATEGORY):
        if code == "survey":
            return Q(source=ObservationSource.SCREENING)
        if code == "vital-signs":
            return Q(source=ObservationSource.EHR, kind__in=VITAL_KINDS)
        if code == "laboratory":
            return Q(source=ObservationSource.EHR, kind__in=LAB_KINDS)
        if code == "exam":
            return Q(source=ObservationSource.EHR, kind__in=EXAM_KINDS)
    if system in (None, US_CORE_CATEGORY) and code == "sdoh":
        return Q(source=ObservationSource.SCREENING, instrument_key__in=_social_keys())
    if system in (None, SDOHCC_CATEGORY) and code in SDOH_DOMAINS.values():
        keys = [
            i.key
            for i in instruments.all_instruments()
            if s.is_sdoh(i)
            and any(SDOH_DOMAINS.get(item.group) == code for item in s.shared_items(i))
        ]
        return Q(source=ObservationSource.SCREENING, instrument_key__in=keys)
    return Q(pk__in=[])


def _category_param(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    return qs.filter(any_of(_category_q(*s.split_token(v)) for v in values))


def _code(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    keys, codes = s.keys_for_codes(values)
    return qs.filter(
        Q(source=ObservationSource.SCREENING, instrument_key__in=keys)
        | Q(source=ObservationSource.EHR, code__in=codes)
    )


def _date(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    return qs.filter(any_of(date_q("date", "effective_on", v, is_date=True) for v in values))


def _status(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    if any(code == "final" for _sys, code in map(s.split_token, values)):
        return qs
    return qs.none()


SP = "http://hl7.org/fhir/SearchParameter/"
OBSERVATION = register(
    ResourceType(
        name="Observation",
        model=ObservationRow,
        rows=rows,
        to_resource=to_resource,
        patient_path="child",
        params={
            "patient": SearchParam(
                "patient", "reference", _patient, f"{SP}clinical-patient", modifiers=("Patient",)
            ),
            "subject": SearchParam("subject", "reference", _patient, f"{SP}Observation-subject"),
            "category": SearchParam(
                "category", "token", _category_param, f"{SP}Observation-category"
            ),
            "code": SearchParam("code", "token", _code, f"{SP}clinical-code"),
            "date": SearchParam("date", "date", _date, f"{SP}clinical-date"),
            "status": SearchParam("status", "token", _status, f"{SP}Observation-status"),
        },
        profiles=(
            SCREENING_RESPONSE,
            *PROFILE_BY_CODE.values(),
            f"{US_CORE}us-core-observation-lab",
        ),
        sorts={"date": "effective_on", "_lastUpdated": "updated_at"},
        default_order=("-effective_on", "pk"),
        prepare=prepare,
    )
)
