"""The path of a page about one row (a child's chart, a visit's buttons), for long lists.

`reverse()` walks the URL resolver on every call (about 20 µs); Today reverses three or four
paths per visit row, some 160 a page. A route that takes one id differs between ids only in
the id, so its path is reversed once with a placeholder id and split around it; each row then
costs a string join. The split is kept per route, script prefix and URLconf, so a deployment
under a sub-path or a request with its own URLconf gets its own.
"""

from functools import lru_cache
from uuid import UUID

from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = UUID(int=0)


@lru_cache(maxsize=256)
def _around_id(name: str, prefix: str, urlconf: str | None) -> tuple[str, str] | None:
    path = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf)
    before, found, after = path.partition(str(_PLACEHOLDER))
    if not found or str(_PLACEHOLDER) in after:
        return None  # the id is not in the path once, as it is: reverse each time
    return before, after


def path_for(name: str, pk: object) -> str:
    """reverse(name, args=[pk]) for a route whose one argument is the row's UUID."""
    if isinstance(pk, UUID):
        around = _around_id(name, get_script_prefix(), get_urlconf())
        if around is not None:
            return f"{around[0]}{pk}{around[1]}"
    return reverse(name, args=[pk])
