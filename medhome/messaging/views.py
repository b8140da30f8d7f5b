"""The outbox, the template preview and a family's texts. Thin: parse, one read, render."""

import re
from uuid import UUID, uuid4

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.vocabulary import Channel

from . import preview as preview_samples
from . import selectors, texts
from .models import CallOutcome, Message, MessageChannel, MessageKind, MessageStatus
from .reasons import why_not_sent
from .services import conversation as replies
from .services.calls import record_call
from .services.outreach import practice_name
from .services.planning import reminder_body

CHANNEL_LABELS = {**dict(Channel.choices), **dict(MessageChannel.choices)}


@requires(Capability.MESSAGES_READ)
@require_http_methods(["GET"])
def outbox(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    page = Paginator(
        selectors.outbox(request.actor, status=status), selectors.OUTBOX_PAGE
    ).get_page(request.GET.get("page"))
    rows = page.object_list
    # A message planned for a family who prefers a call, the portal, print or a word in person
    # keeps that channel (the family's own, families.vocabulary.Channel) and is not sent.
    lines = [
        {
            "message": m,
            "to": selectors.mask_address(m.channel, m.to_address),
            "channel": CHANNEL_LABELS.get(m.channel, m.channel),
            "why": why_not_sent(m.error_code) if m.error_code else "",
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
            "page": page,
            "unmatched": unmatched,
            "statuses": MessageStatus.choices,
            "status": status,
        },
    )


@requires(Capability.MESSAGES_READ)
@require_http_methods(["GET"])
def preview(request: AuthedRequest) -> HttpResponse:
    return render(request, "messaging/preview.html", {"samples": preview_samples.samples()})


KEY = re.compile(r"^[0-9a-f-]{36}$")


@requires(Capability.MESSAGES_READ)
@require_http_methods(["GET"])
def child_messages(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = selectors.child_for_messages(request.actor, child_id)
    can_reply = replies.may_reply(request.actor)
    recipients = (
        [
            {
                "caregiver": c,
                "number": selectors.mask_number(str(c.phone)) if c.phone else "",
                "why_not": replies.why_not_textable(c),
            }
            for c in selectors.caregivers_of(request.actor, child)
        ]
        if can_reply
        else []
    )
    return render(
        request,
        "messaging/child.html",
        {
            "child": child,
            "lines": selectors.conversation(request.actor, child),
            "can_reply": can_reply,
            "recipients": recipients,
            "any_textable": any(not r["why_not"] for r in recipients),
            "max_reply": replies.MAX_REPLY,
            "key": uuid4(),
        },
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
    if message.kind == MessageKind.RECALL:
        values = {"practice": practice_name(request.actor.practice)}
        recall = texts.render(MessageKind.RECALL, "paper", message.language, values)
        return recall.body if recall else message.body
    if message.visit is None:
        return message.body
    rendered = reminder_body(
        practice=request.actor.practice,
        starts_at=message.visit.starts_at,
        language=message.language,
        link=None,
        paper=True,
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


@requires(Capability.SCREENING_SEND)
@require_POST
def reply(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """A staff member's text to a caregiver of the child's family, from the conversation page."""
    child = selectors.child_for_messages(request.actor, child_id)
    key = request.POST.get("key", "")
    try:
        outcome = replies.send_staff_reply(
            actor=request.actor,
            child=child,
            caregiver_id=request.POST.get("caregiver", ""),
            text=request.POST.get("text", ""),
            key=key if KEY.match(key) else str(uuid4()),
            at=clock.now(),
        )
    except ValidationError as refused:
        for reason in refused.messages:
            messages.error(request, gettext("Not sent: %(reason)s") % {"reason": reason})
        return redirect(reverse("messaging:child", args=[child.pk]))
    sent = ngettext(
        "Sent as %(n)s text segment.", "Sent as %(n)s text segments.", outcome.segments
    ) % {"n": outcome.segments}
    if outcome.status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        messages.success(request, sent)
    elif outcome.status in (MessageStatus.HELD, MessageStatus.PLANNED):
        messages.warning(
            request,
            gettext("Kept until a good time for the family (their hours, not quiet hours)."),
        )
    else:
        messages.error(
            request,
            gettext("Not sent: the number did not take it (%(code)s). Call the family.")
            % {"code": outcome.message.error_code or outcome.status},
        )
    return redirect(reverse("messaging:child", args=[child.pk]))
