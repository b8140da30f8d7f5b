"""The languages page: a colleague's own ("My languages") and, for the practice admin, a
member's. One page, one form per action; the domain work is in language_services."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.languages import language_choices, language_name
from medhome.core.params import optional_id
from medhome.core.requests import AuthedRequest

from . import language_services as services
from . import selectors
from .forms import AddLanguageForm, ChangeLanguageForm
from .models import StaffLanguage
from .speakers import languages_of


@requires()
@require_http_methods(["GET", "POST"])
def my_languages(request: AuthedRequest) -> HttpResponse:
    return _page(request, request.user, here=reverse("staff:my_languages"), own=True)


@requires(Capability.USERS_MANAGE)
@require_http_methods(["GET", "POST"])
def member_languages(request: AuthedRequest, membership_id: UUID) -> HttpResponse:
    membership = selectors.access_membership(request.actor, membership_id)
    here = reverse("staff:member_languages", kwargs={"membership_id": membership.pk})
    return _page(request, membership.user, here=here, own=False, membership=membership)


def _row(request: AuthedRequest, user: Any) -> StaffLanguage:
    row_id = optional_id(request.POST, "row")
    row = StaffLanguage.objects.filter(user=user, pk=row_id).first() if row_id else None
    if row is None:
        raise Http404
    return row


def _page(request: AuthedRequest, user: Any, *, here: str, own: bool, membership=None):
    add = AddLanguageForm()
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "add":
            add = AddLanguageForm(request.POST)
            if add.is_valid():
                row = services.add_language(
                    actor=request.actor, user=user, at=clock.now(), **add.cleaned_data
                )
                messages.success(
                    request, _("%(language)s added.") % {"language": language_name(row.language)}
                )
                return redirect(here)
        elif action == "change":
            row = _row(request, user)
            change = ChangeLanguageForm(request.POST)
            services.change_language(
                actor=request.actor,
                row=row,
                proficiency=change.data.get("proficiency", ""),
                at=clock.now(),
            )
            messages.success(request, _("The change is saved."))
            return redirect(here)
        elif action == "remove":
            row = _row(request, user)
            services.remove_language(actor=request.actor, row=row, at=clock.now())
            messages.success(
                request, _("%(language)s removed.") % {"language": language_name(row.language)}
            )
            return redirect(here)
    except ValidationError as invalid:
        if action == "add":
            attach_errors(add, invalid)
        else:
            messages.error(request, " ".join(invalid.messages))
            return redirect(here)
    rows = [
        (row, ChangeLanguageForm(initial={"proficiency": row.proficiency}))
        for row in languages_of(user)
    ]
    return render(
        request,
        "staff/languages.html",
        {
            "person": user,
            "own": own,
            "membership": membership,
            "rows": [(row, language_name(row.language), form) for row, form in rows],
            "form": add,
            "common": language_choices(),
        },
        status=400 if add.errors else 200,
    )
