"""The one tenancy mechanism: every protected row is fetched through scoped() or get_scoped().

access_* functions of each app call get_scoped(); a row of another practice, a missing row and
a row the actor's role may not open all answer the same 404, so nothing leaks.

Break-glass (medhome.breakglass) passes through here too: a capability the actor holds only by
an active grant's lift opens the granted child's rows alone, whatever the caller asks for.
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from medhome.core.actor import Actor, Lift

M = TypeVar("M", bound=Model)


def scoped[M: Model](actor: Actor, model: type[M], *, need: str) -> QuerySet[M]:
    """All rows of `model` the actor may see for `need`, or none."""
    if not actor.can(need):
        return model._default_manager.none()
    rows = model._default_manager.for_practice(actor.practice)  # type: ignore[attr-defined]
    lift = getattr(actor, "break_glass", None)
    if lift is not None and need in lift.capabilities:
        return _of_the_granted_child(rows, model, lift)
    return rows


# practices sits below families, so the child's tables are named, not imported.
CHILD_MODEL = "families.Child"
FAMILY_MODEL = "families.Family"


def _of_the_granted_child[M: Model](rows: QuerySet[M], model: type[M], lift: Lift) -> QuerySet[M]:
    """The rows a lifted capability opens: the child's own, its family's, or none."""
    label = model._meta.label
    if label == CHILD_MODEL:
        return rows.filter(pk=lift.child_id)
    if label == FAMILY_MODEL:
        return rows.filter(children__pk=lift.child_id)
    field_names = {field.name for field in model._meta.get_fields()}
    if "child" in field_names:
        return rows.filter(child_id=lift.child_id)
    return rows.none()


def get_scoped[M: Model](actor: Actor, model: type[M], *, need: str, **lookup: Any) -> M:
    try:
        return scoped(actor, model, need=need).get(**lookup)
    except (model.DoesNotExist, ValueError) as missing:  # type: ignore[attr-defined]
        raise Http404 from missing
