"""The family's parent-groups page: the practice's open groups and their next meetings, in the
page's language, where the caregiver the link is bound to signs up or withdraws — only
themselves, and never seeing who else signed up (only how many places are left). The link is
reusable until it expires or is revoked."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from medhome.core import clock
from medhome.parentgroups import selectors, services
from medhome.portal.models import FamilyLink, Purpose

from .door import family_page

DONE = ("joined", "withdrawn")


@require_http_methods(["GET", "POST"])
@family_page(Purpose.PARENT_GROUPS)
def family_groups(
    request: HttpRequest, link: FamilyLink, token: str, language: str
) -> HttpResponse:
    now = clock.now()
    refused, status = "", 200
    if request.method == "POST":
        action, group_id = request.POST.get("action"), request.POST.get("group", "")
        request_id = getattr(request, "request_id", "")
        try:
            if action == "join":
                services.family_sign_up(link=link, group_id=group_id, at=now, request_id=request_id)
            elif action == "withdraw":
                services.family_withdraw(
                    link=link, group_id=group_id, at=now, request_id=request_id
                )
            else:
                return HttpResponse(status=400)
        except ValidationError as error:
            refused, status = " ".join(error.messages), 409
        else:
            done = "joined" if action == "join" else "withdrawn"
            url = reverse("portal:parent_groups", args=[token])
            return redirect(f"{url}?lang={language}&done={done}")
    groups = selectors.open_groups_for(link, at=now)
    # Groups held in the family's language first; the others follow, under their own heading.
    base = language.split("-")[0]
    ours = [g for g in groups if any(tag.split("-")[0] == base for tag in g.languages)]
    others = [g for g in groups if g not in ours]
    return render(
        request,
        "portal/parentgroups/groups.html",
        {
            "link": link,
            "token": token,
            "language": language,
            "ours": ours,
            "others": others,
            "refused": refused,
            "done": request.GET.get("done") if request.GET.get("done") in DONE else "",
            "caregiver_name": link.caregiver.given_name,
        },
        status=status,
    )
