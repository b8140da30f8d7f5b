"""Screens from another system: each QuestionnaireResponse line of an EHR bulk import (ehr.bulk;
the handler is registered in ScreeningConfig.ready) becomes an Administration of mode
"imported", scored by medhome from its answers, never taken at the sender's word.

The rules (docs/clinical-rules.md#imported-screens; the instruments' own rules bind as for any
form):
- Only a form medhome has: `questionnaire` is medhome's canonical of a registered instrument
  (medhome's own export, or a system that uses its Questionnaires), at the version medhome
  scores. Another questionnaire, and a response still in progress or entered in error, is read
  and not kept.
- The answers are validated and scored as if keyed in. A response whose "total-score" item
  differs from medhome's total is refused: the two systems do not read the form alike. A form
  missing required answers is kept as submitted incomplete and not scored — except an AHC
  HRSN whose only missing answers are its whole partner-violence block (medhome's own export
  never sends it): scored for the domains it answers, safety not determined (services.score_of,
  Instrument.may_go_unasked).
- Who answered: author Patient (the child) → the adolescent; RelatedPerson → that caregiver,
  found by the sender's id (kept without a caregiver when the practice has none by that id);
  Practitioner → staff; none → the instrument's usual respondent. A respondent the instrument
  does not allow is refused. Confidentiality follows the instrument and the respondent, as in
  clinic.
- A critical answer raises an alert like any other, from the moment of the import: medhome
  cannot know that the sender's team acted on it.
- A scored screen completes its schedule rows and proposes its next steps, as at submission.
- Once imported, a screen is not rewritten: a changed line is refused (a scored form is never
  scored again, screening.models).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.ehr.bulk_people import Applied, child_rows, each, run_batch
from medhome.ehr.fhir_in.common import (
    RELATED_PERSON_ID_SYSTEM,
    Refused,
    check_dates,
    parse_instant,
    patient_id,
    reference_id,
    require_code,
    resolve_child,
)
from medhome.families.languages import normalize_language
from medhome.families.models import CaregiverIdentifier, Child
from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Respondent, is_confidential
from medhome.instruments.fhir_codes import CANONICAL_BASE, TOTAL_LINK_ID, answer_system
from medhome.instruments.scoring import Outcome, validate

from . import due, hooks
from .models import Administration, Mode, Status
from .services import SCREENING_OBJECT, raise_alerts, record_submission, score_of

if TYPE_CHECKING:
    from medhome.ehr.bulk import BatchResult, Context, Line

# http://hl7.org/fhir/R4/valueset-questionnaire-answers-status.html
STATUSES = frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
NOT_KEPT = {"in-progress": "in_progress", "entered-in-error": "entered_in_error"}


@dataclass(frozen=True)
class Response:
    """What a QuestionnaireResponse says, checked: the form, who answered, when, the answers."""

    child_id: Any
    instrument: Instrument
    respondent: Respondent
    caregiver_id: Any
    answered_at: datetime
    answers: dict[str, str]
    given_total: int | None
    language: str


def import_responses(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    """A batch of QuestionnaireResponse lines through the import's loop (ehr.bulk_people
    run_batch): read, scored and kept one by one, each in its own savepoint. A screen is its
    own ledger: it keeps the line's source key and hash, no SourceDigest."""

    def prepare(line: "Line", shared: dict[str, Any]) -> tuple["Line", Response, Child] | None:
        if "caregivers" not in shared:
            shared["caregivers"] = _caregivers(context, lines)
        caregivers, families = shared["caregivers"]
        try:
            found = read_response(line.resource, shared["children"], caregivers, context.today)
        except Refused:
            if line.key not in shared["known"]:
                raise
            found = None  # imported before: refused as changed, whatever else is wrong
        if isinstance(found, str):
            result.skipped[found] += 1
            return None
        if found is None or line.key in shared["known"]:
            raise Refused(
                "screen_changed",
                _(
                    "This screen was imported before with other content; an imported screen "
                    "is not rewritten. Enter a correction in medhome."
                ),
            )
        child = child_rows(context, shared)[found.child_id]
        if found.caregiver_id is not None and families[found.caregiver_id] != child.family_id:
            raise Refused(
                "caregiver_not_family",
                _("The form's author is not a caregiver of this child's family."),
            )
        return line, found, child

    def write(item: tuple["Line", Response, Child], _shared: dict[str, Any]) -> Applied:
        line, found, child = item
        administration = keep(found, child=child, line=line, context=context)
        return "imported", administration.pk, child.pk

    run_batch("QuestionnaireResponse", lines, context, result, prepare, each(write), stored=_stored)


