"""The provider's webhooks: delivery receipts and the family's texts.

CSRF-exempt (the provider has no session) and checked instead by the provider's signature
(gateways.signatures) over the URL medhome is configured to be reached at
(MEDHOME_MESSAGING["public_url"] + the path) and the posted parameters; a bad or missing
signature is refused with 403 and logged without the number or the text. The inbound URL names
the practice by its id in the query string (no PHI in URLs).
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from medhome.core import clock
from medhome.core.params import optional_id

from .gateways.signatures import is_valid
from .rules import setting
from .services.replies import practice_for_inbound, receive_text, record_receipt

log = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _signed(request: HttpRequest) -> bool:
    url = str(setting("public_url")).rstrip("/") + request.get_full_path()
    params = [(name, value) for name in request.POST for value in request.POST.getlist(name)]
    token = getattr(settings, "MEDHOME_SMS_WEBHOOK_TOKEN", "")
    if is_valid(url, params, token, request.headers.get("X-Twilio-Signature")):
        return True
    # The path and whether a signature came: never the number, the text or the signature.
    log.warning(
        "messaging: webhook refused, bad signature (path=%s, signed=%s)",
        request.path,
        "X-Twilio-Signature" in request.headers,
    )
    return False


def _twiml() -> HttpResponse:
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponseForbidden()
    record_receipt(
        gateway_message_id=request.POST.get("MessageSid", "")[:100],
        status=request.POST.get("MessageStatus", "") or request.POST.get("SmsStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
        at=clock.now(),
    )
    return _twiml()


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponseForbidden()
    practice_id = optional_id(request.GET, "practice")  # malformed: core's 400
    practice = practice_for_inbound(practice_id) if practice_id else None
    if practice is None:
        return HttpResponse(status=404)
    receive_text(
        practice=practice,
        from_number=request.POST.get("From", "")[:20],
        body=request.POST.get("Body", ""),
        gateway_message_id=request.POST.get("MessageSid", "")[:100],
        at=clock.now(),
    )
    return _twiml()
