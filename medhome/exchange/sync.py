"""Sending referrals to partners' FHIR servers and reading their Tasks back (the Gravity
"direct" pattern as Referral Source, shared/docs/domain/interop-codes.md §1.6–1.8).

Three idempotent state sweeps (jobs.py), each safe to run twice or on two workers at once:

- `send_pending`: sent referrals of organizations with an active endpoint and no RemoteTask yet
  get one (unique per referral), then every unconfirmed RemoteTask is pushed under a short
  claim. A retry first searches the partner by the referral's identifier, so a POST whose answer
  was lost is adopted, never repeated.
- `poll`: `GET Task?_id=…` for the Tasks still open (the IG's id query, task-7); each change
  moves the referral through `referrals.states.moves.move` exactly as the organization portal's
  change does (side "organization", the organization's name, the same event, audit and
  follow-up-task settling). A change the table refuses is recorded on the RemoteTask as a
  problem, never raised.
- `cancel_revoked`: a referral the practice cancelled or whose consent was revoked has its
  partner Task set `cancelled` (GET, then PUT with the new status).
"""

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.fhir.resources import sdohcc
from medhome.referrals.acting import CONSENT_REVOKED, consent_of, locked
from medhome.referrals.models import Outcome, Referral
from medhome.referrals.selectors import partner_view
from medhome.referrals.states import (
    SET_BY,
    TERMINAL,
    TRANSITIONS,
    InvalidTransition,
    Side,
    Status,
    check_transition,
    from_fhir_task_status,
)
from medhome.referrals.states.moves import move

from . import client
from .models import PartnerEndpoint, RemoteState, RemoteTask

log = logging.getLogger(__name__)

CLAIM = timedelta(minutes=5)
ROLE = "exchange"
REMOTE_TASK_OBJECT = "remote_task"
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
# The partner's Task statuses after which nothing changes (interop-codes §1.4).
REMOTE_TERMINAL = frozenset({"rejected", "cancelled", "completed", "failed", "entered-in-error"})
POLL_BATCH = 50


def exchange_actor(referral: Referral) -> Actor:
    """The organization acting through its server: no user here, the referral's practice for
    the audit chain, the organization for the event's label."""
    return Actor(
        user=None, practice=referral.practice, role=ROLE, organization=referral.organization
    )


def _problem(remote: RemoteTask, text: str, now: datetime, *, failure: bool = False) -> None:
    remote.last_problem = text[:300]
    remote.last_problem_at = now
    fields = ["last_problem", "last_problem_at"]
    if failure:
        remote.failures += 1
        fields.append("failures")
    remote.save(update_fields=fields)
    log.warning("exchange problem on remote task %s: %s", remote.pk, text[:300])


# --- sending --------------------------------------------------------------------------------


