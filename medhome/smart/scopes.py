"""SMART App Launch 2.x scopes: `<context>/<resource type or *>.<interactions>`.

Spec: https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html (v2: `c r u d s`
letters in that order; v1's `.read` / `.write` / `.*` are read as `rs` / `cud` / `cruds`).
A granular scope with a query (`patient/Observation.rs?category=...`) is not granted: medhome
cannot yet narrow an answer by it, and granting it whole would give more than was asked.
"""

import re
from dataclasses import dataclass

CONTEXTS = ("patient", "user", "system")
INTERACTIONS = "cruds"
_SCOPE = re.compile(r"^(patient|user|system)/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$")
_V1 = {"read": "rs", "write": "cud", "*": "cruds"}


@dataclass(frozen=True)
class ResourceScope:
    context: str  # patient | user | system
    resource_type: str  # a FHIR type or "*"
    interactions: str  # a subset of "cruds", in that order

    def allows(self, context: str, resource_type: str, interaction: str) -> bool:
        return (
            self.context == context
            and self.resource_type in ("*", resource_type)
            and interaction in self.interactions
        )


@dataclass(frozen=True)
class ScopeSet:
    resources: tuple[ResourceScope, ...]
    other: frozenset[str]  # openid, fhirUser, launch, launch/patient, offline_access, ...

    def allows(self, context: str, resource_type: str, interaction: str) -> bool:
        return any(s.allows(context, resource_type, interaction) for s in self.resources)

    def contexts_for(self, resource_type: str, interaction: str) -> set[str]:
        return {
            s.context for s in self.resources if s.allows(s.context, resource_type, interaction)
        }


def parse_scope(text: str) -> ResourceScope | None:
    """One resource scope, or None when the text is not one medhome grants."""
    found = _SCOPE.match(text)
    if not found or not found.group(3):
        return None
    context, resource_type, letters = found.groups()
    return ResourceScope(context, resource_type, _V1.get(letters, letters))


def parse_scopes(text: str) -> ScopeSet:
    """A space-separated scope string as granted; unknown resource-like scopes are dropped."""
    resources: list[ResourceScope] = []
    other: set[str] = set()
    for word in text.split():
        if "/" in word and word.split("/", 1)[0] in CONTEXTS:
            scope = parse_scope(word)
            if scope is not None:
                resources.append(scope)
        else:
            other.add(word)
    return ScopeSet(tuple(resources), frozenset(other))
