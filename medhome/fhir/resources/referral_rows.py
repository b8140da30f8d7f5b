"""Who may read which referral over the API, and the search parameters ServiceRequest, Task
and Consent share (the IG's polling queries, interop-codes §1.8).

- A practice's principal (user or backend service): `practices.scoping.scoped` with the
  referral capability (referrals.selectors.READ), and an adolescent's own referral only for a
  role that may see confidential results (referrals.selectors.may_see_confidential) — the
  pages' rule.
- A partner's client (`principal.kind == "partner"`): only referrals addressed to its
  organization, sent, not entered in error, with the family's consent naming the organization
  and not revoked — referrals.selectors.partner_referrals's conditions, read at every query, so a
  revoked consent removes the referral at once.
"""

from typing import Any

from django.db.models import Max, Q, QuerySet

from medhome.directory.vocabulary import SDOHCC_CATEGORY
from medhome.practices.scoping import scoped
from medhome.referrals.fhir_codes import TASK_STATUS_SYSTEM
from medhome.referrals.models import Referral, ReferralConsent
from medhome.referrals.selectors import READ, may_see_confidential
from medhome.referrals.states import Status, from_fhir_task_status
from medhome.smart.principal import FhirPrincipal

from ..errors import BadRequest
from ..params import SEARCH_BASE, parse_token, reference_param
from ..registry import ParamKind, SearchParam
from . import sdohcc


def referrals(principal: FhirPrincipal) -> QuerySet[Referral]:
    if principal.kind == "partner":
        if principal.organization_id is None:
            return Referral.objects.none()
        rows: QuerySet[Referral] = Referral.objects.filter(
            organization_id=principal.organization_id,
            consent__organization_id=principal.organization_id,
            consent__revoked_at__isnull=True,
        ).exclude(status__in=[Status.DRAFT, Status.ENTERED_IN_ERROR])
    else:
        rows = scoped(principal.actor, Referral, need=READ)
        if not may_see_confidential(principal.actor):
            rows = rows.exclude(pk__in=Referral.objects.confidential().values("pk"))
    return rows.annotate(last_updated=Max("events__at"))


def consents(principal: FhirPrincipal) -> QuerySet[ReferralConsent]:
    """The consent of a referral the principal may read; a partner reads only standing ones."""
    return ReferralConsent.objects.filter(referral__in=referrals(principal).values("pk"))


def is_partner(principal: FhirPrincipal) -> bool:
    return principal.kind == "partner"


# --- search parameters (fhir.params; `_id` and `_lastUpdated` are served for every type) ------


def _codes(values: list[str]) -> list[tuple[str | None, str]]:
    return [parse_token(value) for value in values]


def _task_status(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    """Task.status: `requested` is medhome's requested and received (domain-reference §7)."""
    wanted: set[str] = set()
    for system, code in _codes(values):
        if system not in (None, TASK_STATUS_SYSTEM):
            continue
        if code == "requested":
            wanted |= {Status.REQUESTED, Status.RECEIVED}
            continue
        try:
            wanted.add(from_fhir_task_status(code))
        except ValueError:
            raise BadRequest(f"Parameter 'status': '{code[:30]}' is not a Task status.") from None
    return rows.filter(status__in=wanted)


def _sr_status(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    wanted = [
        state
        for system, code in _codes(values)
        if system in (None, SR_STATUS_SYSTEM)
        for state in sdohcc.statuses_for_service_request_status(code)
    ]
    return rows.filter(status__in=wanted)


def _category(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    codes = {code for system, code in _codes(values) if system in (None, sdohcc.SDOHCC_CODES)}
    needs = [need for need in SDOHCC_CATEGORY if sdohcc.category_code(need) in codes]
    return rows.filter(need__in=needs)


def _code(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    """Every referral Task is `task-code#fulfill` (the profile fixes it)."""
    fulfill = any(
        code == "fulfill" and system in (None, sdohcc.TASK_CODE) for system, code in _codes(values)
    )
    return rows if fulfill else rows.none()


def _consent_status(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    codes = {code for system, code in _codes(values) if system in (None, CONSENT_STATUS_SYSTEM)}
    condition = Q(pk__in=[])
    if "active" in codes:
        condition |= Q(revoked_at__isnull=True)
    if "inactive" in codes:
        condition |= Q(revoked_at__isnull=False)
    return rows.filter(condition)


def _param(name: str, kind: ParamKind, apply: Any, definition: str) -> tuple[str, SearchParam]:
    return name, SearchParam(name=name, kind=kind, apply=apply, definition=SEARCH_BASE + definition)


SR_STATUS_SYSTEM = "http://hl7.org/fhir/request-status"
CONSENT_STATUS_SYSTEM = "http://hl7.org/fhir/consent-state-codes"


def _ref(name: str, field: str, target: str, definition: str) -> tuple[str, SearchParam]:
    return name, reference_param(name, field, target, definition=SEARCH_BASE + definition)


PATIENT = _ref("patient", "child_id", "Patient", "clinical-patient")
TASK_PATIENT = _ref("patient", "child_id", "Patient", "Task-patient")
OWNER = _ref("owner", "organization_id", "Organization", "Task-owner")
REQUESTER = _ref("requester", "practice_id", "Organization", "Task-requester")
FOCUS = _ref("focus", "pk", "ServiceRequest", "Task-focus")
PERFORMER = _ref("performer", "organization_id", "Organization", "ServiceRequest-performer")
STATUS = _param("status", "token", _task_status, "Task-status")
CODE = _param("code", "token", _code, "Task-code")
SR_STATUS = _param("status", "token", _sr_status, "ServiceRequest-status")
CATEGORY = _param("category", "token", _category, "ServiceRequest-category")
CONSENT_PATIENT = _ref("patient", "referral__child_id", "Patient", "clinical-patient")
CONSENT_STATUS = _param("status", "token", _consent_status, "Consent-status")
