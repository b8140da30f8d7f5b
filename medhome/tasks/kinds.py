"""What each kind of task says and what it opens, decided when it is shown, never stored.

A task's row keeps its kind, its source (type and id) and a few named words its producer chose
(`details`: an organization's name, a number of days — never clinical detail); the sentence is
built here in the viewer's language, so a Spanish-speaking coordinator reads Spanish and a
change of wording reaches every task at once.

`tasks` sits below the apps whose rows tasks are about (events, screening, referrals), so it
names their pages by URL name rather than importing them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class TaskKind(models.TextChoices):
    REFERRAL_NO_RESPONSE = "referral_no_response", gettext_lazy("Referral with no response")
    REFERRAL_NOT_CLOSED = "referral_not_closed", gettext_lazy("Referral not closed")
    TRANSITION_FOLLOW_UP = (
        "transition_follow_up",
        gettext_lazy("Follow-up after a hospital or ED visit"),
    )
    SPECIALIST_RECOMMENDATIONS = (
        "specialist_recommendations",
        gettext_lazy("A specialist's recommendations"),
    )
    ALERT_ESCALATED = "alert_escalated", gettext_lazy("Critical answer not acknowledged in time")
    FAMILY_UNREACHABLE = "family_unreachable", gettext_lazy("No working way to reach this family")
    MESSAGE_LANGUAGE_MISSING = (
        "message_language_missing",
        gettext_lazy("A message has no text in the family's language"),
    )
    CRISIS_TEXT = "crisis_text", gettext_lazy("A family's text with words of crisis")
    REFERRAL_FAMILY_ANSWER = (
        "referral_family_answer",
        gettext_lazy("A family's answer about a referral"),
    )
    CASE_REVIEW_DECISION = (
        "case_review_decision",
        gettext_lazy("A decision of the team's case review"),
    )
    # Added by a person from a child's chart, in their own words (details {"text": ...}).
    MANUAL = "manual", gettext_lazy("Added by hand")
    NEXT_STEP = "next_step", gettext_lazy("A next step after a positive screen")
    MENTION = "mention", gettext_lazy("A colleague mentioned you in a team note")
    # A colleague used break-glass access (medhome.breakglass): the practice admin reviews it.
    BREAK_GLASS_REVIEW = "break_glass_review", gettext_lazy("Emergency access to review")


@dataclass(frozen=True)
class Source:
    """A page that shows a task's source: its URL name, and whether it takes the source's id."""

    url_name: str
    by_id: bool = True


# source_type → the page that opens it.
SOURCES: dict[str, Source] = {
    "referral": Source("referrals:detail"),
    "care_event": Source("events:detail"),
    "screening": Source("screening:result"),
    # The alerts list, not the acknowledge form: everyone who reads tasks may open the list,
    # and only some roles may see an alert's detail (issue 14 finding 2).
    "critical_alert": Source("screening:alerts", by_id=False),
    # The practice's outbox (a message has no page of its own).
    "message": Source("messaging:outbox", by_id=False),
    # A family's texts (messaging:child, by the child's id); a text from a number no caregiver
    # has is read in the outbox's unmatched list.
    "conversation": Source("messaging:child"),
    "unmatched_text": Source("messaging:outbox", by_id=False),
    # The family's case-review page (casereview:family, by the family's id).
    "case_review": Source("casereview:family"),
    # A task added by hand from a chart is about the child: it opens the chart.
    "child": Source("families:chart"),
    # A team note (medhome.notes): its page checks access and opens the child's chart at the
    # notes section.
    "team_note": Source("notes:open"),
    # A break-glass grant: the practice admin's grants page, where it is reviewed.
    "break_glass": Source("breakglass:grants", by_id=False),
}


def _wait(details: Mapping[str, Any]) -> str:
    if "hours" in details:
        hours = int(details["hours"])
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    days = int(details.get("business_days", 0))
    return ngettext("%(n)s business day", "%(n)s business days", days) % {"n": days}


def _no_response(details: Mapping[str, Any]) -> str:
    if "organization" not in details:
        return _("The organization has not answered the referral: call them or the family.")
    return _(
        "No response from %(organization)s after %(wait)s: call the organization or the family."
    ) % {"organization": details["organization"], "wait": _wait(details)}


def _not_closed(details: Mapping[str, Any]) -> str:
    if "organization" not in details:
        return _("The referral is not closed: ask the organization and the family how it went.")
    return _(
        "The referral to %(organization)s is not closed after %(days)s days: ask the "
        "organization and the family how it went."
    ) % {"organization": details["organization"], "days": details.get("days", "")}


def _transition(details: Mapping[str, Any]) -> str:
    days = int(details.get("business_days", 2))
    return ngettext(
        "Contact the family within %(n)s business day of the hospital or ED visit",
        "Contact the family within %(n)s business days of the hospital or ED visit",
        days,
    ) % {"n": days}


def _specialist(details: Mapping[str, Any]) -> str:
    return _("Review the specialist's recommendations with the team and the family")


def _alert(details: Mapping[str, Any]) -> str:
    # Generic on purpose: the task list is read by roles that may not see a confidential
    # result, so it never names the instrument, the item or the answer.
    return _(
        "A clinician is needed now for this child: an urgent alert was not acknowledged in time"
    )


def _unreachable(details: Mapping[str, Any]) -> str:
    return _(
        "No working way to reach this family: every channel they named failed or was refused. "
        "Ask them how they want to be reached."
    )


def _language_missing(details: Mapping[str, Any]) -> str:
    return _(
        "A message to this family was not sent: it has no text in their language. "
        "Reach them another way (an interpreter, a call)."
    )


def _crisis(details: Mapping[str, Any]) -> str:
    # Never the text itself (the task list is read by many roles): its reference and, for a
    # number no caregiver has, the number masked. The family already got the 988/911 text.
    values = {"ref": details.get("text", ""), "number": details.get("number", "")}
    if details.get("escalated"):
        return (
            _(
                "Urgent, not yet answered: a family's text (text %(ref)s) with words of crisis "
                "has waited more than half an hour. Read it and call them now."
            )
            % values
        )
    if values["number"]:
        return (
            _(
                "Urgent: a text from %(number)s (text %(ref)s, no caregiver has this number) has "
                "words of crisis. Read it and call back now; the 988/911 text was sent."
            )
            % values
        )
    return (
        _(
            "Urgent: a text from this family (text %(ref)s) has words of crisis. Read it and call "
            "them now; the 988/911 text was sent."
        )
        % values
    )


# The family's answers on its referral-status page (referrals.models.FamilyAnswer), as the
# family put them; tasks cannot import referrals, so the words are repeated here.
FAMILY_ANSWER_WORDS: dict[str, Promise] = {
    "got_help": gettext_lazy("Yes, we got help"),
    "waiting": gettext_lazy("We are still waiting"),
    "unreachable": gettext_lazy("We could not reach them"),
}
FAMILY_ANSWER_ASKS: dict[str, Promise] = {
    "got_help": gettext_lazy("ask the organization to record how it went, or close it yourself."),
    "waiting": gettext_lazy("call the organization, or help the family reach them."),
    "unreachable": gettext_lazy("help the family get through, or find another service."),
}


def _family_answer(details: Mapping[str, Any]) -> str:
    answer = str(details.get("answer", ""))
    words = FAMILY_ANSWER_WORDS.get(answer)
    if words is None:
        return _("The family answered about a referral: open it and follow up.")
    return _("The family answered “%(answer)s” about the referral to %(organization)s: %(ask)s") % {
        "answer": words,
        "organization": details.get("organization", ""),
        "ask": FAMILY_ANSWER_ASKS[answer],
    }


def _case_review(details: Mapping[str, Any]) -> str:
    # The team's own words, written at the review for the whole team's task list (the form
    # says so); kinds.py only frames them.
    return _("From the case review: %(text)s") % {"text": details.get("text", "")}


def _manual(details: Mapping[str, Any]) -> str:
    # The person's own words, shown as written (never translated: they are not medhome's).
    return str(details.get("text", "")) or _("A task added by hand")


# The next steps' labels by key, filled by medhome.nextsteps when it starts (tasks sits below it
# and cannot import its definitions; one copy of the words, theirs).
NEXT_STEP_LABELS: dict[str, Promise] = {}


def _next_step(details: Mapping[str, Any]) -> str:
    # An adolescent's confidential screen: the task list is read by roles that may not see it,
    # so its sentence names no step (docs/clinical-rules.md#adolescent-confidentiality).
    label = NEXT_STEP_LABELS.get(str(details.get("step", "")))
    if details.get("confidential") or label is None:
        return _("A next step after a screen is waiting: open the result to see it.")
    return _("Next step after a positive screen: %(step)s") % {"step": label}


def _mention(details: Mapping[str, Any]) -> str:
    # The author's name only: the note's words stay on the chart (the task list is read by
    # everyone on the team, and a note may be sensitive).
    return _("%(author)s mentioned you in a note on this child's chart") % {
        "author": details.get("author", "")
    }


def _break_glass(details: Mapping[str, Any]) -> str:
    # The person's name only: the reason stays on the grants page.
    return _("%(user)s used emergency access to this child: review it") % {
        "user": details.get("user", "")
    }


TITLES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    TaskKind.REFERRAL_NO_RESPONSE: _no_response,
    TaskKind.REFERRAL_NOT_CLOSED: _not_closed,
    TaskKind.TRANSITION_FOLLOW_UP: _transition,
    TaskKind.SPECIALIST_RECOMMENDATIONS: _specialist,
    TaskKind.ALERT_ESCALATED: _alert,
    TaskKind.FAMILY_UNREACHABLE: _unreachable,
    TaskKind.MESSAGE_LANGUAGE_MISSING: _language_missing,
    TaskKind.CRISIS_TEXT: _crisis,
    TaskKind.REFERRAL_FAMILY_ANSWER: _family_answer,
    TaskKind.CASE_REVIEW_DECISION: _case_review,
    TaskKind.MANUAL: _manual,
    TaskKind.NEXT_STEP: _next_step,
    TaskKind.MENTION: _mention,
    TaskKind.BREAK_GLASS_REVIEW: _break_glass,
}

SOURCE_LABELS: dict[str, Promise] = {
    TaskKind.REFERRAL_NO_RESPONSE: gettext_lazy("Open the referral"),
    TaskKind.REFERRAL_NOT_CLOSED: gettext_lazy("Open the referral"),
    TaskKind.TRANSITION_FOLLOW_UP: gettext_lazy("Open the hospital visit"),
    TaskKind.SPECIALIST_RECOMMENDATIONS: gettext_lazy("Open the specialist visit"),
    TaskKind.ALERT_ESCALATED: gettext_lazy("Open the alerts"),
    TaskKind.FAMILY_UNREACHABLE: gettext_lazy("Open the messages"),
    TaskKind.MESSAGE_LANGUAGE_MISSING: gettext_lazy("Open the messages"),
    TaskKind.CRISIS_TEXT: gettext_lazy("Open the family's texts"),
    TaskKind.REFERRAL_FAMILY_ANSWER: gettext_lazy("Open the referral"),
    TaskKind.CASE_REVIEW_DECISION: gettext_lazy("Open the case review"),
    TaskKind.MANUAL: gettext_lazy("Open the chart"),
    TaskKind.NEXT_STEP: gettext_lazy("Open the screen's result"),
    TaskKind.MENTION: gettext_lazy("Open the team notes"),
    TaskKind.BREAK_GLASS_REVIEW: gettext_lazy("Open the emergency access grants"),
}


def title_of(kind: str, details: Mapping[str, Any]) -> str:
    """The task's sentence in the active language."""
    build = TITLES.get(kind)
    return build(details or {}) if build else str(TaskKind(kind).label)


def source_url(source_type: str, source_id: str) -> str | None:
    """The page that opens the task's source, or None when there is none to open."""
    source = SOURCES.get(source_type)
    if source is None or (source.by_id and not source_id):
        return None
    try:
        return reverse(source.url_name, args=[source_id] if source.by_id else [])
    except NoReverseMatch:
        return None


def source_label(kind: str) -> str:
    return str(SOURCE_LABELS.get(kind, gettext_lazy("Open")))
