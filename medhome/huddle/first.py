""" "What to do first" for one child on the huddle sheet: a short ordered list of rules, the
first that holds comes first (docs/clinical-rules.md#huddle-first). The order is medhome's:
what cannot wait (a clinician is needed now; a hospital stay nobody followed up) before what
the visit needs ready (a positive screen to talk about, an interpreter to book, a pre-visit
form not sent or not finished) before what helps the family get here and home."""

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .selectors import HuddleRow


def what_to_do_first(row: "HuddleRow") -> list[str]:
    steps: list[str] = []
    if row.alerts:
        steps.append(_("A clinician calls the family now: a critical answer is open."))
    for transition in row.transitions:
        if transition.unanswered:
            steps.append(
                _("Ask about the %(kind)s on %(day)s: its follow-up call is not done.")
                % {
                    "kind": transition.kind.lower(),
                    "day": date_format(transition.started_at, "SHORT_DATE_FORMAT"),
                }
            )
            break
    if row.results is not None:
        pending = [result.instrument for result in row.results if result.pending]
        if pending:
            steps.append(
                _("Discuss the positive screen: %(names)s.") % {"names": ", ".join(pending)}
            )
        if any(result.private for result in row.results):
            steps.append(_("Make time to talk with the caregiver in private."))
    if row.contact is not None and row.contact.needs_interpreter:
        steps.append(_("Book an interpreter (%(language)s).") % {"language": row.contact.language})
    if row.screens_due_without_link:
        steps.append(
            _("Screens are due and no pre-visit link was sent: send it or use the tablet.")
        )
    elif any(link.state != "done" for link in row.links):
        steps.append(_("The pre-visit form is not finished: offer the tablet at check-in."))
    if row.contact is not None and row.contact.transport_barrier:
        steps.append(_("Transport is hard for this family: confirm the ride."))
    return steps
