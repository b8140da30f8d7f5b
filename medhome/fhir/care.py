"""What the care resource modules share (Encounter, Appointment, Condition, Goal, CarePlan,
CareTeam): the rows a principal may read, references, identifiers and dates in FHIR form.

Rows: the practice's rows through `practices.scoping.scoped` with chart.read (tenancy and the
role), and nothing for a partner organization's client (its actor has no practice). The
family's consent to share the plan outside (careplan.OutsideConsent) is given to one named
outside member — a person with a login, read on their own pages — not to their organization:
an organization-wide token is not that person, so serving the plan to it would widen the
consent (docs/clinical-rules.md#outside-care-team). The adolescent's own items follow the
chart's rule (`careplan.selectors.may_see_confidential`: the clinical team sees them, other
roles do not; docs/clinical-rules.md#adolescent-confidentiality)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from medhome.accounts.roles import Capability
from medhome.careplan.selectors import SAFETY_DOMAIN, may_see_confidential
from medhome.directory.vocabulary import Need
from medhome.practices.models import Membership
from medhome.practices.scoping import scoped
from medhome.smart.principal import FhirPrincipal

from .errors import BadRequest
from .params import any_of, parse_token, reference_ids
from .registry import SearchParam

# medhome's own identifier and code systems (urn:medhome:..., like ehr/fhir_in/common.py's
# FHIR_ID_SYSTEM and families.models.MRN_SYSTEM): a row booked in medhome carries its id here.
VISIT_ID_SYSTEM = "urn:medhome:visit"
# The v3 ActCode system of Encounter.class (http://hl7.org/fhir/R4/v3/ActEncounterCode/vs.html).
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SNOMED = "http://snomed.info/sct"
# US Core 7 category code system (Condition sdoh, CarePlan assess-plan lives in its own system).
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"


def practice_rows[M: Model](principal: FhirPrincipal, model: type[M]) -> QuerySet[M]:
    """Every row of `model` in the principal's practice its role may read on the chart; none
    for a partner organization's client."""
    if principal.kind == "partner":
        return model._default_manager.none()
    return scoped(principal.actor, model, need=Capability.CHART_READ)


def sees_confidential(principal: FhirPrincipal) -> bool:
    """The chart's rule for the adolescent's own items (careplan.selectors)."""
    return principal.kind != "partner" and may_see_confidential(principal.actor)


def is_safety_action(action: Any) -> bool:
    """A plan action linked to a partner-violence referral or to a screen that found partner
    violence (careplan.selectors._shown_to, PlanActionQuerySet.family_visible)."""
    referral, screening = action.referral, action.screening
    if referral is not None and referral.need == Need.SAFETY:
        return True
    return screening is not None and SAFETY_DOMAIN in (screening.positive_domains or [])


def action_visible(action: Any, principal: FhirPrincipal) -> bool:
    """May the principal read this plan action? As on the chart (careplan/plan.html): the
    adolescent's own (PlanAction.is_confidential, the chain) only for the clinical team
    (may_see_confidential). A safety (partner-violence) action is shown on the chart to the
    practice's staff only, so here only to a staff member's app (kind "user"), never to a
    backend service's export leaving the practice (docs/clinical-rules.md#safety-referrals,
    security.md 11)."""
    if action.is_confidential and not sees_confidential(principal):
        return False
    return not (is_safety_action(action) and principal.kind != "user")


def ref(resource_type: str, pk: Any, display: str = "") -> dict[str, Any]:
    reference: dict[str, Any] = {"reference": f"{resource_type}/{pk}"}
    if display:
        reference["display"] = display
    return reference


def patient_ref(child_id: Any) -> dict[str, Any]:
    return ref("Patient", child_id)


def practitioner_ref(user: Any, membership_id: Any) -> dict[str, Any]:
    """A staff member as Practitioner/<membership id> (resources/practitioner.py: one
    Practitioner per membership; `membership_id` annotated by `practitioner_id` in the type's
    `prepare`), their name as display; display only when they are no member any more."""
    display = str(getattr(user, "display_name", "") or user.get_full_name() or "Staff member")
    if membership_id is None:
        return {"display": display}
    return ref("Practitioner", membership_id, display)


