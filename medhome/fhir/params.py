"""Building blocks for search parameters: the value syntaxes of FHIR R4 search
(http://hl7.org/fhir/R4/search.html#ptypes) and ready-made `SearchParam`s for the common cases,
so each resource module declares its parameters in a line each.

Every `apply` gets the values of ONE occurrence (comma-separated values = OR) and the modifier;
repeated occurrences are applied one after another (AND). A value medhome cannot read raises
`BadRequest` naming the parameter; a well-formed value that names nothing (an unknown id, a
system medhome does not use) matches nothing — the same answer for another practice's id."""

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .errors import BadRequest
from .registry import ParamKind, SearchParam

Apply = Callable[[QuerySet[Any], list[str], str], QuerySet[Any]]

SEARCH_BASE = "http://hl7.org/fhir/SearchParameter/"
US_CORE_SP = "http://hl7.org/fhir/us/core/SearchParameter/"

# Date search prefixes (R4 search §3.1.1.4.2); ne/sa/eb/ap are not served.
DATE_PREFIXES = ("eq", "gt", "ge", "lt", "le")
_DATE = re.compile(
    r"^(?P<prefix>[a-z]{2})?(?P<value>\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?)?)$"
)


def split_values(raw: str) -> list[str]:
    """One occurrence's values: split on commas not escaped as `\\,` (R4 search §3.1.1.3)."""
    parts = re.split(r"(?<!\\),", raw)
    return [p.replace("\\,", ",").replace("\\|", "|").replace("\\$", "$") for p in parts]


def parse_token(value: str) -> tuple[str | None, str]:
    """`system|code` → (system, code); `|code` → ("", code); `code` → (None, code)."""
    if "|" in value:
        system, _sep, code = value.partition("|")
        return system, code
    return None, value


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def reference_ids(name: str, values: Iterable[str], target: str) -> list[uuid.UUID]:
    """The ids of `Target/<uuid>` or `<uuid>` references; another type is a 400, an id that is
    not a UUID names nothing medhome has (no match, like an unknown id)."""
    found = []
    for value in values:
        kind, _sep, rest = value.rpartition("/")
        if kind and kind.rsplit("/", 1)[-1] != target:
            raise BadRequest(f"Parameter '{name}' refers to {target} resources only.")
        parsed = parse_uuid(rest)
        if parsed is not None:
            found.append(parsed)
    return found


def date_range(name: str, value: str) -> tuple[str, datetime, datetime]:
    """A dated search value → (prefix, start, end): the instant range its precision spans, in
    the practice's time zone when it carries none."""
    matched = _DATE.match(value)
    if not matched:
        raise BadRequest(f"Parameter '{name}': '{value[:40]}' is not a FHIR date.")
    prefix = matched.group("prefix") or "eq"
    if prefix not in DATE_PREFIXES:
        raise BadRequest(f"Parameter '{name}': the prefix '{prefix}' is not supported.")
    text = matched.group("value")
    zone = timezone.get_current_timezone()
    try:
        if len(text) == 4:
            start = datetime(int(text), 1, 1, tzinfo=zone)
            end = datetime(int(text) + 1, 1, 1, tzinfo=zone)
        elif len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            start = datetime(year, month, 1, tzinfo=zone)
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        elif len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), tzinfo=zone)
            end = start + timedelta(days=1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            start = moment if moment.tzinfo else moment.replace(tzinfo=zone)
            end = start + (timedelta(seconds=1) if len(text) > 16 else timedelta(minutes=1))
    except ValueError:
        raise BadRequest(f"Parameter '{name}': '{value[:40]}' is not a valid date.") from None
    return prefix, start, end


def date_q(name: str, field: str, value: str, *, is_date: bool) -> Q:
    """The condition of one dated value on a DateField (`is_date`) or DateTimeField."""
    prefix, start, end = date_range(name, value)
    low: date | datetime = start
    high: date | datetime = end
    if is_date:
        low, high = start.date(), end.date()
    return {
        "eq": Q(**{f"{field}__gte": low, f"{field}__lt": high}),
        "gt": Q(**{f"{field}__gte": high}),
        "ge": Q(**{f"{field}__gte": low}),
        "lt": Q(**{f"{field}__lt": low}),
        "le": Q(**{f"{field}__lt": high}),
    }[prefix]


def any_of(conditions: Iterable[Q]) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def _param(
    name: str,
    kind: ParamKind,
    apply: Apply,
    definition: str,
    documentation: str,
    modifiers: tuple[str, ...] = (),
) -> SearchParam:
    return SearchParam(
        name=name,
        kind=kind,
        apply=apply,
        definition=definition,
        documentation=documentation,
        modifiers=modifiers,
    )


def string_param(
    name: str, *fields: str, definition: str = "", documentation: str = ""
) -> SearchParam:
    """FHIR string search: starts with, case-insensitive, over any of `fields`; `:exact` and
    `:contains` as the spec defines them."""

    def apply(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
        lookup = {"": "istartswith", "exact": "exact", "contains": "icontains"}[modifier]
        return qs.filter(any_of(Q(**{f"{f}__{lookup}": v}) for v in values if v for f in fields))

    return _param(name, "string", apply, definition, documentation, ("exact", "contains"))


def token_param(
    name: str,
    field: str,
    *,
    system: str = "",
    codes: dict[str, str] | None = None,
    definition: str = "",
    documentation: str = "",
) -> SearchParam:
    """A token over one field whose codes are in `system` (`codes`: FHIR code → stored value,
    when they differ). Another system matches nothing."""

    def apply(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
        wanted = []
        for value in values:
            given_system, code = parse_token(value)
            if given_system not in (None, system) or not code:
                continue
            if codes is None:
                wanted.append(code)
            elif code in codes:
                wanted.append(codes[code])
        matched = qs.filter(**{f"{field}__in": wanted})
        return qs.exclude(pk__in=matched.values("pk")) if modifier == "not" else matched

    return _param(name, "token", apply, definition, documentation, ("not",))


def date_param(
    name: str, field: str, *, is_date: bool, definition: str = "", documentation: str = ""
) -> SearchParam:
    def apply(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
        return qs.filter(any_of(date_q(name, field, v, is_date=is_date) for v in values))

    return _param(name, "date", apply, definition, documentation)


def reference_param(
    name: str, field: str, target: str, *, definition: str = "", documentation: str = ""
) -> SearchParam:
    """A reference to one target type, by `Target/<uuid>` or `<uuid>` (no chains: refused
    before any query by the search parser)."""

    def apply(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
        if modifier and modifier != target:
            raise BadRequest(f"Parameter '{name}' refers to {target} resources only.")
        return qs.filter(**{f"{field}__in": reference_ids(name, values, target)})

    return _param(name, "reference", apply, definition, documentation, (target,))


def related_by(
    target_field: str, row_attribute: str
) -> Callable[[QuerySet[Any], Any], QuerySet[Any]]:
    """An `Include.related` for the common case: the target rows whose `target_field` is one of
    the page rows' `row_attribute` values (e.g. related_by("pk", "practice_id"))."""

    def related(target: QuerySet[Any], page: Any) -> QuerySet[Any]:
        values = {getattr(row, row_attribute) for row in page} - {None}
        return target.filter(**{f"{target_field}__in": values})

    return related
