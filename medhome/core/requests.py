from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .actor import Actor


class AuthedRequest(HttpRequest):
    """What our middleware adds to every request (for type checkers; built at run time)."""

    actor: Actor
    htmx: HtmxDetails
    request_id: str
