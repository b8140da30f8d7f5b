"""The referral's life: states, who may set each, the allowed changes, and the FHIR mapping.

Source: docs/clinical-rules.md#referral-states (Gravity SDOH Clinical Care workflow, medhome rules)
and shared/docs/domain/interop-codes.md §1.4 (SDOHCC Referral Task status values and the state
diagram). This module holds no models so that both models and services read one table.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    REQUESTED = "requested", gettext_lazy("Sent")
    # medhome's own state (§7 "medhome rule — the received state"): the organization has opened
    # the referral and is deciding. Not an SDOHCC Task status (interop-codes §1.4): exported as
    # requested + businessStatus "received".
    RECEIVED = "received", gettext_lazy("Received")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    REJECTED = "rejected", gettext_lazy("Declined by the organization")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    ON_HOLD = "on_hold", gettext_lazy("On hold")
    # A context of their own: the same English words label visits and tasks, whose Spanish
    # takes another gender ("referido" is masculine).
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("referral status", "Cancelled")
    FAILED = "failed", gettext_lazy("Could not be completed")
    ENTERED_IN_ERROR = "entered_in_error", gettext_lazy("Entered in error")


class Side(models.TextChoices):
    PRACTICE = "practice", gettext_lazy("Practice")
    ORGANIZATION = "organization", gettext_lazy("Organization")
    # A change no person made here: e.g. an update arriving from a partner's FHIR server.
    SYSTEM = "system", gettext_lazy("System")
    # The family itself, answering on its referral-status link (medhome rule,
    # docs/clinical-rules.md#referral-follow-up): the published workflow has no such party.
    FAMILY = "family", gettext_lazy("Family")


class Outcome(models.TextChoices):
    NEED_MET = "need_met", gettext_lazy("Need met")
    PARTLY_MET = "partly_met", gettext_lazy("Need partly met")
    NOT_MET = "not_met", gettext_lazy("Need not met")
    FAMILY_DECLINED = "family_declined", gettext_lazy("Family declined")
    UNABLE_TO_REACH = "unable_to_reach", gettext_lazy("Unable to reach the family")


S = Status

# docs/clinical-rules.md#referral-states table = interop-codes §1.4 state diagram, plus medhome's
# `received` (requested → received → accepted/rejected/cancelled). "any → entered-in-error" is added
# below.
_TABLE: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.REQUESTED}),
    S.REQUESTED: frozenset({S.RECEIVED, S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.IN_PROGRESS, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset(),
    S.ENTERED_IN_ERROR: frozenset(),
}
TRANSITIONS: dict[str, frozenset[str]] = {
    source: targets | ({S.ENTERED_IN_ERROR} if source != S.ENTERED_IN_ERROR else set())
    for source, targets in _TABLE.items()
}

# After a rejection the practice starts a new referral (interop-codes §1.4).
TERMINAL = frozenset({S.REJECTED, S.CANCELLED, S.COMPLETED, S.FAILED, S.ENTERED_IN_ERROR})
# The organization has not yet decided: the states the "no response" follow-up watches.
AWAITING_RESPONSE = frozenset({S.REQUESTED, S.RECEIVED})

# Who sets what (interop-codes §1.4 "Set by"; `cancelled` by either; `received` is the
# organization opening the referral). medhome rule (docs/clinical-rules.md#referral-follow-up):
# the family closes its own loop, completing (need met) where the table allows completion, or
# cancelling because it no longer needs the help.
SET_BY: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({Side.PRACTICE}),
    S.REQUESTED: frozenset({Side.PRACTICE}),
    S.ENTERED_IN_ERROR: frozenset({Side.PRACTICE}),
    S.CANCELLED: frozenset({Side.PRACTICE, Side.ORGANIZATION, Side.FAMILY}),
    **{
        state: frozenset({Side.ORGANIZATION})
        for state in (S.RECEIVED, S.ACCEPTED, S.REJECTED, S.IN_PROGRESS, S.ON_HOLD)
    },
    S.COMPLETED: frozenset({Side.ORGANIZATION, Side.FAMILY}),
    S.FAILED: frozenset({Side.ORGANIZATION}),
}
# The family says only that it got help: whether the need was met in part or not at all is the
# organization's and the team's to judge.
FAMILY_OUTCOMES = frozenset({Outcome.NEED_MET})

# The IG asks for statusReason text on these (interop-codes §1.3); medhome asks its own users
# (practice staff and the organization's staff in medhome's portal) and does not refuse a
# system update that lacks it (docs/clinical-rules.md#referral-states).
REASON_REQUIRED = frozenset({S.REJECTED, S.CANCELLED, S.ON_HOLD, S.FAILED})


class InvalidTransition(ValidationError):
    """A change of state the workflow does not allow, with the reason in the staff's words."""


