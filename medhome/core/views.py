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
    return render(
        request, "errors/500.html", {"request_id": getattr(request, "request_id", "")}, status=500
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an old or foreign page: say how to recover, in plain words."""
    return render(request, "errors/csrf.html", status=403)
