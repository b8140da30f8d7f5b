"""The family's referral-status page: where each referral stands and how to reach the service.

What it lists is the referrals app's rule (family_visible_referrals), for the caregiver the
link was made for; the link is reusable until it expires or staff revoke it.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from medhome.directory import selectors as directory
from medhome.portal.models import FamilyLink, Purpose
from medhome.referrals.selectors import family_visible_referrals

from .door import family_page


@require_http_methods(["GET"])
@family_page(Purpose.REFERRAL_STATUS)
def family_status(
    request: HttpRequest, link: FamilyLink, token: str, language: str
) -> HttpResponse:
    rows = [
        (referral, directory.service_detail(referral.service_id) if referral.service_id else None)
        for referral in family_visible_referrals(child=link.child, caregiver=link.caregiver)
    ]
    return render(
        request,
        "portal/referrals/status.html",
        {"link": link, "rows": rows, "language": language},
    )
