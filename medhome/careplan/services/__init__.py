"""Changes to the care team and the shared care plan: one module per noun.

Every write checks the actor, the version the editor saw, writes the change, and records the
plan's history row and the audit event together (see `common`). Updates take the fields they
change as keyword arguments; a field left out keeps its value.
"""

from ..selectors import plan_history
from .actions import add_action, update_action
from .common import KEEP, FamilyEditRefused, StaleEdit
from .family import (
    LinkInvalid,
    create_family_link,
    family_actor,
    family_add_goal,
    family_add_note,
    family_update_own_goal,
    link_lifetime_days,
    open_family_link,
    revoke_family_link,
    token_digest,
)
from .goals import add_goal, add_progress_note, update_goal
from .plan import ensure_plan, record_opened, update_plan
from .team import add_team_member, update_team_member

__all__ = [
    "KEEP",
    "FamilyEditRefused",
    "LinkInvalid",
    "StaleEdit",
    "add_action",
    "add_goal",
    "add_progress_note",
    "add_team_member",
    "create_family_link",
    "ensure_plan",
    "family_actor",
    "family_add_goal",
    "family_add_note",
    "family_update_own_goal",
    "link_lifetime_days",
    "open_family_link",
    "plan_history",
    "record_opened",
    "revoke_family_link",
    "token_digest",
    "update_action",
    "update_goal",
    "update_plan",
    "update_team_member",
]
