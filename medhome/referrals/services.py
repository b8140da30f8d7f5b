"""Every write to referrals: one function per use case, in one transaction, audited.

Practice staff need REFERRAL_SEND in the referral's practice; an organization's staff
(actor.is_partner) need REFERRAL_RESPOND, an active membership of the organization the
referral is addressed to, and the family's consent still standing (domain-reference §7).
The audit trail of the referral's practice records both sides' actions, field names only.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.directory.models import Organization, PracticePartner, Service
from medhome.directory.vocabulary import NEED_FOR_SCREENING_DOMAIN, Need
from medhome.families.models import Caregiver, Child
from medhome.practices.models import Practice
from medhome.screening.models import Administration
from medhome.screening.models import Status as ScreeningStatus
from medhome.tasks.models import Task, TaskKind, TaskStatus
from medhome.tasks.services import cancel_tasks_for, open_task

from .followup import close_due, response_due
from .models import (
    ConsentMethod,
    Priority,
    Referral,
    ReferralConsent,
    ReferralEvent,
    ReferralMessage,
    ReferralSettings,
    SharedItem,
    Source,
)
from .selectors import has_active_partner_membership
from .states import (
    AWAITING_RESPONSE,
    TERMINAL,
    InvalidTransition,
    Side,
    Status,
    allowed_targets,
    check_transition,
)

REFERRAL_OBJECT = "referral"
CONSENT_OBJECT = "referral_consent"
MESSAGE_OBJECT = "referral_message"
TASK_SOURCE = "referral"
# Kept in the record as data (both sides read it), so not translated at write time.
CONSENT_REVOKED = "consent revoked"
# Confidentiality follows the respondent from the 11-year visit on (domain-reference §11): an
# adolescent may consent for their own confidential items from then.
ADOLESCENT_CONSENT_AGE = 11
MESSAGE_MAX_LENGTH = 5000


STATUS_CHOICES = Status.choices


class StaleReferral(ValidationError):
    """Someone else changed this referral since the page was opened."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this referral since you opened it. Reload and try again."),
            code="stale",
        )


# --- who may act ------------------------------------------------------------------------------


def _user(actor: Actor) -> Any:
    return actor.user if getattr(actor.user, "pk", None) else None


def _require_staff(actor: Actor, practice_id: Any) -> None:
    if (
        actor.is_partner
        or not actor.can(Capability.REFERRAL_SEND)
        or practice_id != actor.practice_id
        or _user(actor) is None
    ):
        raise PermissionDenied(_("You cannot refer families of this practice."))


def _require_partner(actor: Actor, referral: Referral) -> None:
    """The organization's staff reach a referral addressed to them, sent, while consent stands."""
    consent = _consent_of(referral)
    if (
        not actor.is_partner
        or not actor.can(Capability.REFERRAL_RESPOND)
        or referral.organization_id != getattr(actor.organization, "pk", None)
        or referral.status in (Status.DRAFT, Status.ENTERED_IN_ERROR)
        or consent is None
        or not consent.is_active
        or consent.organization_id != referral.organization_id
        or not has_active_partner_membership(actor.user, actor.organization)
    ):
        raise PermissionDenied(_("This referral is not open to your organization."))


def _side_of(actor: Actor, referral: Referral) -> str:
    if actor.is_partner:
        _require_partner(actor, referral)
        return Side.ORGANIZATION
    _require_staff(actor, referral.practice_id)
    return Side.PRACTICE


def _label(actor: Actor, side: str, referral: Referral) -> str:
    if side == Side.ORGANIZATION:
        return str(referral.organization.name)[:200]
    user = _user(actor)
    return str(user)[:200] if user else actor.role or "system"


def _consent_of(referral: Referral) -> ReferralConsent | None:
    try:
        return ReferralConsent.objects.get(referral_id=referral.pk)
    except ReferralConsent.DoesNotExist:
        return None


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update()
        .select_related("organization", "practice", "child")
        .get(pk=referral.pk)
    )


def _audit(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    *,
    practice: Practice,
    at: datetime,
    fields: list[str],
) -> None:
    record(
        actor=actor,
        action=Action(action),
        object_type=object_type,
        object_id=object_id,
        at=at,
        practice=practice,
        detail={"fields": sorted(set(fields))},
    )


# --- starting a referral ----------------------------------------------------------------------


