""" "What to do first" for one child on the huddle sheet: a short list of rules, each giving a
step or nothing, in an order that is a medhome rule and a setting
(docs/clinical-rules.md#huddle-first, `MEDHOME_HUDDLE_FIRST_ORDER`): by default what cannot
wait (a clinician is needed now; a hospital stay nobody has followed up) before what the visit
needs ready (a positive screen to talk about, an interpreter to book, a pre-visit form not sent
or not finished) before what helps the family get here."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .selectors import HuddleRow

DEFAULT_ORDER = (
    "critical_alert",
    "transition_not_followed_up",
    "positive_screen",
    "private_talk",
    "interpreter",
    "screens_without_link",
    "form_not_finished",
    "transport",
)


def _critical_alert(row: "HuddleRow") -> str | None:
    if not row.alerts:
        return None
    return _("A clinician calls the family now: a critical answer is open.")


def _transition(row: "HuddleRow") -> str | None:
    for transition in row.transitions:
        if transition.unanswered:
            return _("Ask about the %(kind)s on %(day)s: its follow-up call is not done.") % {
                "kind": transition.kind.lower(),
                "day": date_format(transition.started_at, "SHORT_DATE_FORMAT"),
            }
    return None


def _positive_screen(row: "HuddleRow") -> str | None:
    # Only for a reader who may see results: row.results is None for the others.
    pending = [result.instrument for result in row.results or [] if result.pending]
    if not pending:
        return None
    return _("Discuss the positive screen: %(names)s.") % {"names": ", ".join(pending)}


def _private_talk(row: "HuddleRow") -> str | None:
    if not any(result.private for result in row.results or []):
        return None
    return _("Make time to talk with the caregiver in private.")


def _interpreter(row: "HuddleRow") -> str | None:
    if row.contact is None or not row.contact.needs_interpreter:
        return None
    return _("Book an interpreter (%(language)s).") % {"language": row.contact.language}


def _screens_without_link(row: "HuddleRow") -> str | None:
    if not row.screens_due_without_link:
        return None
    return _("Screens are due and no pre-visit link was sent: send it or use the tablet.")


def _form_not_finished(row: "HuddleRow") -> str | None:
    if not any(link.state != "done" for link in row.links):
        return None
    return _("The pre-visit form is not finished: offer the tablet at check-in.")


def _transport(row: "HuddleRow") -> str | None:
    if row.contact is None or not row.contact.transport_barrier:
        return None
    return _("Transport is hard for this family: confirm the ride.")


RULES: dict[str, Callable[["HuddleRow"], str | None]] = {
    "critical_alert": _critical_alert,
    "transition_not_followed_up": _transition,
    "positive_screen": _positive_screen,
    "private_talk": _private_talk,
    "interpreter": _interpreter,
    "screens_without_link": _screens_without_link,
    "form_not_finished": _form_not_finished,
    "transport": _transport,
}


def order() -> tuple[str, ...]:
    wanted = getattr(settings, "MEDHOME_HUDDLE_FIRST_ORDER", None) or DEFAULT_ORDER
    return tuple(key for key in wanted if key in RULES)


def what_to_do_first(row: "HuddleRow") -> list[str]:
    """The steps that apply to this child, first the one to do first."""
    return [step for key in order() if (step := RULES[key](row)) is not None]
