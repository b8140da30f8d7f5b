"""The consent and the state of a referral from another system: the Consent and Task lines of
an EHR bulk import (the rules: referrals.imported, docs/clinical-rules.md#imported-referrals)."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.ehr.fhir_in.common import (
    RELATED_PERSON_ID_SYSTEM,
    Refused,
    patient_id,
    reference_id,
    require_code,
)
from medhome.families.models import CaregiverIdentifier

from .acting import CONSENT_OBJECT, CONSENT_REVOKED, audit, consent_of
from .fhir_codes import (
    CONSENT_METHOD_SYSTEM,
    CONSENT_NOTES_EXTENSION,
    OUTCOME_SYSTEM,
    SHARED_ITEM_SYSTEM,
    tagged,
)
from .imported import (
    NATIVE,
    coded,
    handle_lines,
    imported_label,
    imported_referral_of,
    keep_confidential,
    optional_instant,
    organization_of,
    plain_text,
    refused_changed,
    refused_no_referral,
    require_same_child,
    set_fields,
    stable_hash,
)
from .imported_path import check_path, path_of, replay
from .models import Referral, ReferralConsent
from .services.consent import consent_errors, store_consent
from .states import TRANSITIONS, InvalidTransition, Outcome, Side, Status, from_fhir_task_status
from .states.moves import move

if TYPE_CHECKING:
    from medhome.ehr.bulk import BatchResult, Context, Line

TASK_STATUSES = frozenset(
    {"draft", "requested", "accepted", "rejected", "cancelled", "in-progress", "on-hold"}
    | {"failed", "completed", "entered-in-error"}
)


# --- Consent: what the family agreed to share --------------------------------------------------


def _giver(context: "Context", resource: dict[str, Any], referral: Referral) -> tuple[Any, bool]:
    """(caregiver, adolescent?) of Consent.performer: the child as the Patient, else a caregiver
    by the sender's RelatedPerson id."""
    for performer in resource.get("performer") or []:
        if patient_id(performer) and patient_id(performer) == patient_id(resource.get("patient")):
            return None, True
        found = reference_id(performer, "RelatedPerson")
        if found:
            identifier = (
                CaregiverIdentifier.objects.for_practice(context.practice)
                .filter(system=RELATED_PERSON_ID_SYSTEM, value=found)
                .select_related("caregiver")
                .first()
            )
            if identifier is not None:
                return identifier.caregiver, False
    raise Refused(
        "consent_giver_unknown",
        _("Who gave the consent is not the child or a caregiver this practice has."),
    )


def _revoked_at(resource: dict[str, Any]) -> datetime | None:
    if resource.get("status") != "inactive":
        return None
    period = (resource.get("provision") or {}).get("period") or {}
    return optional_instant(period.get("end")) or optional_instant(resource.get("dateTime"))


def _revoke(context: "Context", consent: ReferralConsent, revoked_at: datetime) -> None:
    consent.revoked_at = revoked_at
    consent.revoked_by = None
    consent.revoke_reason = CONSENT_REVOKED
    consent.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit(
        context.actor,
        Action.UPDATE,
        CONSENT_OBJECT,
        consent.pk,
        practice=context.practice,
        at=context.at,
        fields=["revoked_at", "revoked_by", "revoke_reason"],
    )


def apply_consent(
    line: "Line", context: "Context", shared: dict[str, Any], stored: str | None
) -> tuple[str, Any]:
    resource = line.resource
    require_code(resource.get("status"), frozenset({"active", "inactive"}), "status")
    referral, native = imported_referral_of(context, resource, "sourceReference")
    if native:
        return NATIVE, None
    if referral is None:
        raise refused_no_referral()
    require_same_child(context, shared, resource.get("patient"), referral)
    existing = consent_of(referral)
    if stored is not None or existing is not None:
        # Only a revocation is applied to a consent imported before (stricter, never weaker).
        revoked_at = _revoked_at(resource)
        was = {**resource, "status": "active"}
        was["provision"] = {**(resource.get("provision") or {})}
        was["provision"]["period"] = {
            k: v for k, v in (was["provision"].get("period") or {}).items() if k != "end"
        }
        if (
            stored is None
            or existing is None
            or revoked_at is None
            or not existing.is_active
            or stable_hash(was) != stored
        ):
            raise refused_changed()
        _revoke(context, existing, revoked_at)
        return "updated", referral
    if referral.status != Status.DRAFT:
        raise refused_changed()
    organizations = resource.get("organization") or [None]
    if organization_of(organizations[0]).pk != referral.organization_id:
        raise Refused(
            "consent_organization",
            _("The consent names another organization than the referral's."),
        )
    caregiver, adolescent = _giver(context, resource, referral)
    given_at = optional_instant(resource.get("dateTime")) or optional_instant(
        ((resource.get("provision") or {}).get("period") or {}).get("start")
    )
    if given_at is None:
        raise Refused("no_date", _("The consent does not say when it was given."))
    items = sorted(
        {
            coded(concept, SHARED_ITEM_SYSTEM)
            for concept in (resource.get("provision") or {}).get("code") or []
        }
        - {""}
    )
    notes = next(
        (
            str(e.get("valueString") or "").strip()
            for e in resource.get("extension") or []
            if isinstance(e, dict) and e.get("url") == CONSENT_NOTES_EXTENSION
        ),
        "",
    )
    method = tagged(resource, CONSENT_METHOD_SYSTEM)
    errors = consent_errors(
        referral,
        caregiver=caregiver,
        adolescent=adolescent,
        items=items,
        notes_to_share=notes,
        method=method,
        on=given_at.date(),
    )
    if errors:
        raise ValidationError(errors)
    revoked_at = _revoked_at(resource)
    store_consent(
        context.actor,
        referral,
        {
            "practice": referral.practice,
            "given_by_caregiver": caregiver,
            "given_by_adolescent": adolescent,
            "organization_id": referral.organization_id,
            "shared_items": items,
            "notes_to_share": notes,
            "method": method,
            "recorded_by": None,
            "given_at": given_at,
            "revoked_at": revoked_at,
            "revoked_by": None,
            "revoke_reason": CONSENT_REVOKED if revoked_at else "",
        },
        at=context.at,
    )
    keep_confidential(context, referral, resource)
    return "imported", referral