def suggested_needs(administration: Administration) -> list[Need]:
    """The needs a positive screen suggests, in the screen's order, each once."""
    needs: list[Need] = []
    for domain in administration.positive_domains or []:
        need = NEED_FOR_SCREENING_DOMAIN.get(domain)
        if need is not None and Need(need) not in needs:
            needs.append(Need(need))
    return needs


def _organization(organization: Organization | UUID | str) -> Organization:
    pk = organization.pk if isinstance(organization, Organization) else organization
    try:
        return Organization.objects.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError) as missing:
        raise ValidationError(
            {"organization": [_("Choose an organization from the directory.")]}
        ) from missing


@transaction.atomic
def start_referral(
    *,
    actor: Actor,
    child: Child,
    need: str,
    organization: Organization | UUID | str,
    service: Service | None = None,
    priority: str = Priority.ROUTINE,
    reason: str,
    source_administration: Administration | None = None,
    source: str | None = None,
    at: datetime,
) -> Referral:
    """A draft referral; it reaches the organization only when sent with the family's consent.

    `source` defaults to screening when `source_administration` is given, else manual.
    """
    _require_staff(actor, child.practice_id)
    errors: dict[str, list[str]] = {}
    if need not in Need.values:
        errors["need"] = [_("Choose the need the family is referred for.")]
    if priority not in Priority.values:
        errors["priority"] = [_("Choose routine or urgent.")]
    if not reason.strip():
        errors["reason"] = [_("Say why the family is referred.")]
    source = source or (Source.SCREENING if source_administration else Source.MANUAL)
    if source not in Source.values:
        errors["source"] = [_("Choose where the referral started.")]
    if source_administration is not None:
        if source_administration.child_id != child.pk:
            errors["source_administration"] = [_("That screen belongs to another child.")]
        elif source_administration.status != ScreeningStatus.SCORED or not (
            source_administration.positive or source_administration.positive_domains
        ):
            errors["source_administration"] = [_("A referral follows only a positive screen.")]
    organization = _organization(organization)
    if service is not None:
        service_org = getattr(service, "organization_id", None)
        if service_org != organization.pk:
            errors["service"] = [_("That service is not offered by this organization.")]
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        practice=child.practice,
        child=child,
        need=need,
        organization=organization,
        service=service,
        priority=priority,
        reason=reason.strip(),
        source=source,
        source_administration=source_administration,
        created_by=_user(actor),
        created_at=at,
    )
    ReferralEvent.objects.create(
        referral=referral,
        from_status="",
        to_status=Status.DRAFT,
        at=at,
        actor=_user(actor),
        actor_label=_label(actor, Side.PRACTICE, referral),
        side=Side.PRACTICE,
    )
    _audit(
        actor,
        Action.CREATE,
        REFERRAL_OBJECT,
        referral.pk,
        practice=referral.practice,
        at=at,
        fields=["child", "need", "organization", "service", "priority", "reason", "source"],
    )
    return referral


# --- consent ----------------------------------------------------------------------------------


