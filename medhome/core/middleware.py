import uuid
from collections.abc import Callable
from ipaddress import ip_address, ip_network

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from . import clock
from .request_context import request_id_var


class TrustedProxyMiddleware:
    """The client's own address in REMOTE_ADDR behind the deployment's proxies, so the limits
    counted per address (failed logins with django-axes and allauth, wrong family-link tokens)
    count each client, not the proxy. Only when the direct peer is one of
    MEDHOME_TRUSTED_PROXIES is X-Forwarded-For read, from the right (the entry the nearest
    proxy added) past the trusted proxies; entries further left are the client's to forge and
    are never used. Without the setting nothing is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.proxies = [
            ip_network(n.strip(), strict=False) for n in settings.MEDHOME_TRUSTED_PROXIES
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.proxies:
            request.META["REMOTE_ADDR"] = self.client_address(request.META)
        return self.get_response(request)

    def client_address(self, meta: dict) -> str:
        peer = str(meta.get("REMOTE_ADDR", ""))
        if not self._trusted(peer):
            return peer
        hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        for hop in reversed([hop for hop in hops if hop]):
            if not self._trusted(hop):
                return hop if _is_address(hop) else peer
        return peer

    def _trusted(self, address: str) -> bool:
        if not _is_address(address):
            return False
        found = ip_address(address)
        return any(found in network for network in self.proxies)


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


class RequestIdMiddleware:
    """Gives each request an id for the audit trail and the logs (never PHI)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Pages are not kept by the browser or a proxy (OWASP ASVS V8.2.1): a chart, a huddle sheet
    or a family's link page left in a shared computer's cache would be read by the next person.
    Static files are answered before this middleware (whitenoise) and keep their long caching; a
    view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class HtmxLoginRedirectMiddleware:
    """An htmx request from an expired session is sent to the login page as a whole page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_htmx = bool(getattr(request, "htmx", False))
        login_url = resolve_url(settings.LOGIN_URL)
        if is_htmx and response.status_code == 302 and response["Location"].startswith(login_url):
            response.status_code = 204
            response["HX-Redirect"] = login_url
        return response


SESSION_STARTED_KEY = "medhome_session_started"
SESSION_RENEWED_KEY = "medhome_session_renewed"


class SessionTimeoutsMiddleware:
    """Ends any session older than MEDHOME_SESSION_MAX_SECONDS, however active (HIPAA logoff),
    and keeps the idle timeout (the session's age, SESSION_COOKIE_AGE) sliding.

    The session's expiry moves on when it is saved. Saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) wrote the session row and waited for the commit on every page,
    reads included: with 20 staff clicking without pause, Today and the chart served 15-19 %
    fewer pages a second for it (docs/benchmarks.md, "Seventh run"). So a request saves it only
    when it was last renewed MEDHOME_SESSION_RENEW_SECONDS ago or more (or changed it): a session
    then ends between SESSION_COOKIE_AGE minus that interval and SESSION_COOKIE_AGE after its
    last request, never later.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = int(clock.now().timestamp())
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.MEDHOME_SESSION_MAX_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        _renew_idle_timeout(request.session, now)
        return response


def stamp_signed_in_session(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """At sign-in (user_logged_in), which saves the session anyway: the session starts, and is
    renewed, now; so the pages that follow within the renewal interval write nothing."""
    now = int(clock.now().timestamp())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_RENEWED_KEY] = now


def _renew_idle_timeout(session: SessionBase, now: int) -> None:
    # A request without a session has nothing to renew; nor has one whose session had expired
    # (read by request.user above) or was ended by the view (logout): saving it would start a
    # new, empty session.
    if session.is_empty():
        return
    renewed = session.get(SESSION_RENEWED_KEY, 0)
    if session.modified or now - renewed >= settings.MEDHOME_SESSION_RENEW_SECONDS:
        session[SESSION_RENEWED_KEY] = now
