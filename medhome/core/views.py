import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .params import MalformedId


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    return redirect("practices:choose")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


# Error pages show a request id for support and nothing about the request itself.
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Only our own MalformedId carries a message meant for people; other 400s (a foreign
    # host, a broken multipart body) say nothing about what was sent.
    detail = str(exception.args[0]) if isinstance(exception, MalformedId) else ""
    return render(request, "errors/400.html", {"detail": detail}, status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # A full disk is not the app's fault and trying again does not help: say so (503), so the
    # person tells IT rather than retyping. The transaction was rolled back either way.
    full = storage_full(sys.exception())
    return render(
        request,
        "errors/500.html",
        {"request_id": getattr(request, "request_id", ""), "storage_full": full},
        status=503 if full else 500,
    )


# PostgreSQL's disk_full (SQLSTATE 53100, https://www.postgresql.org/docs/15/errcodes-appendix.html)
# and SQLite's SQLITE_FULL ("database or disk is full", https://sqlite.org/rescode.html#full).
DISK_FULL_SQLSTATE = "53100"
SQLITE_FULL_TEXT = "database or disk is full"


def storage_full(error: BaseException | None) -> bool:
    """Whether the request failed because the database could not grow."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == DISK_FULL_SQLSTATE or SQLITE_FULL_TEXT in str(error)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an old or foreign page: say how to recover, in plain words."""
    return render(request, "errors/csrf.html", status=403)