def _age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@transaction.atomic
def record_consent(
    *,
    actor: Actor,
    referral: Referral,
    caregiver: Caregiver | None = None,
    adolescent: bool = False,
    shared_items: list[str],
    notes_to_share: str = "",
    method: str,
    at: datetime,
) -> ReferralConsent:
    """The family's consent to share the named items with the referral's organization.

    Recorded before sending (the referral is a draft). Recording again on a draft replaces the
    earlier consent (a revoked one included): nothing has been shared yet.
    """
    _require_staff(actor, referral.practice_id)
    referral = _locked(referral)
    if referral.status != Status.DRAFT:
        raise ValidationError(
            _("Consent is recorded before the referral is sent. Start a new referral instead.")
        )
    errors: dict[str, list[str]] = {}
    if (caregiver is None) == (not adolescent):
        errors["given_by"] = [
            _("Say who gave consent: a caregiver, or the adolescent for their own items.")
        ]
    elif caregiver is not None and (
        caregiver.practice_id != referral.practice_id
        or caregiver.family_id != referral.child.family_id
    ):
        errors["given_by"] = [_("That caregiver is not in this child's family.")]
    elif adolescent and (
        _age_in_years(referral.child.date_of_birth, at.date()) < ADOLESCENT_CONSENT_AGE
    ):
        errors["given_by"] = [
            _("Only an adolescent (%(age)s or older) consents for their own items.")
            % {"age": ADOLESCENT_CONSENT_AGE}
        ]
    items = list(dict.fromkeys(shared_items))
    if unknown := [item for item in items if item not in SharedItem.values]:
        errors["shared_items"] = [
            _("These cannot be shared: %(items)s.") % {"items": ", ".join(map(str, unknown))}
        ]
    elif SharedItem.NEED not in items:
        errors["shared_items"] = [
            _("The organization must at least learn the need; otherwise do not send it.")
        ]
    elif referral.need == Need.SAFETY and SharedItem.CONTACT in items:
        # §7: a safety referral never uses a channel the family has not marked safe, and the
        # family record cannot mark a channel safe yet, so no contact is shared.
        errors["shared_items"] = [
            _(
                "For a safety referral medhome shares no contact details: it cannot yet record "
                "which phone or address is safe. Let the family contact the organization."
            )
        ]
    notes_to_share = notes_to_share.strip()
    if notes_to_share and SharedItem.NOTES not in items:
        errors["notes_to_share"] = [_("Tick “notes” if the family agreed to share these words.")]
    if method not in ConsentMethod.values:
        errors["method"] = [_("Say how consent was given: verbal, written or portal.")]
    if errors:
        raise ValidationError(errors)
    values = {
        "practice": referral.practice,
        "given_by_caregiver": caregiver,
        "given_by_adolescent": adolescent,
        "organization_id": referral.organization_id,
        "shared_items": sorted(items),
        "notes_to_share": notes_to_share,
        "method": method,
        "recorded_by": _user(actor),
        "given_at": at,
        "revoked_at": None,
        "revoked_by": None,
        "revoke_reason": "",
    }
    consent, created = ReferralConsent.objects.update_or_create(referral=referral, defaults=values)
    _audit(
        actor,
        Action.CREATE if created else Action.UPDATE,
        CONSENT_OBJECT,
        consent.pk,
        practice=referral.practice,
        at=at,
        fields=[k.removesuffix("_id") for k in values if k != "practice"],
    )
    return consent


