"""Referrals from another system: the ServiceRequest, Consent and Task lines of an EHR bulk
import (ehr.bulk; the handlers are registered in ReferralsConfig.ready) become a referral, its
family's consent and its state, as a record of what happened elsewhere: nothing is sent.

The rules (docs/clinical-rules.md#imported-referrals):
- Read in fhir_in.ORDER after the screens: the ServiceRequest creates the referral as a draft,
  the Consent attaches the family's consent, the Task sets the state it reached (one event,
  side "system"), with its dates: requested (ServiceRequest.authoredOn), first response and
  closing (Task.executionPeriod), outcome.
- The organization (performer / owner / Consent.organization) is the directory organization of
  that id, else the one organization of that name (case-insensitive, trimmed); otherwise the
  line is refused (`organization_unknown`). The directory is shared by every practice.
- The need comes from medhome's need coding (urn:medhome:referral-need), else from an SDOHCC
  category only one need has. The screen it started from is linked when the ServiceRequest names
  a QuestionnaireResponse this practice imported (screening.imported keeps its source key).
- Confidentiality is never weaker: the restricted label (meta.security R/V) on any of the three
  lines, a confidential source screen, or the adolescent's consent make the referral
  confidential; a safety referral keeps its need, so every safety rule reads it as before.
- The consent follows record_consent's rules (referrals.services.consent.consent_errors): who
  gave it (a caregiver of the child's family by the sender's RelatedPerson id, or the adolescent
  as the Patient), what is shared, how.
- Never rewritten: an unchanged line is counted `unchanged` (SourceDigest, its hash without the
  version stamps); a changed ServiceRequest or Consent is refused (`referral_changed`), except a
  consent now revoked, which is applied (stricter, never weaker); a changed Task is applied only
  when its state follows from the state here by the table (referrals.states), else refused
  (`transition_refused`). A referral the practice made itself (its own export read back) is
  never touched: counted as skipped (`native_referral`).
- The practice's own export carries more, read back here: the warm hand-off (an extension,
  applied also to a line seen before, since it is set after sending: false → true only), the
  HSDS service (a logical HealthcareService performer: by id among the organization's services,
  else by its one exact name there; not found, the referral is kept without it and the loss
  counted, `service_unknown`) and the path (referrals.imported_path).
- Imported referrals carry `imported_at`: the exchange, the follow-up sweep and the family's
  reminders leave them alone (ReferralQuerySet.native).
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.directory.models import Organization, Service
from medhome.directory.vocabulary import Need
from medhome.ehr.bulk_people import Applied, each, run_batch
from medhome.ehr.fhir_in.common import (
    Refused,
    content_hash,
    first_code,
    parse_instant,
    reference_id,
    require_code,
    resolve_child,
)
from medhome.ehr.fhir_in.visits import is_restricted
from medhome.ehr.models import SourceDigest
from medhome.families.models import Child
from medhome.screening.models import Administration

from .acting import REFERRAL_OBJECT, audit
from .fhir_codes import (
    HSDS_SERVICE_SYSTEM,
    NEED_SYSTEM,
    SDOHCC_CODES,
    SOURCE_SYSTEM,
    SR_STATUSES,
    UNSPECIFIED,
    WARM_HANDOFF_EXTENSION,
    category_code,
    tagged,
)
from .models import Priority, Referral, Source
from .services.starting import create_draft
from .states import Side

if TYPE_CHECKING:
    from medhome.ehr.bulk import BatchResult, Context, Line

NATIVE = "native_referral"  # a skip reason (ehr.views.SKIPPED_REASONS)
# A line kept without a part medhome could not find (ehr.views.SKIPPED_REASONS): the HSDS
# service the referral named is not in its organization's directory entry.
SERVICE_UNKNOWN = "service_unknown"
# The version stamps an export writes (meta.versionId, meta.lastUpdated) change with every event
# of the referral; ServiceRequest.status follows the Task's state. Neither is the line's content.
STAMPS = ("versionId", "lastUpdated")

# A line applied, knowing the hash it was imported with before (None: the first time).
Apply = Callable[["Line", "Context", dict[str, Any], str | None], tuple[str, Any]]


def imported_label() -> str:
    return _("Imported from another system")


def stable_hash(resource: dict[str, Any]) -> str:
    found = dict(resource)
    found["meta"] = {k: v for k, v in (found.get("meta") or {}).items() if k not in STAMPS}
    if found.get("resourceType") == "ServiceRequest":
        found.pop("status", None)
    return content_hash(found)


def refused_changed() -> Refused:
    return Refused(
        "referral_changed",
        _(
            "This referral was imported before with other content; an imported referral is "
            "not rewritten. Record a change in medhome."
        ),
    )


def refused_no_referral() -> Refused:
    return Refused(
        "no_referral",
        _("The referral this line belongs to (its ServiceRequest) was not imported."),
    )


def handle_lines(
    kind: str, lines: list["Line"], context: "Context", result: "BatchResult", apply: Apply
) -> None:
    """A batch of one of the three types through the import's loop (ehr.bulk_people
    run_batch): each line applied in its own savepoint, knowing the hash it was imported with
    before (its digest's, without the version stamps)."""

    def write(line: "Line", shared: dict[str, Any]) -> Applied:
        # What the line lost but was kept without (`noted`), counted only once it is kept.
        shared["noted"] = []
        done, referral = apply(line, context, shared, shared["known"].get(line.key))
        if done == NATIVE:
            result.skipped[NATIVE] += 1
            return None
        result.skipped.update(shared["noted"])
        return done, referral.pk, referral.child_id

    run_batch(
        kind,
        lines,
        context,
        result,
        lambda line, _shared: line,
        each(write),
        hash_of=lambda line: stable_hash(line.resource),
    )


# --- what the lines refer to -------------------------------------------------------------------


def organization_of(reference: object) -> Organization:
    """The directory organization a reference names: by id, else by its one exact name."""
    ref = reference if isinstance(reference, dict) else {}
    try:
        pk = uuid.UUID(reference_id(ref, "Organization"))
    except ValueError:
        pk = None
    found = Organization.objects.filter(pk=pk).first() if pk else None
    name = str(ref.get("display") or "").strip().lower()
    if found is None and name:
        named = list(Organization.objects.annotate(key=Lower(Trim("name"))).filter(key=name)[:2])
        found = named[0] if len(named) == 1 else None
    if found is None:
        raise Refused(
            "organization_unknown",
            _("The organization the referral went to is not in this practice's directory."),
        )
    return found


def imported_referral_of(
    context: "Context", resource: dict[str, Any], field: str
) -> tuple[Referral | None, bool]:
    """The imported referral a Task (focus) or Consent (sourceReference) belongs to, found by
    its ServiceRequest's digest; (None, True) for a referral the practice made itself."""
    request_id = reference_id(resource.get(field), "ServiceRequest")
    object_id = (
        SourceDigest.objects.for_practice(context.practice)
        .filter(resource_type="ServiceRequest", resource_id=request_id)
        .values_list("object_id", flat=True)
        .first()
        if request_id
        else None
    )
    rows = Referral.objects.for_practice(context.practice).select_related("child", "organization")
    if object_id is not None:
        referral = rows.filter(pk=object_id).first()
        if referral is not None and referral.imported_at is not None:
            return referral, False
    try:
        native = rows.filter(pk=uuid.UUID(request_id), imported_at__isnull=True).exists()
    except ValueError:
        native = False
    return None, native


def _child(context: "Context", shared: dict[str, Any], reference: object) -> Child:
    ref = resolve_child(reference if isinstance(reference, dict) else None, shared["children"])
    return Child.objects.for_practice(context.practice).get(pk=ref.child_id)


def require_same_child(
    context: "Context", shared: dict[str, Any], reference: object, referral: Referral
) -> None:
    if _child(context, shared, reference).pk != referral.child_id:
        raise Refused(
            "referral_mismatch", _("The line is about another patient than its referral.")
        )


def optional_instant(value: object) -> datetime | None:
    return parse_instant(value) if value else None


def plain_text(concept: object) -> str:
    return str(concept.get("text") or "").strip() if isinstance(concept, dict) else ""


def coded(concept: object, system: str) -> str:
    """The code of the concept's first coding in `system` ("" when none)."""
    return first_code(concept if isinstance(concept, dict) else None, (system,))[1]


def set_fields(context: "Context", referral: Referral, values: dict[str, Any]) -> None:
    """The import's one write of a referral's own fields: those whose value differs are set,
    saved and audited (by name, never value)."""
    fields = [name for name, value in values.items() if getattr(referral, name) != value]
    if not fields:
        return
    for name in fields:
        setattr(referral, name, values[name])
    referral.save(update_fields=fields)
    audit(
        context.actor,
        Action.UPDATE,
        REFERRAL_OBJECT,
        referral.pk,
        practice=context.practice,
        at=context.at,
        fields=fields,
    )


def keep_confidential(context: "Context", referral: Referral, resource: dict[str, Any]) -> None:
    """A restricted label on the line makes the referral the adolescent's own; never the
    other way round (what was theirs stays theirs)."""
    if is_restricted(resource):
        set_fields(context, referral, {"confidential": True})


# --- ServiceRequest: the referral --------------------------------------------------------------


def _need(resource: dict[str, Any]) -> str:
    need = coded(resource.get("code"), NEED_SYSTEM)
    if need in Need.values:
        return need
    categories = {coded(concept, SDOHCC_CODES) for concept in resource.get("category") or []}
    needs = [n for n in Need.values if category_code(n) in categories - {"", UNSPECIFIED}]
    if len(needs) != 1:
        raise Refused("unknown_need", _("The referral's need is not one medhome can tell."))
    return needs[0]


def _source_screen(
    context: "Context", resource: dict[str, Any], child: Child
) -> Administration | None:
    """The screen the referral started from, when this practice imported it."""
    keys = [
        f"QuestionnaireResponse/{found}"
        for info in resource.get("supportingInfo") or []
        if (found := reference_id(info, "QuestionnaireResponse"))
    ]
    if not keys:
        return None
    return (
        Administration.objects.for_practice(context.practice)
        .filter(child=child, source_key__in=keys)
        .first()
    )


def is_warm_handoff(resource: dict[str, Any]) -> bool:
    return any(
        isinstance(e, dict) and e.get("url") == WARM_HANDOFF_EXTENSION and e.get("valueBoolean")
        for e in resource.get("extension") or []
    )


def _is_service(performer: object) -> bool:
    return isinstance(performer, dict) and (
        performer.get("type") == "HealthcareService"
        or (performer.get("identifier") or {}).get("system") == HSDS_SERVICE_SYSTEM
    )


def service_of(resource: dict[str, Any], organization: Organization) -> tuple[Service | None, bool]:
    """(the HSDS service the ServiceRequest names, whether one was named): by its id among the
    organization's services, else by its one exact name there (case-insensitive, trimmed)."""
    named = next((p for p in resource.get("performer") or [] if _is_service(p)), None)
    if named is None:
        return None, False
    services = Service.objects.filter(organization=organization)
    identifier = named.get("identifier") or {}
    try:
        pk = uuid.UUID(str(identifier.get("value") or ""))
    except ValueError:
        pk = None
    found = services.filter(pk=pk).first() if pk else None
    name = str(named.get("display") or "").strip().lower()
    if found is None and name:
        same = list(services.annotate(key=Lower(Trim("name"))).filter(key=name)[:2])
        found = same[0] if len(same) == 1 else None
    return found, True


def _without_warm_handoff(resource: dict[str, Any]) -> dict[str, Any]:
    was = {**resource}
    kept = [
        e
        for e in resource.get("extension") or []
        if not (isinstance(e, dict) and e.get("url") == WARM_HANDOFF_EXTENSION)
    ]
    if kept:
        was["extension"] = kept
    else:
        was.pop("extension", None)
    return was


def _warm_handoff_since(
    context: "Context", resource: dict[str, Any], stored: str
) -> tuple[str, Any]:
    """A ServiceRequest seen before that differs only by the warm hand-off, set after it was
    sent (services.referral.warm_handoff): applied, false → true only."""
    object_id = (
        SourceDigest.objects.for_practice(context.practice)
        .filter(resource_type="ServiceRequest", resource_id=str(resource.get("id") or ""))
        .values_list("object_id", flat=True)
        .first()
    )
    referral = (
        Referral.objects.for_practice(context.practice)
        .filter(pk=object_id, imported_at__isnull=False)
        .first()
        if object_id
        else None
    )
    if (
        referral is None
        or not is_warm_handoff(resource)
        or stable_hash(_without_warm_handoff(resource)) != stored
    ):
        raise refused_changed()
    set_fields(context, referral, {"warm_handoff": True})
    return "updated", referral


def apply_service_request(
    line: "Line", context: "Context", shared: dict[str, Any], stored: str | None
) -> tuple[str, Any]:
    resource = line.resource
    require_code(resource.get("status"), SR_STATUSES, "status")
    try:
        native = Referral.objects.for_practice(context.practice).filter(
            pk=uuid.UUID(str(resource.get("id") or "")), imported_at__isnull=True
        )
        if native.exists():
            return NATIVE, None
    except ValueError:
        pass
    if stored is not None:
        return _warm_handoff_since(context, resource, stored)
    child = _child(context, shared, resource.get("subject"))
    performers = [p for p in resource.get("performer") or [] if not _is_service(p)] or [None]
    organization = organization_of(performers[0])
    service, named = service_of(resource, organization)
    if named and service is None:
        shared["noted"].append(SERVICE_UNKNOWN)
    need = _need(resource)
    reason = " ".join(plain_text(note) for note in resource.get("note") or [] if plain_text(note))
    if not reason:
        raise Refused("no_reason", _("The referral does not say why the family is referred."))
    screen = _source_screen(context, resource, child)
    source = tagged(resource, SOURCE_SYSTEM)
    if source not in Source.values:
        source = Source.SCREENING if screen is not None else Source.MANUAL
    requested_at = optional_instant(resource.get("authoredOn"))
    priority = resource.get("priority")
    referral = create_draft(
        context.actor,
        Referral(
            practice=context.practice,
            child=child,
            need=need,
            organization=organization,
            service=service,
            priority=priority if priority in Priority.values else Priority.ROUTINE,
            reason=reason,
            source=source,
            source_administration=screen,
            confidential=is_restricted(resource) or bool(screen and screen.confidential),
            created_by=None,
            created_at=requested_at or context.at,
            requested_at=requested_at,
            imported_at=context.at,
            warm_handoff=is_warm_handoff(resource),
        ),
        side=Side.SYSTEM,
        label=imported_label(),
    )
    return "imported", referral


def import_service_requests(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    handle_lines("ServiceRequest", lines, context, result, apply_service_request)
