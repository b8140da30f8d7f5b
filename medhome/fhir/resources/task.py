"""Task: a referral's life as the SDOHCC TaskForReferralManagement (sdohcc.task); the Task's
id is the referral's, so `Task.focus` → `ServiceRequest/<same id>`. The IG's polling searches
(interop-codes §1.8): `_id`, `owner`, `requester`, `status`, `_lastUpdated=gt…`, `code`,
`focus`, `patient`, and `_include=Task:focus` (task-7)."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from medhome.referrals.fhir_codes import security_labels
from medhome.referrals.models import Referral, ReferralEvent
from medhome.referrals.selectors import partner_view
from medhome.smart.principal import FhirPrincipal

from ..params import related_by
from ..registry import Include, ResourceType, register
from . import referral_rows as r
from . import sdohcc
from .referral_versions import REFERRAL_VERSIONS
from .servicerequest import prepare, references, with_minimum_patient


def prepare_tasks(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The referrals' events in one query a page (the path, Task.relevantHistory)."""
    return prepare(rows).prefetch_related(
        Prefetch("events", queryset=ReferralEvent.objects.order_by("at", "version"))
    )


def to_resource(referral: Referral, principal: FhirPrincipal) -> dict[str, Any]:
    refs = references(referral)
    partner = r.is_partner(principal)
    resource = sdohcc.task(
        referral,
        resource_id=str(referral.pk),
        focus={"reference": f"ServiceRequest/{referral.pk}"},
        patient=refs["patient"],
        requester=refs["requester"],
        owner=refs["organization"],
        # The team's own words on a status, and the referral's path, stay with the team.
        with_reason=not partner,
        history=() if partner else list(referral.events.all()),
    )
    if partner:
        with_minimum_patient(resource, referral, partner_view(referral), "for")
    elif labels := security_labels(referral.is_confidential):
        resource["meta"]["security"] = labels
    return resource


TASK = register(
    ResourceType(
        name="Task",
        model=Referral,
        rows=r.referrals,
        to_resource=to_resource,
        patient_path="child",
        params=dict([r.TASK_PATIENT, r.OWNER, r.REQUESTER, r.STATUS, r.CODE, r.FOCUS]),
        includes={
            "Task:focus": Include(
                param="Task:focus",
                target="ServiceRequest",
                related=related_by("pk", "pk"),
            )
        },
        profiles=(sdohcc.PROFILE_TASK,),
        sorts={"authored-on": "requested_at", "_lastUpdated": "last_updated"},
        prepare=prepare_tasks,
        updated_field="last_updated",
        version_field="version",
        versions=REFERRAL_VERSIONS,
    )
)
