"""Demo stories of the apps above synth in the layers (improvement reads the measures, which sit
above synth): each registers a function from its AppConfig.ready, and load_demo runs them after
its own stories, as screening's hooks and the run charts' annotations reach the apps above them.

A hook takes the demo network and the demo's today and returns a printable line, or "".
"""

from collections.abc import Callable
from datetime import date

from medhome.practices.models import Network

DemoHook = Callable[[Network, date], str]
_HOOKS: list[DemoHook] = []


def register(hook: DemoHook) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def run(network: Network, today: date) -> list[str]:
    return [line for hook in _HOOKS if (line := hook(network, today))]
