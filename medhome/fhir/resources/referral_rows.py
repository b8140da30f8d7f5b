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

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Max, Q, QuerySet

from medhome.directory.vocabulary import SDOHCC_CATEGORY
from medhome.practices.scoping import scoped
from medhome.referrals.models import Referral, ReferralConsent
from medhome.referrals.selectors import READ, may_see_confidential
from medhome.referrals.states import Status, from_fhir_task_status
from medhome.smart.principal import FhirPrincipal

from ..registry import SearchParam
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


# --- search parameters ----------------------------------------------------------------------


def _ids(values: list[str], prefix: str = "") -> list[uuid.UUID]:
    found = []
    for raw in values:
        for value in raw.split(","):
            value = value.strip().removeprefix(prefix) if prefix else value.strip()
            value = value.rsplit("/", 1)[-1] if "/" in value and not prefix else value
            try:
                found.append(uuid.UUID(value))
            except ValueError:
                continue  # an id medhome never issued matches nothing
    return found


def _by_ids(
    field: str, prefix: str = ""
) -> Callable[[QuerySet[Any], list[str], str], QuerySet[Any]]:
    def apply(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
        return rows.filter(**{f"{field}__in": _ids(values, prefix)})

    return apply


def _task_status(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    wanted: set[str] = set()
    for raw in values:
        for code in raw.split(","):
            code = code.strip()
            if code == "requested":
                wanted |= {Status.REQUESTED, Status.RECEIVED}
                continue
            try:
                wanted.add(from_fhir_task_status(code))
            except ValueError:
                continue
    return rows.filter(status__in=wanted)


def _sr_status(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    codes = {c.strip() for raw in values for c in raw.split(",")}
    return rows.filter(
        status__in=[s for code in codes for s in sdohcc.statuses_for_service_request_status(code)]
    )


def _category(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    codes = {c.strip().split("|")[-1] for raw in values for c in raw.split(",")}
    needs = [need for need in SDOHCC_CATEGORY if sdohcc.category_code(need) in codes]
    return rows.filter(need__in=needs)


def _code(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    codes = {c.strip() for raw in values for c in raw.split(",")}
    fulfill = {"fulfill", f"{sdohcc.TASK_CODE}|fulfill"}
    return rows if codes & fulfill else rows.none()


def _last_updated(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    """`gt`/`ge`/`lt`/`le` + an ISO instant (the IG's polling: `_lastUpdated=gt…`)."""
    lookups = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte", "eq": "exact"}
    for value in values:
        prefix = value[:2] if value[:2] in lookups else "eq"
        moment = datetime.fromisoformat(value[2:] if value[:2] in lookups else value)
        rows = rows.filter(**{f"last_updated__{lookups[prefix]}": moment})
    return rows


def _consent_status(rows: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    codes = {c.strip() for raw in values for c in raw.split(",")}
    condition = Q(pk__in=[])
    if "active" in codes:
        condition |= Q(revoked_at__isnull=True)
    if "inactive" in codes:
        condition |= Q(revoked_at__isnull=False)
    return rows.filter(condition)


def param(name: str, kind: Any, apply: Any) -> tuple[str, SearchParam]:
    return name, SearchParam(name=name, kind=kind, apply=apply)


ID = param("_id", "token", _by_ids("pk"))
PATIENT = param("patient", "reference", _by_ids("child_id"))
STATUS = param("status", "token", _task_status)
LAST_UPDATED = param("_lastUpdated", "date", _last_updated)
OWNER = param("owner", "reference", _by_ids("organization_id"))
PERFORMER = param("performer", "reference", _by_ids("organization_id"))
REQUESTER = param("requester", "reference", _by_ids("practice_id"))
FOCUS = param("focus", "reference", _by_ids("pk"))
CODE = param("code", "token", _code)
SR_STATUS = param("status", "token", _sr_status)
CATEGORY = param("category", "token", _category)
CONSENT_PATIENT = param("patient", "reference", _by_ids("referral__child_id"))
CONSENT_STATUS = param("status", "token", _consent_status)
