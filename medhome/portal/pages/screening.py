"""The family's pre-visit pages, reached by a one-time link: no account, no staff chrome.

Everything is shown in the page's language (the family may switch to English or Spanish); the
door (door.py) answers an invalid, expired, used or revoked link. The family never sees a score
(docs/clinical-rules.md#critical-answers).
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from medhome.core import clock
from medhome.ehr import family_guidance
from medhome.families.languages import language_name
from medhome.instruments import registry
from medhome.instruments.scoring import InvalidAnswers
from medhome.instruments.texts import wording
from medhome.portal import links
from medhome.portal.models import FamilyLink, Purpose
from medhome.screening import forms, services
from medhome.screening.models import Status
from medhome.screening.presenting import form_items
from medhome.visits import agenda
from medhome.visits.models import AGENDA_MAX

from .door import family_page, language_of, open_or_refuse, refused

FAMILY_LANGUAGES = links.PAGE_LANGUAGES


def wanted_language(request: HttpRequest, link: FamilyLink) -> str:
    """The language the family asked for, which a questionnaire may or may not exist in."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    return chosen if chosen in FAMILY_LANGUAGES else link.language


def form_language_for(available: frozenset[str], wanted: str, page: str) -> str:
    return next((code for code in (wanted, page, "en") if code in available), "en")


def screener_rows(link: FamilyLink, language: str, wanted: str) -> list[dict]:
    submitted = {
        administration.instrument_key: administration.status
        for administration in link.administrations.all()
    }
    rows = []
    for key in link.screeners.instruments:
        instrument = registry.get(key)
        texts = wording(instrument, link.practice)
        rows.append(
            {
                "instrument": instrument,
                "title": instrument.title.get(language)
                or instrument.title.get("en")
                or instrument.name,
                "in_language": wanted in texts.languages_available(),
                "status": submitted.get(key, ""),
                "done": submitted.get(key) in (Status.SCORED, Status.PARTIAL),
            }
        )
    return rows


@require_http_methods(["GET"])
@family_page(Purpose.SCREENING)
def family_start(request: HttpRequest, link: FamilyLink, token: str, language: str) -> HttpResponse:
    return _start_page(request, link, token, language)


@require_http_methods(["GET", "POST"])
@family_page(Purpose.SCREENING)
def family_agenda(
    request: HttpRequest, link: FamilyLink, token: str, language: str
) -> HttpResponse:
    """What the family wants to talk about at the visit, in their words (for the team's huddle;
    docs/clinical-rules.md#huddle-sheet). The box is on the start page, where a GET goes back."""
    if request.method == "GET":
        return redirect(f"{reverse('portal:screening_start', args=[token])}?lang={language}")
    text = request.POST.get("agenda", "")
    try:
        agenda.write_agenda(
            actor=links.family_actor(link, getattr(request, "request_id", "")),
            child=link.child,
            caregiver=link.caregiver,
            link_id=link.pk,
            text=text,
            at=clock.now(),
        )
    except ValidationError as invalid:
        return _start_page(
            request, link, token, language, written=text, error=invalid.messages[0], status=400
        )
    return redirect(f"{reverse('portal:screening_start', args=[token])}?lang={language}&saved=1")


def _start_page(
    request: HttpRequest,
    link: FamilyLink,
    token: str,
    language: str,
    *,
    written: str | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    if written is None:
        own = agenda.written_through(link.pk)
        written = own.text if own else ""
    wanted = wanted_language(request, link)
    return render(
        request,
        "portal/screening/start.html",
        {
            "link": link,
            "token": token,
            "language": language,
            "rows": screener_rows(link, language, wanted),
            "wanted_name": language_name(wanted, in_language=language),
            # The topics of the coming well-child visit, and materials in the family's language.
            "guidance": family_guidance.for_family(link.child, wanted, clock.now()),
            "child_name": link.child.display_name,
            "support": services.link_has_alert(link),
            "agenda": written,
            "agenda_max": AGENDA_MAX,
            "agenda_error": error,
            "agenda_saved": request.GET.get("saved") == "1" and not error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@family_page(Purpose.SCREENING)
def family_form(
    request: HttpRequest, link: FamilyLink, token: str, language: str, instrument_key: str
) -> HttpResponse:
    if instrument_key not in link.screeners.instruments:
        raise Http404
    instrument = registry.get(instrument_key)
    texts = wording(instrument, link.practice)
    # A form with no authored wording in the family's language falls back, and says so.
    wanted = wanted_language(request, link)
    form_language = form_language_for(texts.languages_available(), wanted, language)
    administration = services.family_administration(link, instrument_key, at=clock.now())
    if administration.status == Status.SCORED:
        return redirect("portal:screening_start", token=token)
    errors: dict[str, str] = {}
    skipped: list[str] = []
    actor = links.family_actor(link, getattr(request, "request_id", ""))
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers = forms.answers_from(request.POST, instrument)
        unanswered = [
            item
            for item in instrument.items
            if item.required
            and not (answers.get(item.link_id) or administration.answers.get(item.link_id))
        ]
        submit = action == "submit_anyway" or (action == "submit" and not unanswered)
        try:
            administration = services.save_answers(
                actor=actor,
                administration=administration,
                answers=answers,
                submit=submit,
                at=clock.now(),
            )
        except InvalidAnswers as invalid:
            errors = invalid.errors
        except services.AlreadySubmitted:
            return redirect("portal:screening_start", token=token)
        else:
            if getattr(request, "htmx", False) and action == "autosave":
                return HttpResponse(status=204)
            if submit:
                target = "portal:screening_done" if _all_done(link) else "portal:screening_start"
                return redirect(f"{reverse(target, args=[token])}?lang={language}")
            if action == "submit":
                skipped = [item.link_id for item in unanswered]
            elif action == "save":
                return render(
                    request,
                    "portal/screening/saved.html",
                    {"token": token, "language": language, "link": link},
                )
    return render(
        request,
        "portal/screening/form.html",
        {
            "link": link,
            "token": token,
            "language": language,
            "form_language": form_language,
            "instrument": instrument,
            "title": instrument.title.get(form_language) or instrument.name,
            "preamble": texts.preamble_text(form_language),
            "footer": texts.footer_text(form_language),
            "items": form_items(
                instrument,
                administration,
                language=form_language,
                staff_entry=False,
                posted=request.POST if errors else None,
            ),
            "errors": errors,
            "skipped": len(skipped),
            "unanswered": skipped,
            "fallback": form_language != wanted,
            "wanted_name": language_name(wanted, in_language=language),
        },
        status=400 if errors else 200,
    )


def _all_done(link: FamilyLink) -> bool:
    link.refresh_from_db(fields=["finished_at"])
    return link.finished_at is not None


@never_cache
@require_http_methods(["GET"])
def family_done(request: HttpRequest, token: str) -> HttpResponse:
    """The clear end. Reachable once the link is used, for a short while only."""
    opened = open_or_refuse(request, token, Purpose.SCREENING)
    if isinstance(opened, HttpResponse):
        return opened
    if isinstance(opened, links.LinkInvalid):
        if opened.reason != "used" or not links.recently_finished(opened.link, at=clock.now()):
            return refused(request, opened.reason, opened.link)
        assert opened.link is not None
        link = opened.link
    else:
        link = opened
    language = language_of(request, link)
    with translation.override(language):
        return render(
            request,
            "portal/screening/done.html",
            {
                "language": language,
                "support": services.link_has_alert(link),
                "finished": link.finished_at is not None,
                "token": token,
            },
        )
