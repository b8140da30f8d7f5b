"""QuestionnaireResponse: a submitted screening (screening.Administration) with its answers.

Item answers are screening.detail's (screening.selectors: "item answers need screening.detail");
a principal without it gets no QuestionnaireResponse at all, and a partner organization never
does. Answers are codes and numbers, never the wording of a licensed instrument; the
partner-violence items never leave (_screens). The total is the read-only item "total-score"
the Questionnaire declares.
"""

from typing import Any

from django.db.models import Q, QuerySet

from medhome.accounts.roles import Capability
from medhome.fhir.models import QuestionnaireEntry, questionnaire_id
from medhome.fhir.registry import Include, ResourceType, SearchParam, register
from medhome.instruments.definitions import Respondent
from medhome.instruments.results import Answers
from medhome.practices.scoping import scoped
from medhome.screening.models import Administration, Status
from medhome.smart.principal import FhirPrincipal

from . import _screens as s

# Scored → completed; submitted incomplete (not scored) → stopped ("partially filled out with
# answers but ... not continued": http://hl7.org/fhir/R4/codesystem-questionnaire-answers-status).
STATUS = {Status.SCORED: "completed", Status.PARTIAL: "stopped"}


def rows(principal: FhirPrincipal) -> QuerySet[Administration]:
    if principal.kind == "partner":
        return Administration.objects.none()
    return scoped(principal.actor, Administration, need=Capability.SCREENING_DETAIL).filter(
        status__in=list(STATUS)
    )


def prepare(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs  # to_resource reads the row's own columns only


def _answers(administration: Administration) -> list[dict[str, Any]]:
    instrument = s.instrument_of(administration.instrument_key)
    if instrument is None or instrument.version != administration.instrument_version:
        return []
    answers = Answers(instrument, administration.answers or {})
    items: list[dict[str, Any]] = []
    for item in s.shared_items(instrument):
        if not answers.answered(item.link_id):
            continue
        values: list[dict[str, Any]] = []
        if item.number_range is not None:
            number = answers.number(item.link_id)
            if number is not None:
                values.append({"valueInteger": number})
        else:
            values.extend(
                {"valueCoding": s.answer_coding(instrument, o)}
                for o in answers.options(item.link_id)
            )
        if values:
            items.append({"linkId": item.link_id, "answer": values})
    if administration.total is not None:
        items.append(
            {"linkId": s.TOTAL_LINK_ID, "answer": [{"valueInteger": administration.total}]}
        )
    return items


def to_resource(row: Administration, principal: FhirPrincipal) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(row.pk),
        "meta": {"lastUpdated": row.updated_at.isoformat()},
        "questionnaire": s.versioned_canonical(row.instrument_key, row.instrument_version),
        "status": STATUS.get(row.status, "completed"),
        "subject": {"reference": f"Patient/{row.child_id}"},
    }
    if row.submitted_at is not None:
        resource["authored"] = row.submitted_at.isoformat()
    if row.respondent == Respondent.ADOLESCENT:
        resource["author"] = {"reference": f"Patient/{row.child_id}"}
        resource["source"] = {"reference": f"Patient/{row.child_id}"}
    elif row.caregiver_id is not None:
        resource["author"] = {"reference": f"RelatedPerson/{row.caregiver_id}"}
        resource["source"] = {"reference": f"RelatedPerson/{row.caregiver_id}"}
    items = _answers(row)
    if items:
        resource["item"] = items
    return resource


def _patient(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    return s.by_ids(qs, "child_id", "patient", values, "Patient")


def _questionnaire(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    wanted = s.any_of([])
    for value in values:
        if value.startswith(s.CANONICAL_BASE):
            url, _sep, version = value.partition("|")
            condition = Q(instrument_key=url.removeprefix(s.CANONICAL_BASE))
            if version:
                condition &= Q(instrument_version=version)
            wanted |= condition
        else:  # Questionnaire/<id>
            ids = s.reference_ids("questionnaire", [value], "Questionnaire")
            for entry in QuestionnaireEntry.objects.filter(pk__in=ids):
                wanted |= Q(instrument_key=entry.key, instrument_version=entry.version)
    return qs.filter(wanted)


def _authored(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    return qs.filter(
        s.any_of(s.date_q("authored", "submitted_at", v, is_date=False) for v in values)
    )


def _status(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    by_code = {code: status for status, code in STATUS.items()}
    wanted = [by_code[c] for _sys, c in map(s.split_token, values) if c in by_code]
    return qs.filter(status__in=wanted)


def _questionnaires(qs: QuerySet[Any], page: Any) -> QuerySet[Any]:
    ids = {questionnaire_id(r.instrument_key, r.instrument_version) for r in page}
    return qs.filter(pk__in=ids)


SP = "http://hl7.org/fhir/SearchParameter/"
QUESTIONNAIRE_RESPONSE = register(
    ResourceType(
        name="QuestionnaireResponse",
        model=Administration,
        rows=rows,
        to_resource=to_resource,
        patient_path="child",
        params={
            "patient": SearchParam(
                "patient", "reference", _patient, f"{SP}clinical-patient", modifiers=("Patient",)
            ),
            "subject": SearchParam(
                "subject", "reference", _patient, f"{SP}QuestionnaireResponse-subject"
            ),
            "questionnaire": SearchParam(
                "questionnaire",
                "reference",
                _questionnaire,
                f"{SP}QuestionnaireResponse-questionnaire",
            ),
            "authored": SearchParam(
                "authored", "date", _authored, f"{SP}QuestionnaireResponse-authored"
            ),
            "status": SearchParam("status", "token", _status, f"{SP}QuestionnaireResponse-status"),
        },
        includes={
            "QuestionnaireResponse:questionnaire": Include(
                "QuestionnaireResponse:questionnaire", "Questionnaire", _questionnaires
            )
        },
        sorts={"authored": "submitted_at", "_lastUpdated": "updated_at"},
        default_order=("-submitted_at", "pk"),
        prepare=prepare,
    )
)
