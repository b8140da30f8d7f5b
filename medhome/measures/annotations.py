"""Marks on the run charts (issue 19: "run charts annotate when each change started") from apps
above measures, without measures importing them (the layers run one way) — the pattern of
screening.hooks. medhome.improvement registers a provider from its AppConfig.ready; the charts
show a marker at each annotation's month, labelled, and list the annotations under the chart.

A provider answers for every chart of a page at once: `provider(actor, keys, first, last)` gives
the annotations of the actor's own practice for the measures `keys` dated from `first` to `last`
(the run chart's months), in ONE query whatever the number of charts — the dashboard's query
count grows by one per registered provider, never per chart or per annotation.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from medhome.measures.periods import Period


@dataclass(frozen=True)
class Annotation:
    measure_key: str
    on: date  # the day the change started
    label: str  # what the marker says (a cycle's title)
    url: str = ""  # where the list under the chart links to, if anywhere


Provider = Callable[[Any, Sequence[str], date, date], Iterable[Annotation]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def annotations_for(actor: Any, measure_keys: Iterable[str], months: Sequence[Period]) -> dict:
    """{measure key: [annotation dict for the chart, oldest first]} for the charts' months: each
    carries the x-axis label of the month it falls in (a run chart's point is named by the month
    its 12 months end with)."""
    keys = list(dict.fromkeys(measure_keys))
    found: dict[str, list[dict]] = {key: [] for key in keys}
    if not keys or not months:
        return found
    first, last = months[0].end.replace(day=1), months[-1].end
    labels = {point.key: point.label for point in months}
    for provider in _PROVIDERS:
        for mark in provider(actor, keys, first, last):
            month = labels.get(f"{mark.on:%Y-%m}")
            if mark.measure_key in found and month is not None:
                found[mark.measure_key].append(
                    {"month": month, "on": mark.on, "label": mark.label, "url": mark.url}
                )
    for marks in found.values():
        marks.sort(key=lambda mark: (mark["on"], mark["label"]))
    return found