# --- Task: the state the referral reached ------------------------------------------------------


def _state(resource: dict[str, Any]) -> str:
    status = require_code(resource.get("status"), TASK_STATUSES, "status")
    business = resource.get("businessStatus")
    text = plain_text(business) or next(
        (
            str(c.get("code"))
            for c in (business or {}).get("coding") or []
            if isinstance(c, dict) and c.get("code")
        ),
        "",
    )
    return from_fhir_task_status(status, text)


def _outcome(resource: dict[str, Any], completed: bool) -> tuple[str, str]:
    """The outcome of a referral that was completed (`completed`: its state, or a step of its
    path); ("", "") otherwise."""
    if not completed:
        return "", ""
    outcome = next(
        (
            code
            for found in resource.get("output") or []
            if isinstance(found, dict)
            and (code := coded(found.get("valueCodeableConcept"), OUTCOME_SYSTEM))
        ),
        "",
    )
    if outcome not in Outcome.values:
        raise Refused("no_outcome", _("The completed referral does not say its outcome."))
    note = " ".join(plain_text(n) for n in resource.get("note") or [] if plain_text(n))
    return outcome, note


def _stamp(context: "Context", referral: Referral, resource: dict[str, Any]) -> None:
    """The Task's dates (first response, closing), as they were in the other system."""
    period = resource.get("executionPeriod") or {}
    values = {
        "first_response_at": optional_instant(period.get("start")),
        "closed_at": optional_instant(period.get("end")),
    }
    set_fields(context, referral, {name: value for name, value in values.items() if value})


def apply_task(
    line: "Line", context: "Context", shared: dict[str, Any], stored: str | None
) -> tuple[str, Any]:
    resource = line.resource
    try:
        state = _state(resource)
    except ValueError:
        raise Refused(
            "invalid_code",
            _("The code in %(field)s is not one FHIR R4 allows.") % {"field": "status"},
        ) from None
    referral, native = imported_referral_of(context, resource, "focus")
    if native:
        return NATIVE, None
    if referral is None:
        raise refused_no_referral()
    require_same_child(context, shared, resource.get("for"), referral)
    steps = path_of(resource)
    reached = {state} | {step.to_status for step in steps or []}
    outcome, note = _outcome(resource, Status.COMPLETED in reached)
    if steps is not None:
        steps = check_path(steps, state=state, warm_handoff=referral.warm_handoff, outcome=outcome)
    reason = plain_text(resource.get("statusReason"))
    requested_at = referral.requested_at
    first = stored is None and referral.status == Status.DRAFT
    if not first and stored is None:
        raise _refused_transition()
    if first and not consent_of(referral) and reached - {Status.DRAFT, Status.ENTERED_IN_ERROR}:
        raise Refused(
            "no_consent",
            _("The referral was sent, but the family's consent was not imported with it."),
        )
    appended = (
        None
        if steps is None
        else replay(context, referral, steps, first=first, outcome=outcome, outcome_note=note)
    )
    if appended == 0 and not first:
        raise _refused_transition()  # the same path again, with other content
    if appended is None:
        _one_step(context, referral, state, first=first, reason=reason, outcome=(outcome, note))
    done = "imported" if first else "updated"
    if requested_at is not None and referral.requested_at != requested_at:
        referral.requested_at = requested_at  # when it was sent elsewhere, not the import
        referral.save(update_fields=["requested_at"])
    _stamp(context, referral, resource)
    keep_confidential(context, referral, resource)
    return done, referral


def _refused_transition() -> Refused:
    return Refused(
        "transition_refused",
        _(
            "The referral's state here does not lead to the state in this line; an imported "
            "referral is not rewritten."
        ),
    )


def _one_step(
    context: "Context",
    referral: Referral,
    state: str,
    *,
    first: bool,
    reason: str,
    outcome: tuple[str, str],
) -> None:
    """A Task without a path (another system's), or one whose path does not continue the
    events here: the state it reached in one imported event, the first time from the draft,
    later a step the state table allows."""
    if not first and state not in TRANSITIONS[referral.status]:
        raise _refused_transition()
    if first and state == Status.DRAFT:
        return
    try:
        move(
            context.actor,
            referral,
            state,
            side=Side.SYSTEM,
            at=context.at,
            reason=reason,
            outcome=outcome[0],
            outcome_note=outcome[1],
            label=imported_label(),
            check=not first,
        )
    except InvalidTransition as refused:
        raise Refused("transition_refused", " ".join(refused.messages)) from None


def import_consents(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    handle_lines("Consent", lines, context, result, apply_consent)


def import_tasks(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    handle_lines("Task", lines, context, result, apply_task)
