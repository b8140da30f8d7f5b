"""The outbox, the template preview and a family's texts. Thin: parse, one read, render."""

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.vocabulary import Channel

from . import preview as preview_samples
from . import selectors
from .models import MessageChannel, MessageStatus

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
