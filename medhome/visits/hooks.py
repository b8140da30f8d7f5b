"""What apps above visits do when a visit is completed in medhome, without visits importing
them (the layers run one way): periodicity records the preventive-visit row of a well-child
visit. Callbacks run inside the transaction that completes the visit, so the row and the status
change are saved together or not at all."""

from collections.abc import Callable
from datetime import datetime

from .models import Visit

OnCompleted = Callable[[Visit, datetime], None]
_ON_COMPLETED: list[OnCompleted] = []


def on_completed(callback: OnCompleted) -> None:
    if callback not in _ON_COMPLETED:
        _ON_COMPLETED.append(callback)


def visit_completed(visit: Visit, at: datetime) -> None:
    for callback in _ON_COMPLETED:
        callback(visit, at)
