"""Ids read from a query string or a form body.

A malformed id there is the client's mistake: it answers 400 with a plain sentence, never a 500
from `UUID()` or from the database refusing to compare a UUID column with "notauuid".
"""

from uuid import UUID

from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils.translation import gettext as _


class MalformedId(BadRequest):
    """A 400 whose message is safe to show: it names only the parameter, never its value."""


def malformed(name: str) -> MalformedId:
    return MalformedId(
        _("“%(name)s” is not a valid id. Go back and choose again.") % {"name": name}
    )


def parse_id(value: object, *, name: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise malformed(name) from None


def optional_id(data: QueryDict, name: str) -> UUID | None:
    """The id named `name` in `data`, or None when it is absent or empty."""
    value = data.get(name, "")
    return parse_id(value, name=name) if value else None
