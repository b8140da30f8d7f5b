"""`_summary` and `_elements` (FHIR R4 search §3.1.1.5.8 and §3.1.1.5.9): fewer elements of
each resource in an answer, for a client that needs a list, not the records.

Which elements are "summary" and which are mandatory comes from the R4B models themselves
(`summary_element_property`, required fields), never from a list kept here. A subsetted
resource is tagged SUBSETTED, as the specification asks, so no client takes it for the whole
record. Only top-level elements are chosen; the chosen ones come whole.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from .errors import BadRequest

SUMMARY_VALUES = frozenset({"true", "text", "data", "count", "false"})
SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
    "display": "subsetted",
}
ALWAYS = frozenset({"resourceType", "id", "meta"})


@dataclass(frozen=True)
class Subset:
    summary: str = ""  # "" (everything), or one of SUMMARY_VALUES
    elements: tuple[str, ...] = ()

    @property
    def whole(self) -> bool:
        return self.summary in ("", "false") and not self.elements


@dataclass(frozen=True)
class _Shape:
    """A type's top-level JSON elements: choice elements under their base name (value[x] is
    "value"), the summary ones, the mandatory ones."""

    names: dict[str, str]  # JSON key → element name ("valueQuantity" → "value")
    summary: frozenset[str]
    mandatory: frozenset[str]


@cache
def _shape(resource_type: str) -> _Shape:
    model = get_fhir_model_class(resource_type)
    names: dict[str, str] = {}
    summary, mandatory = set(), set()
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if not extra.get("element_property"):
            continue
        key = field.alias or name
        element = str(extra.get("one_of_many") or key)
        names[key] = element
        if extra.get("summary_element_property"):
            summary.add(element)
        if extra.get("element_required") or field.is_required():
            mandatory.add(element)
    return _Shape(names, frozenset(summary), frozenset(mandatory))


def parse_summary(value: str) -> str:
    if value not in SUMMARY_VALUES:
        raise BadRequest(
            f"Parameter '_summary' must be one of {', '.join(sorted(SUMMARY_VALUES))}."
        )
    return value


def parse_elements(value: str, resource_types: tuple[str, ...]) -> tuple[str, ...]:
    """The element names asked, each an element of the searched type (or, with `_include`,
    of one of the types answered); an unknown name is refused, not silently dropped."""
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if not names:
        raise BadRequest("Parameter '_elements' names no element.")
    known = {e for t in resource_types for e in _shape(t).names.values()}
    for name in names:
        if name not in known:
            raise BadRequest(
                f"Parameter '_elements': '{name[:40]}' is not an element of "
                f"{' or '.join(resource_types)}."
            )
    return names


def apply(resource: dict[str, Any], subset: Subset) -> dict[str, Any]:
    """The resource with only the elements the subset keeps (the same dict when it keeps all)."""
    if subset.whole:
        return resource
    shape = _shape(resource["resourceType"])
    if subset.summary == "data":
        keep = None  # everything but the narrative
    elif subset.summary == "text":
        keep = shape.mandatory | {"text"}
    elif subset.summary == "true":
        keep = shape.summary | shape.mandatory
    else:
        keep = shape.mandatory | set(subset.elements)
    kept: dict[str, Any] = {}
    for key, value in resource.items():
        element = shape.names.get(key.removeprefix("_"), key.removeprefix("_"))
        if key in ALWAYS:
            kept[key] = value
        elif subset.summary == "data":
            if element != "text":
                kept[key] = value
        elif keep is not None and element in keep:
            kept[key] = value
    meta = dict(kept.get("meta") or {})
    meta["tag"] = [*meta.get("tag", []), SUBSETTED]
    kept["meta"] = meta
    return kept


def of_read(query: Any, resource_type: str) -> Subset:
    """`_summary` / `_elements` on a read: as on a search, but a count is no read."""
    summary = query.get("_summary", "")
    elements = query.get("_elements", "")
    if summary and elements:
        raise BadRequest("Parameters '_summary' and '_elements' cannot be used together.")
    if summary:
        if parse_summary(summary) == "count":
            raise BadRequest("Parameter '_summary=count' is for a search, not a read.")
        return Subset(summary=summary)
    if elements:
        return Subset(elements=parse_elements(elements, (resource_type,)))
    return Subset()
