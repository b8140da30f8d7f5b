from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor

from .selectors import actor_of_membership, partner_membership_of


class PartnerActorMiddleware:
    """Staff of a community organization act for their organization, never for a practice.

    Runs after practices.ActorMiddleware: a user working in a practice keeps that actor; a user
    whose only role is in a community organization gets an actor for it, and the start page and
    the practice chooser lead to the organization's referrals instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor: Actor | None = getattr(request, "actor", None)
        if actor is not None and actor.user is not None and not actor.is_in_practice:
            membership = partner_membership_of(actor.user)
            if membership is not None:
                partner = actor_of_membership(
                    membership, user=actor.user, request_id=actor.request_id
                )
                request.actor = partner  # type: ignore[attr-defined]
                if request.path in ("/", reverse("practices:choose")):
                    # An outside member of a care team has no referrals to answer.
                    if partner.can(Capability.REFERRAL_RESPOND):
                        return redirect("referrals:partner_inbox")
                    return redirect("careplan:outside_children")
        return self.get_response(request)
