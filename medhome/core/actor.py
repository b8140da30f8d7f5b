"""Who is acting, for whom, and with which capabilities: passed to every service and access_*.

core imports no domain app, so the actor holds the practice as an opaque object; the
`practices` app builds it (practices.middleware) from the user's membership.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Lift:
    """Break-glass (medhome.breakglass): capabilities the role lacks, lifted for one child.

    Set only for a read of a page that names that child while the user holds an active grant;
    `capabilities` are the lifted ones alone, so the tenancy scope (practices.scoping) can narrow
    every read that needs one of them to this child."""

    grant_id: Any
    child_id: Any
    capabilities: frozenset[str]
    expires_at: Any


@dataclass(frozen=True)
class Actor:
    user: Any
    practice: Any = None
    role: str = ""
    # A community organization's staff act for their organization, never for a practice.
    organization: Any = None
    capabilities: frozenset[str] = field(default_factory=frozenset)
    request_id: str = ""
    # An active break-glass grant's lift for this request (None: the role's rights alone).
    break_glass: Lift | None = None

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