def instant(moment: datetime) -> str:
    """A FHIR instant/dateTime with its offset (in the practice's time zone)."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def day(value: date) -> str:
    return value.isoformat()


def meta(updated: datetime | None, *profiles: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if updated is not None:
        found["lastUpdated"] = instant(updated)
    if profiles:
        found["profile"] = list(profiles)
    return found


def external_identifier(external_id: str, pk: Any) -> dict[str, str]:
    """The identifier a visit was imported with (`system|value`, ehr.fhir_in.common.source_key)
    so an EHR that re-reads it finds its own row; a visit booked in medhome carries its id in
    medhome's system. A key without a system ("Appointment/<id>") falls back to medhome's."""
    system, sep, value = external_id.partition("|")
    if sep and system and value:
        return {"system": system, "value": value}
    return {"system": VISIT_ID_SYSTEM, "value": str(pk)}


def concept(system: str, code: str, display: str = "", text: str = "") -> dict[str, Any]:
    coding: dict[str, str] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    found: dict[str, Any] = {"coding": [coding]}
    if text:
        found["text"] = text
    return found


# --- Search parameters the care types share (params.py holds the generic ones) -------------

CodeMatch = Callable[[str | None, str], Q | None]


def coded_param(
    name: str, match: CodeMatch, *, definition: str = "", documentation: str = ""
) -> SearchParam:
    """A token whose (system, code) pairs become conditions on medhome's rows (one code may
    name several stored values, a stored value several codes). A pair that names nothing
    matches nothing; `:not` is the complement within the caller's rows."""

    def apply(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
        conditions = []
        for value in values:
            system, code = parse_token(value)
            if not code:
                raise BadRequest(f"Parameter '{name}' needs a code.")
            condition = match(system, code)
            if condition is not None:
                conditions.append(condition)
        matched = qs.filter(any_of(conditions))
        return qs.exclude(pk__in=matched.values("pk")) if modifier == "not" else matched

    return SearchParam(
        name=name,
        kind="token",
        apply=apply,
        definition=definition,
        documentation=documentation,
        modifiers=("not",),
    )


def code_table(
    system: str, table: dict[str, Q], *, also: dict[str, dict[str, Q]] | None = None
) -> CodeMatch:
    """A match over one code system (`table`: code → condition), with other systems'
    tables in `also`; a code without a system is looked up in every table."""
    tables = {system: table, **(also or {})}

    def match(given: str | None, code: str) -> Q | None:
        if given is None:
            found = [t[code] for t in tables.values() if code in t]
            return any_of(found) if found else None
        return tables.get(given, {}).get(code)

    return match


def constant_param(
    name: str, system: str, codes: frozenset[str], *, definition: str = "", documentation: str = ""
) -> SearchParam:
    """A token every row of the type carries the same value of (CarePlan's category and status,
    CareTeam's status): one of `codes` matches all, any other none."""
    return coded_param(
        name,
        lambda given, code: (
            Q(pk__isnull=False) if given in (None, system) and code in codes else None
        ),
        definition=definition,
        documentation=documentation,
    )


def practitioner_param(name: str, user_field: str, *, definition: str = "") -> SearchParam:
    """A reference to a Practitioner (a membership id): rows whose `user_field` is that
    membership's user IN THE ROW'S PRACTICE, so another practice's membership id names
    nothing here."""

    def apply(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
        if modifier and modifier != "Practitioner":
            raise BadRequest(f"Parameter '{name}' refers to Practitioner resources only.")
        ids = reference_ids(name, values, "Practitioner")
        memberships = Membership.objects.filter(
            pk__in=ids, user_id=OuterRef(user_field), practice_id=OuterRef("practice_id")
        )
        return qs.filter(Exists(memberships))

    return SearchParam(
        name=name, kind="reference", apply=apply, definition=definition, modifiers=("Practitioner",)
    )


def membership_of(row: Any, user_field: str) -> Any:
    """The Practitioner id `prepare` annotated on the row as `fhir_practitioner`; looked up
    when the row was read without it."""
    if hasattr(row, "fhir_practitioner"):
        return row.fhir_practitioner
    user_id = getattr(row, f"{user_field}_id")
    return (
        Membership.objects.filter(user_id=user_id, practice_id=row.practice_id)
        .values_list("pk", flat=True)
        .first()
    )
