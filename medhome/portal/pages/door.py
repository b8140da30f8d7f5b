"""The one door to every family page: throttle guessing, open the link, pick the page's
language, or answer with the one invalid-link page.

The invalid page says no more than "this link does not work / has expired / was stopped": 404
for an unknown token, 410 for an expired, revoked or used one. Guessing is limited per client
address: after MEDHOME_FAMILY_LINK_GUESSES wrong tokens in a minute, every family page answers
429 with Retry-After until the minute is over. The counter lives in Django's cache (local
memory unless CACHES says otherwise; with several server processes, point CACHES at a shared
cache so the limit holds across them).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from medhome.core import clock
from medhome.portal import links
from medhome.portal.models import FamilyLink

WINDOW_SECONDS = 60
DEFAULT_GUESSES_PER_WINDOW = 20


def _guess_limit() -> int:
    return int(getattr(settings, "MEDHOME_FAMILY_LINK_GUESSES", DEFAULT_GUESSES_PER_WINDOW))


def _guess_key(request: HttpRequest) -> tuple[str, int]:
    window = int(clock.now().timestamp()) // WINDOW_SECONDS
    # REMOTE_ADDR only: a forwarded-for header is the client's to forge. Behind the deployment's
    # own proxies core.middleware.TrustedProxyMiddleware has put the client's address there.
    address = request.META.get("REMOTE_ADDR", "")
    return f"portal:guesses:{address}:{window}", (window + 1) * WINDOW_SECONDS


def _throttled(request: HttpRequest) -> int:
    """Seconds until this address may try again, or 0."""
    key, window_ends = _guess_key(request)
    if (cache.get(key) or 0) >= _guess_limit():
        return max(1, window_ends - int(clock.now().timestamp()))
    return 0


def _count_guess(request: HttpRequest) -> None:
    key, _ends = _guess_key(request)
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)


def language_of(request: HttpRequest, link: FamilyLink | None) -> str:
    chosen = request.GET.get("lang") or request.POST.get("lang")
    return links.page_language(
        chosen=chosen, link=link, browser=translation.get_language_from_request(request)
    )


def refused(request: HttpRequest, reason: str, link: FamilyLink | None = None) -> HttpResponse:
    """The one page for a link that cannot be used, in the family's language, with no detail."""
    language = language_of(request, link)
    status = {"unknown": 404, "throttled": 429}.get(reason, 410)
    with translation.override(language):
        response = render(
            request,
            "portal/invalid.html",
            {"reason": reason, "language": language, "purpose": link.purpose if link else ""},
            status=status,
        )
    return response


def open_or_refuse(
    request: HttpRequest, token: str, purpose: str
) -> FamilyLink | links.LinkInvalid | HttpResponse:
    """The link, the reason it cannot be used, or the 429 answer."""
    wait = _throttled(request)
    if wait:
        response = refused(request, "throttled")
        response["Retry-After"] = str(wait)
        return response
    try:
        return links.open_link(token, purpose=purpose, at=clock.now())
    except links.LinkInvalid as problem:
        if problem.reason == "unknown":
            _count_guess(request)
        return problem


def family_page(purpose: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """Open the token's link of this purpose, or answer with the invalid page; the view runs
    in the page's language as view(request, link, token, language, **kwargs)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
            opened = open_or_refuse(request, token, purpose)
            if isinstance(opened, HttpResponse):
                return opened
            if isinstance(opened, links.LinkInvalid):
                return refused(request, opened.reason, opened.link)
            language = language_of(request, opened)
            with translation.override(language):
                return view(request, opened, token, language, *args, **kwargs)

        return never_cache(wrapped)

    return decorate