def allowed_targets(from_status: str, side: str) -> list[str]:
    """The states `side` may move a referral to from `from_status` (for buttons)."""
    return [
        state.value
        for state in Status
        if state in TRANSITIONS[from_status] and side in SET_BY[state]
    ]


def check_transition(
    from_status: str,
    to_status: str,
    *,
    side: str,
    reason: str = "",
    outcome: str = "",
    require_reason: bool = True,
) -> None:
    """Raise InvalidTransition unless `side` may move a referral from → to with these details.
    `require_reason` False: a path another system recorded, which is not refused for a reason
    it did not keep, as a partner's update is not (docs/clinical-rules.md#referral-states)."""
    if to_status not in Status.values:
        raise InvalidTransition(_("“%(status)s” is not a referral state.") % {"status": to_status})
    if to_status not in TRANSITIONS[from_status]:
        raise InvalidTransition(
            _("A referral that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    if side not in SET_BY[to_status] and side != Side.SYSTEM:
        if side == Side.FAMILY:
            message = _("A family cannot mark a referral “%(to)s”.")
        elif Side.ORGANIZATION in SET_BY[to_status]:
            message = _("Only the organization can mark a referral “%(to)s”.")
        else:
            message = _("Only the referring practice can mark a referral “%(to)s”.")
        raise InvalidTransition(message % {"to": Status(to_status).label})
    if (
        require_reason
        and to_status in REASON_REQUIRED
        and side != Side.SYSTEM
        and not reason.strip()
    ):
        raise InvalidTransition(
            _("Say why the referral is “%(to)s”.") % {"to": Status(to_status).label},
            code="reason_required",
        )
    if to_status == S.COMPLETED:
        if outcome not in Outcome.values:
            raise InvalidTransition(
                _("Record the outcome to complete the referral."), code="outcome_required"
            )
        if side == Side.FAMILY and outcome not in FAMILY_OUTCOMES:
            raise InvalidTransition(_("A family completes a referral only as “need met”."))
    elif outcome:
        raise InvalidTransition(_("An outcome is recorded only when the referral is completed."))


# --- FHIR Task.status (SDOHCC Referral Task Status, interop-codes §1.4) ------------------------

RECEIVED_BUSINESS_STATUS = "received"


def to_fhir_task_status(status: str) -> tuple[str, str]:
    """(Task.status, Task.businessStatus text) for a medhome state."""
    if status == S.RECEIVED:
        return "requested", RECEIVED_BUSINESS_STATUS
    return Status(status).value.replace("_", "-"), ""


def from_fhir_task_status(status: str, business_status: str = "") -> str:
    """The medhome state of an incoming Task; `requested` with businessStatus "received" →
    received, every other status one to one. ValueError on a status outside the value set
    (`ready` and `received` are excluded by the IG's required binding)."""
    if status == "requested" and business_status.strip().lower() == RECEIVED_BUSINESS_STATUS:
        return S.RECEIVED
    state = status.replace("-", "_")
    if state == S.RECEIVED or state not in Status.values:
        raise ValueError(f"not an SDOHCC referral Task status: {status!r}")
    return state
