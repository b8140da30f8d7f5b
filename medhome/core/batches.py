"""Applying a batch of upserts together gives what applying them one by one would, provided no
two of them touch the same thing: `first_disjoint` takes the ones that can go together now and
defers the rest (in their order) to the next round, which sees the first round's writes."""

from collections.abc import Callable, Hashable, Iterable, Sequence


def first_disjoint[T](
    items: Sequence[T], keys: Callable[[T], Iterable[Hashable]]
) -> tuple[list[T], list[T]]:
    """(taken, deferred): an item is taken when none of its keys is a key of an earlier item,
    taken or deferred (a deferred item must still come before the later ones that share its
    keys)."""
    taken: list[T] = []
    deferred: list[T] = []
    seen: set[Hashable] = set()
    for item in items:
        own = set(keys(item))
        (deferred if own & seen else taken).append(item)
        seen |= own
    return taken, deferred