@transaction.atomic
def revoke_consent(*, actor: Actor, referral: Referral, reason: str, at: datetime) -> Referral:
    """The family withdraws consent: the organization's access ends at once (partner selectors
    and services read the revocation), and a referral still under way is cancelled."""
    _require_staff(actor, referral.practice_id)
    referral = _locked(referral)
    consent = _consent_of(referral)
    if consent is None or not consent.is_active:
        raise ValidationError(_("There is no consent in force to revoke."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why consent is revoked.")]})
    consent.revoked_at = at
    consent.revoked_by = _user(actor)
    consent.revoke_reason = reason.strip()[:500]
    consent.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _audit(
        actor,
        Action.UPDATE,
        CONSENT_OBJECT,
        consent.pk,
        practice=referral.practice,
        at=at,
        fields=["revoked_at", "revoked_by", "revoke_reason"],
    )
    # A draft has reached no one, and draft → cancelled is not in the table (§7): it stays a
    # draft that cannot be sent without a new consent.
    if referral.status not in TERMINAL and referral.status != Status.DRAFT:
        _transition(
            actor,
            referral,
            Status.CANCELLED,
            side=Side.PRACTICE,
            reason=CONSENT_REVOKED,
            at=at,
        )
    return referral


# --- changes of state -------------------------------------------------------------------------


def _transition(
    actor: Actor,
    referral: Referral,
    to_status: str,
    *,
    side: str,
    at: datetime,
    reason: str = "",
    outcome: str = "",
    outcome_note: str = "",
    label: str | None = None,
    check: bool = True,
) -> Referral:
    """Validate, apply, record the event, audit, and settle the follow-up tasks."""
    reason = reason.strip()
    from_status = referral.status
    if check:
        check_transition(from_status, to_status, side=side, reason=reason, outcome=outcome)
    if to_status == Status.REQUESTED:
        consent = _consent_of(referral)
        if (
            consent is None
            or not consent.is_active
            or consent.organization_id != referral.organization_id
        ):
            # medhome rule (§7): nothing leaves without the family's consent to share the named
            # items with the named organization.
            raise InvalidTransition(
                _("Record the family's consent to share with this organization before sending.")
            )
    fields = ["status", "status_reason", "version"]
    referral.status = to_status
    referral.status_reason = reason[:500]
    referral.version += 1
    first_response = False
    if to_status == Status.REQUESTED:
        referral.requested_at = at
        fields.append("requested_at")
    if (
        (side == Side.ORGANIZATION or to_status == Status.ACCEPTED)
        and to_status != Status.RECEIVED
        and referral.first_response_at is None
    ):
        referral.first_response_at = at
        first_response = True
        fields.append("first_response_at")
    if to_status in TERMINAL and referral.closed_at is None:
        referral.closed_at = at
        fields.append("closed_at")
    if to_status == Status.COMPLETED:
        referral.outcome = outcome
        referral.outcome_note = outcome_note.strip()
        fields += ["outcome", "outcome_note"]
    referral.save(update_fields=fields)
    ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        at=at,
        actor=_user(actor),
        actor_label=label or _label(actor, side, referral),
        side=side,
        reason=reason[:500],
        version=referral.version,
    )
    _audit(
        actor,
        Action.UPDATE,
        REFERRAL_OBJECT,
        referral.pk,
        practice=referral.practice,
        at=at,
        fields=fields,
    )
    if to_status in TERMINAL:
        cancel_tasks_for(TASK_SOURCE, referral.pk, at=at, actor=_task_actor(actor, referral))
    elif first_response:
        cancel_tasks_for(
            TASK_SOURCE,
            referral.pk,
            TaskKind.REFERRAL_NO_RESPONSE,
            at=at,
            actor=_task_actor(actor, referral),
        )
    return referral


def _task_actor(actor: Actor, referral: Referral) -> Actor:
    """The audit actor for the tasks a change settles, inside the referral's practice."""
    if actor.practice is not None:
        return actor
    return Actor(
        user=actor.user,
        practice=referral.practice,
        role=actor.role,
        organization=actor.organization,
        request_id=actor.request_id,
    )


@transaction.atomic
def send(*, actor: Actor, referral: Referral, at: datetime) -> Referral:
    """Draft → requested; refused without the family's consent naming this organization."""
    _require_staff(actor, referral.practice_id)
    referral = _locked(referral)
    return _transition(actor, referral, Status.REQUESTED, side=Side.PRACTICE, at=at)


@transaction.atomic
def change_status(
    *,
    actor: Actor,
    referral: Referral,
    to_status: str,
    reason: str = "",
    outcome: str = "",
    outcome_note: str = "",
    expected_version: int | None = None,
    at: datetime,
) -> Referral:
    """Any change of state by either side, validated against states.py (§7 table)."""
    # Checked on the locked row: consent may have been revoked a moment ago.
    referral = _locked(referral)
    side = _side_of(actor, referral)
    if expected_version is not None and referral.version != expected_version:
        raise StaleReferral
    return _transition(
        actor,
        referral,
        to_status,
        side=side,
        at=at,
        reason=reason,
        outcome=outcome,
        outcome_note=outcome_note,
    )


@transaction.atomic
def partner_opened(*, actor: Actor, referral: Referral, at: datetime) -> Referral:
    """The organization's staff opened the referral: audited, and a sent referral becomes
    `received` (medhome rule, §7) — seen but not yet decided, still awaiting a response."""
    referral = _locked(referral)
    _require_partner(actor, referral)
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=REFERRAL_OBJECT,
        object_id=referral.pk,
        at=at,
        practice=referral.practice,
    )
    if referral.status == Status.REQUESTED:
        referral = _transition(actor, referral, Status.RECEIVED, side=Side.ORGANIZATION, at=at)
    return referral


mark_received = partner_opened  # the name the organization's views use


def _is_on_site_partner(practice: Practice, organization_id: Any) -> bool:
    return PracticePartner.objects.filter(
        practice=practice, organization_id=organization_id, on_site=True
    ).exists()


