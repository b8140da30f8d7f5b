from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

# Where a logged-in user without a second factor may still go: the account pages (to set it up,
# or to log out), language switching, static files and the health and readiness checks.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/readyz")


class RequireMfaMiddleware:
    """With MEDHOME_REQUIRE_MFA, a staff user reaches no page until a second factor is set up.

    Either factor counts (an authenticator app or a passkey), the same two allauth's sign-in step
    asks for; recovery codes alone do not. The redirect goes to the page offering both.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.MEDHOME_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not is_mfa_enabled(request.user, SECOND_FACTORS)
        ):
            return redirect("mfa_index")
        return self.get_response(request)
