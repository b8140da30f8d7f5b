"""The outbox, the template preview and a family's texts. Thin: parse, one read, render."""

from uuid import UUID

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.vocabulary import Channel

from . import preview as preview_samples
from . import selectors
from .models import CallOutcome, Message, MessageChannel, MessageStatus
from .services.calls import record_call
from .services.planning import reminder_body

CHANNEL_LABELS = {**dict(Channel.choices), **dict(MessageChannel.choices)}
WHY_NOT_SENT = {
    "no_channel": _("the family prefers another way: call, portal, print or in person"),
}


@requires(Capability.MESSAGES_READ)
@require_http_methods(["GET"])
def outbox(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = selectors.outbox(request.actor, status=status)[: selectors.OUTBOX_LIMIT]
    # A message planned for a family who prefers a call, the portal, print or a word in person
    # keeps that channel (the family's own, families.vocabulary.Channel) and is not sent.
    lines = [
        {
            "message": m,
            "to": selectors.mask_address(m.channel, m.to_address),
            "channel": CHANNEL_LABELS.get(m.channel, m.channel),
            "why": WHY_NOT_SENT.get(m.error_code, m.error_code),
        }
        for m in rows
    ]
    unmatched = [
        {"text": t, "from": selectors.mask_number(t.from_number)}
        for t in selectors.unmatched_texts(request.actor)[:50]
    ]
    return render(
        request,
        "messaging/outbox.html",
        {
            "lines": lines,
            "unmatched": unmatched,
            "statuses": MessageStatus.choices,
            "status": status,
        },
    )


@requires(Capability.MESSAGES_READ)
@require_http_methods(["GET"])
def preview(request: AuthedRequest) -> HttpResponse:
    return render(request, "messaging/preview.html", {"samples": preview_samples.samples()})


@requires(Capability.MESSAGES_READ)
@require_http_methods(["GET"])
def child_messages(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = selectors.child_for_messages(request.actor, child_id)
    return render(
        request,
        "messaging/child.html",
        {"child": child, "lines": selectors.conversation(request.actor, child)},
    )


def _phone_of(request: AuthedRequest, message: Message) -> str:
    """The caregiver's number as the chart shows it to whoever may open the chart, else masked."""
    phone = message.caregiver.phone if message.caregiver else None
    if not phone:
        return ""
    if request.actor.can(Capability.CHART_READ):
        return str(phone.as_national)
    return selectors.mask_number(str(phone))


def _printed_text(request: AuthedRequest, message: Message) -> str:
    """What the reminder says on paper, in the family's language: the text without a link (a
    family link is never printed: its code is shown once, on the family's own device)."""
    if message.visit is None:
        return message.body
    rendered = reminder_body(
        practice=request.actor.practice,
        starts_at=message.visit.starts_at,
        language=message.language,
        link=None,
    )
    return rendered.body if rendered else message.body


@requires(Capability.MESSAGES_READ)
@require_http_methods(["GET"])
def calls(request: AuthedRequest) -> HttpResponse:
    """Today's reminders for families who prefer a call (with a form per row for the outcome)
    and, apart, those to hand over or mail (a printable list, one line per family)."""
    rows = selectors.reminders_to_work(request.actor, at=clock.now())
    to_call = [
        {"message": m, "phone": _phone_of(request, m)}
        for m in rows
        if m.channel in selectors.CALL_CHANNELS
    ]
    families: dict[object, dict] = {}
    for m in rows:
        if m.channel not in selectors.HAND_CHANNELS or m.caregiver is None:
            continue
        line = families.setdefault(
            m.caregiver.family_id,
            {
                "message": m,
                "child": m.child,
                "how": CHANNEL_LABELS.get(m.channel, m.channel),
                "texts": [],
            },
        )
        line["texts"].append(_printed_text(request, m))
    return render(
        request,
        "messaging/calls.html",
        {
            "to_call": to_call,
            "to_hand": list(families.values()),
            "outcomes": CallOutcome.choices,
            "may_record": request.actor.can(Capability.VISIT_BOOK),
        },
    )


@requires(Capability.MESSAGES_READ)
@require_http_methods(["POST"])
def call_outcome(request: AuthedRequest, reminder_id: UUID) -> HttpResponse:
    message = selectors.access_call(request.actor, reminder_id)
    if not request.actor.can(Capability.VISIT_BOOK):
        raise PermissionDenied
    outcome = request.POST.get("outcome", "")
    if outcome not in CallOutcome.values:
        raise BadRequest(_("Choose how the call went."))
    record_call(actor=request.actor, message=message, outcome=outcome, at=clock.now())
    return redirect("messaging:calls")
