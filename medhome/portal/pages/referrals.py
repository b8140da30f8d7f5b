"""The family's referral-status page: where each referral stands and how to reach the service,
and, for each one still open, "Did you get help from …?" with the family's answers.

What it lists is the referrals app's rule (family_visible_referrals), for the caregiver the
link was made for; the link is reusable until it expires or staff revoke it. An answer is a
POST to the same page, one per click, recorded by the referrals app as the family link's actor
(referrals.services.family_answers); the page then shows itself again with a thank-you.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core import clock
from medhome.directory import selectors as directory
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose
from medhome.referrals.models import FamilyAnswer
from medhome.referrals.selectors import family_visible_referrals
from medhome.referrals.services import family_answers
from medhome.referrals.states import TERMINAL

from .door import family_page


def _context(link: FamilyLink, token: str, language: str) -> dict[str, Any]:
    rows = [
        (
            referral,
            directory.service_detail(referral.service_id) if referral.service_id else None,
            referral.status not in TERMINAL,
        )
        for referral in family_visible_referrals(child=link.child, caregiver=link.caregiver)
    ]
    return {
        "link": link,
        "token": token,
        "rows": rows,
        "language": language,
        "answers": FamilyAnswer.choices,
    }


@require_http_methods(["GET", "POST"])
@family_page(Purpose.REFERRAL_STATUS)
def family_status(
    request: HttpRequest, link: FamilyLink, token: str, language: str
) -> HttpResponse:
    if request.method == "GET":
        context = _context(link, token, language)
        context["thanks"] = request.GET.get("thanks") == "1"
        # The family read these referrals of the child's record: one audit append for all.
        with transaction.atomic():
            record_many(
                actor=links.family_actor(link, getattr(request, "request_id", "")),
                entries=[
                    Entry(action=Action.VIEW, object_type="referral", object_id=row[0].pk)
                    for row in context["rows"]
                ],
                at=clock.now(),
                practice=link.practice,
            )
        return render(request, "portal/referrals/status.html", context)
    try:
        family_answers.record_family_answer(
            actor=links.family_actor(link, getattr(request, "request_id", "")),
            child=link.child,
            caregiver=link.caregiver,
            referral_id=request.POST.get("referral", ""),
            answer=request.POST.get("answer", ""),
            at=clock.now(),
        )
    except family_answers.NotOnThisLink:
        problem, status = _("This referral is not on your page."), 404
    except ValidationError as refused:
        problem, status = " ".join(refused.messages), 400
    else:
        return redirect(
            reverse("portal:referral_status", args=[token]) + f"?lang={language}&thanks=1"
        )
    context = _context(link, token, language)
    context["problem"] = problem
    return render(request, "portal/referrals/status.html", context, status=status)