@transaction.atomic
def warm_handoff(*, actor: Actor, referral: Referral, at: datetime) -> Referral:
    """An on-site partner meets the family in the clinic and takes the referral the same day:
    practice staff record the acceptance on the organization's behalf (issue 4 §5). A draft
    with consent is sent first."""
    _require_staff(actor, referral.practice_id)
    referral = _locked(referral)
    if not _is_on_site_partner(referral.practice, referral.organization_id):
        raise ValidationError(
            _("A warm hand-off is for organizations your practice lists as on site.")
        )
    if referral.status == Status.DRAFT:
        referral = _transition(actor, referral, Status.REQUESTED, side=Side.PRACTICE, at=at)
    if referral.status not in AWAITING_RESPONSE:
        raise InvalidTransition(
            _("Only a referral waiting for the organization can be handed off.")
        )
    referral.warm_handoff = True
    referral.save(update_fields=["warm_handoff"])
    user = _user(actor)
    label = _("%(staff)s, warm hand-off to %(organization)s") % {
        "staff": user,
        "organization": referral.organization.name,
    }
    # The state is the organization's to set; here staff record it for the partner in the room,
    # so the table is checked for the move itself but not for the side.
    check_transition(referral.status, Status.ACCEPTED, side=Side.ORGANIZATION)
    referral = _transition(
        actor,
        referral,
        Status.ACCEPTED,
        side=Side.PRACTICE,
        at=at,
        label=label[:200],
        check=False,
    )
    _audit(
        actor,
        Action.UPDATE,
        REFERRAL_OBJECT,
        referral.pk,
        practice=referral.practice,
        at=at,
        fields=["warm_handoff"],
    )
    return referral


def is_on_site(referral: Referral) -> bool:
    """Whether the practice lists the referral's organization as on site (warm hand-off)."""
    return _is_on_site_partner(referral.practice, referral.organization_id)


def _choices(referral: Referral, side: str, *, leave_out: set[str]) -> list[tuple[str, str]]:
    return [
        (state, str(Status(state).label))
        for state in allowed_targets(referral.status, side)
        if state not in leave_out
    ]


def practice_transitions(referral: Referral) -> list[tuple[str, str]]:
    """(state, label) the practice may choose now; sending goes through consent (send())."""
    return _choices(referral, Side.PRACTICE, leave_out={Status.REQUESTED})


def organization_transitions(referral: Referral) -> list[tuple[str, str]]:
    """(state, label) the organization may choose now; `received` is set on opening."""
    return _choices(referral, Side.ORGANIZATION, leave_out={Status.RECEIVED})


# --- reads that leave a trace ---------------------------------------------------------------


def record_opened(*, actor: Actor, referral: Referral, at: datetime) -> None:
    """Practice staff opened the referral (a PHI view, audited)."""
    _require_staff(actor, referral.practice_id)
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=REFERRAL_OBJECT,
        object_id=referral.pk,
        at=at,
        practice=referral.practice,
    )


def record_printed(*, actor: Actor, referral: Referral, at: datetime) -> None:
    """The family's summary was printed or handed over (audited)."""
    _require_staff(actor, referral.practice_id)
    record(
        actor=actor,
        action=Action.PRINT,
        object_type=REFERRAL_OBJECT,
        object_id=referral.pk,
        at=at,
        practice=referral.practice,
    )


# --- messages ---------------------------------------------------------------------------------


@transaction.atomic
def post_message(*, actor: Actor, referral: Referral, body: str, at: datetime) -> ReferralMessage:
    referral = _locked(referral)
    side = _side_of(actor, referral)
    body = body.strip()
    if not body:
        raise ValidationError({"body": [_("Write a message.")]})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": [_("Keep a message under %(n)s characters.") % {"n": MESSAGE_MAX_LENGTH}]}
        )
    message = ReferralMessage.objects.create(
        referral=referral, author=_user(actor), side=side, body=body, at=at
    )
    _audit(
        actor,
        Action.CREATE,
        MESSAGE_OBJECT,
        message.pk,
        practice=referral.practice,
        at=at,
        fields=["body"],
    )
    return message


# --- follow-ups -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    kind: str
    due_at: datetime


def _task_title(referral: Referral, kind: str, settings: ReferralSettings) -> str:
    words = {"need": referral.get_need_display(), "organization": referral.organization.name}
    if kind == TaskKind.REFERRAL_NO_RESPONSE:
        if referral.priority == Priority.URGENT:
            words["wait"] = _("%(n)s hours") % {"n": settings.urgent_response_hours}
        else:
            words["wait"] = _("%(n)s business days") % {"n": settings.response_business_days}
        return (
            _(
                "%(need)s referral to %(organization)s: no response after %(wait)s. "
                "Call the organization or the family."
            )
            % words
        )
    words["days"] = str(settings.close_days)
    return (
        _(
            "%(need)s referral to %(organization)s: not closed after %(days)s days. "
            "Ask the organization and the family how it went."
        )
        % words
    )