def _stored(context: "Context", lines: list["Line"]) -> dict[str, str]:
    """The hash each of these lines' screens was imported with, by source key."""
    return dict(
        Administration.objects.for_practice(context.practice)
        .filter(source_key__in=[line.key for line in lines])
        .values_list("source_key", "content_hash")
    )


def read_response(
    resource: dict[str, Any],
    children: dict[str, Any],
    caregivers: dict[str, Any],
    today: Any,
) -> Response | str:
    """The response, or the reason it is read and not kept; Refused when it cannot be kept."""
    status = require_code(resource.get("status"), STATUSES, "status")
    if status in NOT_KEPT:
        return NOT_KEPT[status]
    url, _sep, version = str(resource.get("questionnaire") or "").partition("|")
    if not url.startswith(CANONICAL_BASE):
        return "questionnaire"
    try:
        instrument = registry.get(url.removeprefix(CANONICAL_BASE))
    except registry.UnknownInstrument:
        return "questionnaire"
    if version and version != instrument.version:
        raise Refused(
            "instrument_version",
            _("The form is another version of the %(name)s than the one medhome scores.")
            % {"name": instrument.name},
        )
    child = resolve_child(resource.get("subject"), children)
    if not resource.get("authored"):
        raise Refused("no_authored", _("The response does not say when it was answered."))
    answered_at = parse_instant(resource["authored"])
    check_dates(on=clock.local_date(answered_at), today=today, born=child.date_of_birth)
    respondent, caregiver_id = _respondent(resource, instrument, caregivers)
    answers, total = _answers(resource.get("item") or [], instrument)
    errors = validate(instrument, answers)
    if errors:
        raise Refused("invalid_answers", " ".join(sorted(errors.values()))[:300])
    return Response(
        child_id=child.child_id,
        instrument=instrument,
        respondent=respondent,
        caregiver_id=caregiver_id,
        answered_at=answered_at,
        answers=answers,
        given_total=total,
        language=_language(resource.get("language")),
    )


def _language(tag: object) -> str:
    """The response's language; English when it gives none medhome knows (the answers are
    codes: the language says only which wording the family read)."""
    try:
        return normalize_language(str(tag)) if tag else "en"
    except ValidationError:
        return "en"


def keep(response: Response, *, child: Child, line: "Line", context: "Context") -> Administration:
    """Store, score and submit one screen, as a form answered at `answered_at` is submitted."""
    instrument = response.instrument
    administration = Administration(
        practice=context.practice,
        child=child,
        instrument_key=instrument.key,
        instrument_version=instrument.version,
        mode=Mode.IMPORTED,
        respondent=response.respondent,
        caregiver_id=response.caregiver_id,
        language=response.language,
        answers=response.answers,
        confidential=is_confidential(instrument, response.respondent),
        form_age_months=due.form_months(child, instrument, clock.local_date(response.answered_at)),
        started_at=response.answered_at,
        updated_at=context.at,
        source_key=line.key,
        content_hash=line.hash,
    )
    outcome = score_of(administration, instrument)
    given = response.given_total
    if given is not None and outcome.complete and outcome.total not in (None, given):
        raise Refused(
            "total_differs",
            _("The response's total score differs from medhome's scoring of its answers."),
        )
    _store(administration, outcome, response=response, context=context)
    return administration


