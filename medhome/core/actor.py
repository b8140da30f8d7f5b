"""Who is acting, for whom, and with which capabilities: passed to every service and access_*.

core imports no domain app, so the actor holds the practice as an opaque object; the
`practices` app builds it (practices.middleware) from the user's membership.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any
    practice: Any = None
    role: str = ""
    # A community organization's staff act for their organization, never for a practice.
    organization: Any = None
    capabilities: frozenset[str] = field(default_factory=frozenset)
    request_id: str = ""

    @property
    def practice_id(self) -> Any:
        return getattr(self.practice, "pk", None)

    @property
    def is_in_practice(self) -> bool:
        return self.practice is not None

    @property
    def is_partner(self) -> bool:
        return self.organization is not None and self.practice is None

    def can(self, capability: str) -> bool:
        return capability in self.capabilities
