"""Changes to the care team and the shared care plan: one module per noun.

Every write checks the actor, the version the editor saw, writes the change, and records the
plan's history row and the audit event together (see `common`). Updates take the fields they
change as keyword arguments; a field left out keeps its value.
"""

from ..selectors import plan_history
from .actions import add_action, update_action
from .common import KEEP, FamilyEditRefused, StaleEdit
from .family import family_add_goal, family_add_note, family_update_own_goal
from .goals import NoteAuthor, add_goal, add_progress_note, update_goal
from .outside import (
    add_outside_progress_note,
    invite_outside_member,
    record_outside_consent,
    record_outside_plan_read,
    record_outside_reads,
    revoke_outside_consent,
)
from .plan import ensure_plan, record_opened, update_plan
from .team import add_team_member, update_team_member

__all__ = [
    "KEEP",
    "FamilyEditRefused",
    "NoteAuthor",
    "StaleEdit",
    "add_action",
    "add_goal",
    "add_outside_progress_note",
    "add_progress_note",
    "add_team_member",
    "ensure_plan",
    "family_add_goal",
    "family_add_note",
    "family_update_own_goal",
    "invite_outside_member",
    "plan_history",
    "record_opened",
    "record_outside_consent",
    "record_outside_plan_read",
    "record_outside_reads",
    "revoke_outside_consent",
    "update_action",
    "update_goal",
    "update_plan",
    "update_team_member",
]