def _store(
    administration: Administration, outcome: Outcome, *, response: Response, context: "Context"
) -> None:
    """The screen, its alerts and its submission: in the line's savepoint (ehr.bulk_people
    each), so a refusal leaves none."""
    instrument, child = response.instrument, administration.child
    actor, at = context.actor, context.at
    administration.save(force_insert=True)
    raised = raise_alerts(actor, administration, outcome, at=at)
    try:
        fields = record_submission(
            actor, administration, instrument, outcome, at=at, answered_at=response.answered_at
        )
    except ValueError:  # periodicity.record_completion: no visit window holds the day
        raise Refused(
            "outside_schedule",
            _("The form was answered at an age the periodicity schedule does not cover."),
        ) from None
    administration.save(update_fields=fields)
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=SCREENING_OBJECT,
        object_id=administration.pk,
        at=at,
        practice=context.practice,
        detail={
            "child": str(child.pk),
            "instrument": instrument.key,
            "mode": Mode.IMPORTED,
            "status": administration.status,
            "alerts": [str(alert.pk) for alert in raised],
        },
    )
    if administration.status == Status.SCORED:
        hooks.scored(actor, administration, at)


def _caregivers(context: "Context", lines: list["Line"]) -> tuple[dict[str, Any], dict[Any, Any]]:
    """The practice's caregivers these lines' authors are: caregiver id by the sender's
    RelatedPerson id, and family id by caregiver id."""
    ids = {_author_id(line.resource, "RelatedPerson") for line in lines} - {""}
    rows = (
        CaregiverIdentifier.objects.for_practice(context.practice)
        .filter(system=RELATED_PERSON_ID_SYSTEM, value__in=ids)
        .values_list("value", "caregiver_id", "caregiver__family_id")
    )
    caregivers: dict[str, Any] = {}
    families: dict[Any, Any] = {}
    for value, caregiver_id, family_id in rows:
        caregivers[value] = caregiver_id
        families[caregiver_id] = family_id
    return caregivers, families


def _author_id(resource: dict[str, Any], kind: str) -> str:
    return reference_id(resource.get("author") or resource.get("source"), kind)


def _respondent(
    resource: dict[str, Any], instrument: Instrument, caregivers: dict[str, Any]
) -> tuple[Respondent, Any]:
    author = resource.get("author") or resource.get("source") or {}
    kind = str(author.get("reference") or "").split("/")[0]
    caregiver_id = None
    if kind == "Patient":
        if patient_id(author) != patient_id(resource.get("subject")):
            raise Refused("author_not_subject", _("The form's author is another patient."))
        respondent = Respondent.ADOLESCENT
    elif kind == "RelatedPerson":
        respondent = Respondent.CAREGIVER
        caregiver_id = caregivers.get(_author_id(resource, "RelatedPerson"))
    elif kind in ("Practitioner", "PractitionerRole"):
        respondent = Respondent.STAFF
    else:
        respondent = instrument.respondent
    if respondent not in instrument.respondents:
        raise Refused(
            "respondent_not_allowed",
            _("The %(name)s is not answered by this respondent.") % {"name": instrument.name},
        )
    return respondent, caregiver_id


def _answers(items: list[Any], instrument: Instrument) -> tuple[dict[str, str], int | None]:
    """The answers by link id as the forms keep them (a code, codes joined by commas, a whole
    number), and the response's total when it gives one. Nested groups are read through."""
    answers: dict[str, str] = {}
    total: int | None = None
    for item in items:
        if not isinstance(item, dict):
            continue
        link_id = str(item.get("linkId") or "")
        values = item.get("answer") or []
        if item.get("item"):
            nested, nested_total = _answers(item["item"], instrument)
            answers.update(nested)
            total = nested_total if nested_total is not None else total
        if link_id == TOTAL_LINK_ID:
            total = next((v.get("valueInteger") for v in values if "valueInteger" in v), None)
            continue
        given = [_value(value, instrument) for value in values if isinstance(value, dict)]
        if given:
            answers[link_id] = ",".join(given)
    return answers, total


def _value(value: dict[str, Any], instrument: Instrument) -> str:
    if "valueInteger" in value:
        return str(value["valueInteger"])
    coding = value.get("valueCoding") or {}
    code = str(coding.get("code") or "")
    if code and coding.get("system") == answer_system(instrument, code):
        return code
    # Not one of the form's answer codes: validation names the item (never the value).
    return "?"
