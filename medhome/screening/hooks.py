"""What apps above screening do when a form is scored, and what they add to its result page,
without screening importing them (the layers run one way): nextsteps proposes the next steps of
a positive screen (docs/clinical-rules.md#next-steps). Callbacks on scoring run inside the
transaction that scores the form, so the result and what it sets off are saved together or not
at all."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils.safestring import SafeString

from .models import Administration

OnScored = Callable[[Any, Administration, datetime], None]  # (actor, administration, at)
ResultSection = Callable[[Any, Administration], SafeString | None]  # (request, administration)
_ON_SCORED: list[OnScored] = []
_RESULT_SECTIONS: list[ResultSection] = []


def on_scored(callback: OnScored) -> None:
    if callback not in _ON_SCORED:
        _ON_SCORED.append(callback)


def scored(actor: Any, administration: Administration, at: datetime) -> None:
    for callback in _ON_SCORED:
        callback(actor, administration, at)


def result_section(section: ResultSection) -> None:
    if section not in _RESULT_SECTIONS:
        _RESULT_SECTIONS.append(section)


def result_sections(request: Any, administration: Administration) -> list[SafeString]:
    shown = (section(request, administration) for section in _RESULT_SECTIONS)
    return [html for html in shown if html]
