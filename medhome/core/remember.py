"""What a unit of read-only work reads once: inside `remembering()`, `remembered(key, compute)`
computes each key once and hands back the same value after (outside, it always computes).

A batch that asks about the same children several times (the sender's pre-visit links: which
screeners, then create_link's own check) and a chart whose panels read the same child's
schedule (screening's section and the EHR's "At this visit") use it. Only for work that records
no completion and changes no wording meanwhile."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

_remembered: ContextVar[dict[tuple[object, ...], Any] | None] = ContextVar(
    "remembered", default=None
)


@contextmanager
def remembering() -> Iterator[None]:
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def remembered[T](key: tuple[object, ...], compute: Callable[[], T]) -> T:
    memo = _remembered.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return cast(T, memo[key])


def schedule_key(child_id: object, on: object) -> tuple[object, ...]:
    """The key of a child's periodicity schedule on a day (periodicity.engine.child_schedule of
    the child's facts and completions), shared by every reader of it."""
    return ("schedule", child_id, on)
