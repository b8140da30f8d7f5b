"""The demo's measures: computed once when the demo is loaded (load_demo, through synth's demo
hooks), so its dashboards open with figures before the worker's first sweep."""

from datetime import date

from medhome.core import clock
from medhome.measures import services
from medhome.practices.models import Network
from medhome.synth.demo import EASTSIDE


def load(network: Network, today: date) -> str:
    if not network.practices.filter(name=EASTSIDE.name).exists():
        return ""  # not the demo's network (as improvement's demo hook)
    practices = list(network.practices.order_by("name"))
    for practice in practices:
        services.recompute(practice, at=clock.now(), today=today)
    return f"Measures computed for {len(practices)} practices (the summary the dashboards read)"
