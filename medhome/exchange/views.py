"""The subscription notification endpoint a partner's server calls (R5 Subscriptions Backport,
id-only payload: interop-codes §1.8 task-6/task-7).

`POST /exchange/notify/<endpoint id>` with the endpoint's shared secret in the
`X-Medhome-Exchange-Secret` header. Only the Task ids are read from the notification, and only
the Tasks medhome created on that partner's server are then read back, from its configured
base URL: no URL in the payload is ever fetched (security.md, SSRF). Unknown or inactive
endpoint → 404; a missing or wrong secret → 401; both without detail.
"""

import hmac
import json
import re
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from medhome.core import clock

from .client import secret
from .selectors import active_endpoint
from .sync import poll

SECRET_HEADER = "X-Medhome-Exchange-Secret"  # noqa: S105  # a header name
TASK_URL = re.compile(r"(?:^|/)Task/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]*)?$")
MAX_IDS = 50
MAX_BODY = 256 * 1024


def task_ids(payload: object) -> list[str]:
    """The Task ids of an id-only notification Bundle (entries' fullUrl or resource id)."""
    if not isinstance(payload, dict) or payload.get("resourceType") != "Bundle":
        return []
    ids: list[str] = []
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        resource = entry.get("resource")
        if isinstance(resource, dict) and resource.get("resourceType") == "Task":
            candidate = str(resource.get("id") or "")
        else:
            match = TASK_URL.search(str(entry.get("fullUrl") or ""))
            candidate = match.group(1) if match else ""
        if candidate and re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", candidate):
            ids.append(candidate)
    return list(dict.fromkeys(ids))[:MAX_IDS]


@csrf_exempt
@require_POST
def notify(request: HttpRequest, endpoint_id: UUID) -> HttpResponse:
    endpoint = active_endpoint(endpoint_id)
    if endpoint is None:
        return HttpResponse(status=404)
    expected = secret(endpoint.notify_secret_env)
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        return HttpResponse(status=401)
    if len(request.body) > MAX_BODY:
        return HttpResponse(status=413)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "the notification is not JSON"}, status=400)
    ids = task_ids(payload)
    read = poll(now=clock.now(), endpoint=endpoint, task_ids=ids) if ids else 0
    return JsonResponse({"read": read})
