"""The family's pre-visit pages, reached by a one-time link: no account, no staff chrome.

Everything is shown in the link's language (the family may switch to English or Spanish); an
invalid, expired or used link gets a friendly page in that language and no detail. The family
never sees a score (docs/clinical-rules.md#critical-answers).
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from medhome.core import clock
from medhome.families.languages import language_name
from medhome.instruments import registry
from medhome.instruments.scoring import InvalidAnswers
from medhome.instruments.texts import wording

from . import forms, services
from .models import FamilyLink, Status
from .presenting import form_items

FAMILY_LANGUAGES = ("en", "es")


def page_language(request, link: FamilyLink | None) -> str:
    """The language the page's own words are in: the family's, where medhome has it."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    for candidate in (chosen, link.language if link else None):
        if candidate in FAMILY_LANGUAGES:
            return candidate
    from_browser = translation.get_language_from_request(request)
    return from_browser if from_browser in FAMILY_LANGUAGES else "en"


def wanted_language(request, link: FamilyLink) -> str:
    """The language the family asked for, which a questionnaire may or may not exist in."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    return chosen if chosen in FAMILY_LANGUAGES else link.language


def form_language_for(available: frozenset[str], wanted: str, page: str) -> str:
    return next((code for code in (wanted, page, "en") if code in available), "en")


def invalid_link_page(request, problem: services.LinkInvalid) -> HttpResponse:
    language = page_language(request, problem.link)
    with translation.override(language):
        return render(
            request,
            "screening/family/invalid.html",
            {"reason": problem.reason, "language": language},
            status=404 if problem.reason == "unknown" else 410,
        )


def with_link(view):
    """Open the link or answer with the friendly page; render in the family's language."""

    def wrapped(request, token: str, *args, **kwargs):
        try:
            link = services.open_link(token, at=clock.now())
        except services.LinkInvalid as problem:
            return invalid_link_page(request, problem)
        language = page_language(request, link)
        with translation.override(language):
            return view(request, link, token, language, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return never_cache(wrapped)


def screener_rows(link: FamilyLink, language: str, wanted: str) -> list[dict]:
    submitted = {
        administration.instrument_key: administration.status
        for administration in link.administrations.all()
    }
    rows = []
    for key in link.instruments:
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
@with_link
def family_start(request, link: FamilyLink, token: str, language: str) -> HttpResponse:
    return render(
        request,
        "screening/family/start.html",
        {
            "link": link,
            "token": token,
            "language": language,
            "rows": screener_rows(link, language, wanted_language(request, link)),
            "wanted_name": language_name(wanted_language(request, link), in_language=language),
            "child_name": link.child.display_name,
            "support": services.link_has_alert(link),
        },
    )


@require_http_methods(["GET", "POST"])
@with_link
def family_form(
    request, link: FamilyLink, token: str, language: str, instrument_key: str
) -> HttpResponse:
    if instrument_key not in link.instruments:
        raise Http404
    instrument = registry.get(instrument_key)
    texts = wording(instrument, link.practice)
    # A form with no authored wording in the family's language falls back, and says so.
    wanted = wanted_language(request, link)
    form_language = form_language_for(texts.languages_available(), wanted, language)
    administration = services.family_administration(link, instrument_key, at=clock.now())
    if administration.status == Status.SCORED:
        return redirect("screening:family_start", token=token)
    errors: dict[str, str] = {}
    skipped: list[str] = []
    actor = services.family_actor(link, getattr(request, "request_id", ""))
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
            return redirect("screening:family_start", token=token)
        else:
            if request.htmx and action == "autosave":
                return HttpResponse(status=204)
            if submit:
                target = "screening:family_done" if _all_done(link) else "screening:family_start"
                return redirect(f"{reverse(target, args=[token])}?lang={language}")
            if action == "submit":
                skipped = [item.link_id for item in unanswered]
            elif action == "save":
                return render(
                    request,
                    "screening/family/saved.html",
                    {"token": token, "language": language, "link": link},
                )
    return render(
        request,
        "screening/family/form.html",
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
def family_done(request, token: str) -> HttpResponse:
    """The clear end. Reachable once the link is used, for a short while only."""
    try:
        link = services.open_link(token, at=clock.now())
    except services.LinkInvalid as problem:
        if (
            problem.link is None
            or problem.reason != "used"
            or not services.recently_finished(problem.link, at=clock.now())
        ):
            return invalid_link_page(request, problem)
        link = problem.link
    language = page_language(request, link)
    with translation.override(language):
        return render(
            request,
            "screening/family/done.html",
            {
                "language": language,
                "support": services.link_has_alert(link),
                "finished": link.finished_at is not None,
                "token": token,
            },
        )
