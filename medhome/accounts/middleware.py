from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Where a logged-in user without a second factor may still go: the account pages (to set it up,
# or to log out), language switching, static files and the health and readiness checks.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/readyz")


class RequireMfaMiddleware:
    """With MEDHOME_REQUIRE_MFA, a staff user reaches no page until a TOTP app is set up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.MEDHOME_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not is_mfa_enabled(request.user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
