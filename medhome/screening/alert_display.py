"""What a viewer sees of a critical-answer alert: the one presenting function every surface
uses (chart banner, screening tab, alerts list, acknowledgement page; the task list and the
huddle later).

Everyone who can open the chart learns that a clinician is needed now
(docs/clinical-rules.md#screening-instruments
"Critical answers": the alert goes to the whole team and the practice list, and §11 "Safety
override": a critical answer alerts the care team whatever the label). What the answer was —
the kind (self-harm, safety), the instrument and item, and the action the clinician recorded —
is part of the result, so it shows only to a viewer who may open that result: screening
results, and for an adolescent's own confidential screen the clinical team's item-level right
(docs/clinical-rules.md#adolescent-confidentiality; the same rule as
selectors.access_administration).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from medhome.core.actor import Actor
from medhome.instruments import registry

from .models import CriticalAlert
from .selectors import may_see_result

KIND_LABELS = {
    "self_harm": gettext_noop("self-harm answer"),
    "safety": gettext_noop("safety answer"),
}


@dataclass(frozen=True)
class ShownAlert:
    """The parts of an alert a viewer may read. `detailed` False: only `summary`."""

    detailed: bool
    summary: str  # one line: what the answer was, or that a clinician is needed now
    instrument: str = ""
    kinds: tuple[str, ...] = ()
    action_taken: str = ""


def present_alert(alert: CriticalAlert, *, actor: Actor) -> ShownAlert:
    """Select `administration` with the alert (the lists do) to keep this free of queries."""
    if not may_see_result(actor, alert.administration):
        return ShownAlert(
            detailed=False,
            summary=_("A clinician is needed now for this child."),
            action_taken=_("Recorded; visible to the clinical team.")
            if alert.acknowledged_at
            else "",
        )
    kinds = tuple(_(KIND_LABELS.get(kind, KIND_LABELS["safety"])) for kind in alert.kinds)
    try:
        instrument = registry.get(alert.administration.instrument_key).name
    except registry.UnknownInstrument:
        instrument = alert.administration.instrument_key
    return ShownAlert(
        detailed=True,
        summary=f"{', '.join(kinds)} ({instrument})",
        instrument=instrument,
        kinds=kinds,
        action_taken=alert.action_taken,
    )