def _claim(remote: RemoteTask, now: datetime) -> bool:
    """Take the row for CLAIM (one conditional UPDATE: two workers never both win)."""
    won = (
        RemoteTask.objects.filter(pk=remote.pk, state=RemoteState.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )
    return won == 1


def _references(referral: Referral) -> dict[str, dict[str, Any]]:
    practice = referral.practice
    return {
        "requester": {
            "identifier": {"system": "urn:medhome:practice", "value": str(practice.pk)},
            "display": str(practice.name),
        },
        "owner": {
            "identifier": {
                "system": "urn:medhome:organization",
                "value": str(referral.organization_id),
            },
            "display": str(referral.organization.name),
        },
    }


def outgoing(referral: Referral, *, service_request_id: str = "") -> dict[str, dict[str, Any]]:
    """The ServiceRequest and Task medhome sends: the consented minimum only
    (referrals.selectors.partner_view, the organization portal's own selector), the Patient and
    the Consent contained."""
    view = partner_view(referral)
    refs = _references(referral)
    patient = sdohcc.minimum_patient(referral, view, resource_id="patient")
    consent_row = consent_of(referral)
    assert consent_row is not None  # sending requires it (referrals.states.moves.move)
    consent = sdohcc.consent(
        consent_row, patient={"reference": "#patient"}, organization=refs["owner"]
    )
    consent["id"] = "consent"
    del consent["sourceReference"]
    consent["sourceAttachment"] = {"title": "Consent recorded at the referring practice"}
    service_request = sdohcc.service_request(
        referral,
        view,
        patient={"reference": "#patient"},
        requester=refs["requester"],
        performer=refs["owner"],
        consent={"reference": "#consent"},
    )
    service_request["contained"] = [patient, consent]
    del service_request["id"]
    task = sdohcc.task(
        referral,
        resource_id="x",
        focus={"reference": f"ServiceRequest/{service_request_id or 'pending'}"},
        patient={"reference": "#patient"},
        requester=refs["requester"],
        owner=refs["owner"],
        with_reason=False,
    )
    del task["id"]
    task["contained"] = [patient]
    return {"ServiceRequest": service_request, "Task": task}


def _find_or_create(endpoint: PartnerEndpoint, resource: dict[str, Any], referral: Referral) -> str:
    """The id of the partner's resource for this referral: found by identifier, else created."""
    kind = resource["resourceType"]
    token = f"{sdohcc.REFERRAL_IDENTIFIER_SYSTEM}|{referral.pk}"
    found = client.search(endpoint, kind, identifier=token)
    created = found[0] if found else client.request(endpoint, "POST", kind, body=resource)
    resource_id = str(created.get("id") or "")
    if not FHIR_ID.match(resource_id):
        raise client.ExchangeError(f"{kind} created without a valid id")
    return resource_id


def push(remote: RemoteTask, now: datetime) -> bool:
    """Create the partner's ServiceRequest and Task for one claimed RemoteTask."""
    referral = Referral.objects.select_related("child", "organization", "practice", "service").get(
        pk=remote.referral_id
    )
    consent = consent_of(referral)
    if consent is None or not consent.is_active or referral.status in TERMINAL:
        # Withdrawn before it left: nothing is sent.
        remote.state = RemoteState.CANCELLED
        remote.claimed_until = None
        remote.save(update_fields=["state", "claimed_until"])
        return False
    endpoint = remote.endpoint
    try:
        payload = outgoing(referral)
        sr_id = _find_or_create(endpoint, payload["ServiceRequest"], referral)
        payload = outgoing(referral, service_request_id=sr_id)
        task_id = _find_or_create(endpoint, payload["Task"], referral)
    except client.ExchangeError as error:
        remote.claimed_until = None
        remote.save(update_fields=["claimed_until"])
        _problem(remote, str(error), now, failure=True)
        return False
    remote.service_request_id = sr_id
    remote.task_id = task_id
    remote.state = RemoteState.SENT
    remote.sent_at = now
    remote.remote_status = payload["Task"]["status"]
    remote.failures = 0
    remote.claimed_until = None
    remote.save()
    # The disclosure, on the practice's chain: what went where, no PHI.
    record(
        actor=exchange_actor(referral),
        action=Action.EXPORT,
        object_type=REMOTE_TASK_OBJECT,
        object_id=remote.pk,
        at=now,
        practice=referral.practice,
        detail={
            "referral": str(referral.pk),
            "endpoint": str(endpoint.pk),
            "shared": sorted(consent.shared_items),
        },
    )
    return True


def send_pending(*, now: datetime) -> int:
    """Claim a RemoteTask for every newly sent referral of an endpoint organization, then push
    the unconfirmed ones. Returns how many were sent."""
    # An imported referral was sent by the system it came from: never sent again.
    new = (
        Referral.objects.native()
        .filter(
            status=Status.REQUESTED,
            organization__fhir_endpoint__is_active=True,
            consent__revoked_at__isnull=True,
            remote_task__isnull=True,
        )
        .values_list("pk", "organization__fhir_endpoint")
    )
    for referral_id, endpoint_id in new:
        try:
            with transaction.atomic():
                RemoteTask.objects.create(referral_id=referral_id, endpoint_id=endpoint_id)
        except IntegrityError:
            continue  # another worker claimed it first
    sent = 0
    pending = RemoteTask.objects.filter(
        state=RemoteState.PENDING, endpoint__is_active=True
    ).select_related("endpoint")
    for remote in pending:
        if _claim(remote, now) and push(remote, now):
            sent += 1
    return sent


# --- reading the partner's Tasks back ---------------------------------------------------------


def _business_status(task: dict[str, Any]) -> str:
    concept = task.get("businessStatus") or {}
    if not isinstance(concept, dict):
        return ""
    codes = [c.get("code") for c in concept.get("coding") or [] if isinstance(c, dict)]
    return str(concept.get("text") or next((c for c in codes if c), "") or "")[:100]


def _reason(task: dict[str, Any]) -> str:
    concept = task.get("statusReason") or {}
    return str(concept.get("text") or "")[:500] if isinstance(concept, dict) else ""


def _outcome(business: str) -> str:
    """A partner that names one of medhome's outcomes in businessStatus is read; any other
    completion is "need met" (the IG's `completed`: the requested service was delivered)."""
    value = business.strip().lower().replace("-", "_")
    return value if value in Outcome.values else Outcome.NEED_MET


def _path(current: str, target: str) -> list[str]:
    """The states from `current` to `target`. A partner polled after it accepted and then
    finished reports only the last state; acceptance is implied by the IG's state diagram
    (interop-codes §1.4: nothing is completed, started or paused that was not accepted)."""
    if target in TRANSITIONS[current]:
        return [target]
    if Status.ACCEPTED in TRANSITIONS[current] and target in TRANSITIONS[Status.ACCEPTED]:
        return [Status.ACCEPTED, target]
    return [target]  # refused by check_transition below, with its message


def apply_task(remote: RemoteTask, task: dict[str, Any], now: datetime) -> None:
    """Bring the referral to the partner Task's state; a refusal is a recorded problem."""
    status = str(task.get("status") or "")
    business = _business_status(task)
    remote.last_polled_at = now
    remote.remote_version = str((task.get("meta") or {}).get("versionId") or "")[:64]
    remote.save(update_fields=["last_polled_at", "remote_version"])
    if status == remote.remote_status and business == remote.remote_business_status:
        return
    try:
        target = from_fhir_task_status(status, business)
    except ValueError:
        _problem(remote, f"partner Task status {status[:20]!r} is not a referral Task status", now)
        return
    try:
        with transaction.atomic():
            referral = locked(remote.referral)
            if target != referral.status:
                _move_as_partner(referral, target, task, business, now)
            remote.remote_status = status[:20]
            remote.remote_business_status = business
            if status in REMOTE_TERMINAL:
                remote.state = RemoteState.DONE
            remote.save(update_fields=["remote_status", "remote_business_status", "state"])
    except InvalidTransition:
        _problem(remote, f"partner moved the Task to {status!r}: not allowed from this state", now)


def _move_as_partner(
    referral: Referral, target: str, task: dict[str, Any], business: str, now: datetime
) -> None:
    if Side.ORGANIZATION not in SET_BY[target]:
        raise InvalidTransition("only the referring practice sets this state")
    actor = exchange_actor(referral)
    for step in _path(referral.status, target):
        final = step == target
        outcome = _outcome(business) if final and step == Status.COMPLETED else ""
        # The table and the outcome are checked; the IG's statusReason is asked of medhome's
        # own users but a partner's update without it is not refused (domain-reference §7).
        check_transition(referral.status, step, side=Side.SYSTEM, outcome=outcome)
        referral = move(
            actor,
            referral,
            step,
            side=Side.ORGANIZATION,
            at=now,
            reason=_reason(task) if final else "",
            outcome=outcome,
            check=False,
        )


def poll(*, now: datetime, endpoint: PartnerEndpoint | None = None, task_ids: Any = None) -> int:
    """Read the open Tasks back (optionally one endpoint's named Tasks, for a notification).
    Returns how many Tasks were read."""
    remotes = RemoteTask.objects.filter(
        state=RemoteState.SENT, endpoint__is_active=True
    ).select_related("endpoint", "referral")
    if endpoint is not None:
        remotes = remotes.filter(endpoint=endpoint)
    if task_ids is not None:
        remotes = remotes.filter(task_id__in=list(task_ids))
    by_endpoint: dict[Any, list[RemoteTask]] = {}
    for remote in remotes:
        by_endpoint.setdefault(remote.endpoint_id, []).append(remote)
    read = 0
    for group in by_endpoint.values():
        for start in range(0, len(group), POLL_BATCH):
            batch = {r.task_id: r for r in group[start : start + POLL_BATCH]}
            target = group[0].endpoint
            try:
                tasks = client.search(target, "Task", _id=",".join(batch))
            except client.ExchangeError as error:
                for remote in batch.values():
                    _problem(remote, str(error), now, failure=True)
                continue
            for task in tasks:
                known = batch.get(str(task.get("id")))
                if known is not None:
                    apply_task(known, task, now)
                    read += 1
        group[0].endpoint.polled_at = now
        group[0].endpoint.save(update_fields=["polled_at"])
    return read


# --- cancelling ---------------------------------------------------------------------------------


def cancel_revoked(*, now: datetime) -> int:
    """Set `cancelled` on the partner's Task of every referral cancelled or entered in error
    here, or whose consent was revoked (interop-codes §1.4: `cancelled` may be set by the
    requester). Returns how many Tasks were cancelled."""
    due = (
        RemoteTask.objects.filter(state=RemoteState.SENT, endpoint__is_active=True)
        .filter(
            Q(referral__status__in=[Status.CANCELLED, Status.ENTERED_IN_ERROR])
            | Q(referral__consent__revoked_at__isnull=False)
        )
        .select_related("endpoint", "referral")
    )
    cancelled = 0
    for remote in due:
        if not FHIR_ID.match(remote.task_id):
            _problem(remote, "stored Task id is not a FHIR id", now)
            continue
        consent = consent_of(remote.referral)
        revoked = consent is not None and not consent.is_active
        try:
            task = client.request(remote.endpoint, "GET", f"Task/{remote.task_id}")
            if task.get("status") not in REMOTE_TERMINAL:
                task["status"] = "cancelled"
                task["statusReason"] = {"text": CONSENT_REVOKED if revoked else "cancelled"}
                client.request(remote.endpoint, "PUT", f"Task/{remote.task_id}", body=task)
        except client.ExchangeError as error:
            _problem(remote, str(error), now, failure=True)
            continue
        remote.state = RemoteState.CANCELLED
        remote.remote_status = "cancelled"
        remote.save(update_fields=["state", "remote_status"])
        cancelled += 1
    return cancelled


def sweep(*, now: datetime) -> int:
    """The send job: cancellations first (a revoked consent stops everything), then sends."""
    return cancel_revoked(now=now) + send_pending(now=now)