def _dues(referral: Referral, settings: ReferralSettings, now: datetime) -> list[_Due]:
    dues = []
    if referral.status in AWAITING_RESPONSE and referral.first_response_at is None:
        due = response_due(referral, settings)
        if due is not None and due <= now:
            dues.append(_Due(TaskKind.REFERRAL_NO_RESPONSE, due))
    if referral.status not in TERMINAL:
        due = close_due(referral, settings)
        if due is not None and due <= now:
            dues.append(_Due(TaskKind.REFERRAL_NOT_CLOSED, due))
    return dues


def sweep_follow_ups(*, now: datetime, practice: Practice | None = None) -> int:
    """Open the care coordinator's follow-up tasks that are due (§7), for every practice or one;
    cancel those of referrals that have since closed. Idempotent: the tasks' dedupe keys are
    f"referral:{id}:{kind}". Returns how many tasks were created."""
    practices = (
        Practice.objects.filter(pk__in=Referral.objects.values("practice"))
        if practice is None
        else [practice]
    )
    created = 0
    for each in practices:
        with transaction.atomic():
            created += _sweep_practice(each, now)
    return created


def _sweep_practice(practice: Practice, now: datetime) -> int:
    settings = settings_for(practice)
    created = 0
    # Anything sent and not closed may be due; the exact rules run per row below. A response
    # due after N business days is never earlier than N calendar days, so the window is safe.
    candidates = (
        Referral.objects.for_practice(practice)
        .filter(requested_at__isnull=False, requested_at__lte=now)
        .exclude(status__in=[*TERMINAL, Status.DRAFT])
        .select_related("organization", "child")
    )
    for referral in candidates.iterator():
        for due in _dues(referral, settings, now):
            _, was_created = open_task(
                practice=practice,
                child=referral.child,
                kind=due.kind,
                title=_task_title(referral, due.kind, settings),
                due_at=due.due_at,
                source_type=TASK_SOURCE,
                source_id=referral.pk,
                dedupe_key=f"referral:{referral.pk}:{due.kind}",
                at=now,
            )
            created += was_created
    # A referral closed by a path that did not settle its tasks (or before this code existed).
    open_sources = set(
        Task.objects.for_practice(practice)
        .filter(source_type=TASK_SOURCE, status=TaskStatus.OPEN)
        .values_list("source_id", flat=True)
    )
    if open_sources:
        closed = Referral.objects.for_practice(practice).filter(
            pk__in=list(open_sources), status__in=TERMINAL
        )
        for referral_id in closed.values_list("pk", flat=True):
            cancel_tasks_for(TASK_SOURCE, referral_id, at=now)
    return created


# --- settings ---------------------------------------------------------------------------------


def settings_for(practice: Practice) -> ReferralSettings:
    """The practice's follow-up settings, created with the defaults the first time."""
    settings, _created = ReferralSettings.objects.get_or_create(practice=practice)
    return settings


@transaction.atomic
def update_settings(
    *,
    actor: Actor,
    response_business_days: int,
    close_days: int,
    urgent_response_hours: int,
    holidays: list[str],
    at: datetime,
) -> ReferralSettings:
    """Change the practice's follow-up rules (those who curate the partner list may)."""
    if actor.is_partner or not actor.can(Capability.DIRECTORY_CURATE):
        raise PermissionDenied(_("You cannot change this practice's referral settings."))
    errors: dict[str, list[str]] = {}
    if not 1 <= response_business_days <= 30:
        errors["response_business_days"] = [_("Between 1 and 30 business days.")]
    if not 1 <= close_days <= 365:
        errors["close_days"] = [_("Between 1 and 365 days.")]
    if not 1 <= urgent_response_hours <= 72:
        errors["urgent_response_hours"] = [_("Between 1 and 72 hours.")]
    days: list[str] = []
    for value in holidays:
        try:
            days.append(date.fromisoformat(str(value).strip()).isoformat())
        except ValueError:
            errors["holidays"] = [_("Write each holiday as a date, e.g. 2026-07-03.")]
            break
    if errors:
        raise ValidationError(errors)
    settings = ReferralSettings.objects.select_for_update().get(pk=settings_for(actor.practice).pk)
    settings.response_business_days = response_business_days
    settings.close_days = close_days
    settings.urgent_response_hours = urgent_response_hours
    settings.holidays = sorted(set(days))
    settings.save()
    _audit(
        actor,
        Action.UPDATE,
        "referral_settings",
        settings.pk,
        practice=actor.practice,
        at=at,
        fields=["response_business_days", "close_days", "urgent_response_hours", "holidays"],
    )
    return settings
