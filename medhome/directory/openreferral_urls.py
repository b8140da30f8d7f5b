"""The Open Referral HSDS 3.0 API (read-only) at /openreferral/<practice id>/ (django-ninja).

Each practice publishes (or not) under its own id, in the mode it chose
(openreferral_access: off, public, token). Paths and parameters: hsds_schema/openapi.json;
what is served and how it is nested: openreferral.py. Errors are JSON
{"status": …, "message": …}: 400 for a parameter the endpoint does not take or cannot read,
401/403 for a missing, unknown, revoked or foreign token, 404 for an unknown id or a practice
that does not publish.
"""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from ninja import NinjaAPI

from . import openreferral
from .openreferral_access import check_access

app_name = "openreferral"

api = NinjaAPI(
    title="medhome Open Referral (HSDS 3.0) API",
    version="3.0",
    urls_namespace="openreferral",
    docs_url=None,  # the standard's openapi.json describes the API; no debug UI
    openapi_url=None,
)


def _error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"status": status, "message": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="openreferral", error="invalid_token"'
    return response


def _guarded(request: HttpRequest, practice_id: str, answer: Callable[[], Any]) -> HttpResponseBase:
    refused = check_access(practice_id, request.headers.get("Authorization", ""))
    if refused is not None:
        return _error(refused.status, refused.message)
    try:
        result = answer()
    except openreferral.BadRequest as error:
        return _error(400, str(error))
    if result is None:
        return _error(404, "No published record has this id.")
    if isinstance(result, HttpResponseBase):
        return result
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})


@api.get("/{practice_id}/", url_name="info")
def info(request: HttpRequest, practice_id: str) -> HttpResponseBase:
    return _guarded(request, practice_id, openreferral.info)


def _collection(name: str) -> None:
    endpoint = openreferral.ENDPOINTS[name]

    def listing(request: HttpRequest, practice_id: str) -> HttpResponseBase:
        def answer() -> Any:
            if request.GET.get("format") == "ndjson":
                lines = openreferral.stream(endpoint, request.GET)
                first = next(lines, None)  # a bad parameter is refused before streaming

                def body() -> Any:
                    if first is not None:
                        yield json.dumps(first, ensure_ascii=False) + "\n"
                    for item in lines:
                        yield json.dumps(item, ensure_ascii=False) + "\n"

                return StreamingHttpResponse(body(), content_type="application/x-ndjson")
            return openreferral.page(endpoint, request.GET)

        return _guarded(request, practice_id, answer)

    def detail(request: HttpRequest, practice_id: str, record_id: str) -> HttpResponseBase:
        return _guarded(
            request, practice_id, lambda: openreferral.one(endpoint, record_id, request.GET)
        )

    listing.__name__ = f"list_{name}"
    detail.__name__ = f"read_{name}"
    api.get(f"/{{practice_id}}/{name}", url_name=name)(listing)
    api.get(f"/{{practice_id}}/{name}/{{record_id}}", url_name=f"{name}_detail")(detail)


for _name in openreferral.ENDPOINTS:
    _collection(_name)

urlpatterns = api.urls[0]
