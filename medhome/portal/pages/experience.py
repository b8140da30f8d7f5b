"""The family's experience survey after a visit (medhome.experience; docs/clinical-rules.md
#family-experience): one question per row, an optional comment and "you may show my name with
my comment" (off by default), all or nothing, in the page's language.

Single use: once answered, the link (and any other link of the same invitation) shows a kind
"already answered, thank you" page in the family's language, never the invalid-link page, and
a second submit is counted once.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from medhome.core import clock
from medhome.experience import definitions, services
from medhome.experience.models import Invitation
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose

from .door import language_of, open_or_refuse, refused


def _thanks(request: HttpRequest, link: FamilyLink | None, language: str) -> HttpResponse:
    with translation.override(language):
        return render(
            request, "portal/experience/thanks.html", {"link": link, "language": language}
        )


def _items(survey: definitions.Survey, language: str, chosen: dict[str, str]) -> list[dict]:
    return [
        {
            "key": item.key,
            "number": item.number,
            "text": item.text.get(language) or item.text["en"],
            "options": [
                {
                    "code": o.code,
                    "text": o.text.get(language) or o.text["en"],
                    "checked": chosen.get(item.key) == o.code,
                }
                for o in item.options
            ],
        }
        for item in survey.items
    ]


@require_http_methods(["GET", "POST"])
@never_cache
def family_survey(request: HttpRequest, token: str) -> HttpResponse:
    opened = open_or_refuse(request, token, Purpose.EXPERIENCE)
    if isinstance(opened, HttpResponse):
        return opened
    if isinstance(opened, links.LinkInvalid):
        if opened.reason == "used":
            return _thanks(request, opened.link, language_of(request, opened.link))
        return refused(request, opened.reason, opened.link)
    link = opened
    language = language_of(request, link)
    invitation = services.invitation_of_link(link)
    if invitation is None:
        return refused(request, "unknown", link)
    if Invitation.objects.filter(pk=invitation.pk, response__isnull=False).exists():
        return _thanks(request, link, language)
    with translation.override(language):
        return _page(request, link, token, language, invitation)


def _page(
    request: HttpRequest, link: FamilyLink, token: str, language: str, invitation: Invitation
) -> HttpResponse:
    survey = definitions.get(invitation.survey_key)
    chosen: dict[str, str] = {}
    comment, may_show_name = "", False
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        chosen = {item.key: request.POST.get(f"item-{item.key}", "") for item in survey.items}
        comment = request.POST.get("comment", "")
        may_show_name = request.POST.get("may_show_name") == "on"
        try:
            services.answer_by_family(
                link=link,
                invitation=invitation,
                answers=chosen,
                comment=comment,
                may_show_name=may_show_name,
                language=language,
                at=clock.now(),
                request_id=getattr(request, "request_id", ""),
            )
        except services.AlreadyAnswered:
            return _thanks(request, link, language)
        except ValidationError as invalid:
            errors = {key: messages[0] for key, messages in invalid.message_dict.items()}
            status = 400
        else:
            return redirect(reverse("portal:experience", args=[token]) + f"?lang={language}")
    return render(
        request,
        "portal/experience/survey.html",
        {
            "link": link,
            "token": token,
            "language": language,
            "survey_title": survey.title.get(language) or survey.title["en"],
            "items": _items(survey, language, chosen),
            "comment": comment,
            "may_show_name": may_show_name,
            "errors": errors,
            "comment_max": services.setting("comment_max_chars"),
        },
        status=status,
    )
