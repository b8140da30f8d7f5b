"""The one tenancy mechanism: every protected row is fetched through scoped() or get_scoped().

access_* functions of each app call get_scoped(); a row of another practice, a missing row and
a row the actor's role may not open all answer the same 404, so nothing leaks.
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from medhome.core.actor import Actor

M = TypeVar("M", bound=Model)


def scoped[M: Model](actor: Actor, model: type[M], *, need: str) -> QuerySet[M]:
    """All rows of `model` the actor may see for `need`, or none."""
    if not actor.can(need):
        return model._default_manager.none()
    return model._default_manager.for_practice(actor.practice)  # type: ignore[attr-defined]


def get_scoped[M: Model](actor: Actor, model: type[M], *, need: str, **lookup: Any) -> M:
    try:
        return scoped(actor, model, need=need).get(**lookup)
    except (model.DoesNotExist, ValueError) as missing:  # type: ignore[attr-defined]
        raise Http404 from missing
