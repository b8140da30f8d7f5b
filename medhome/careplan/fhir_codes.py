"""How the shared plan is named in FHIR, in one place for what medhome sends (medhome.fhir's
CarePlan, Goal and CareTeam) and what it reads back (careplan.imported).

The R4 value sets are cited next to each table; the extensions are medhome's own, for what the
plan holds and US Core has no element for (the family's strengths, the review date, an
adolescent's own action), so that an exported plan comes back whole."""

from .models import ActionStatus, GoalStatus

EXTENSION_BASE = "http://medhome.org/fhir/StructureDefinition/"
# CarePlan: the family's strengths in their own words (valueString) and the day the team and
# family will review the plan (valueDate).
FAMILY_STRENGTHS = f"{EXTENSION_BASE}careplan-family-strengths"
REVIEW_ON = f"{EXTENSION_BASE}careplan-review-on"
# CarePlan.activity: the adolescent's own action (valueBoolean true), which only the clinical
# team reads (docs/clinical-rules.md#adolescent-confidentiality). A reader that keeps the plan
# must keep the action confidential.
ACTION_CONFIDENTIAL = f"{EXTENSION_BASE}careplan-action-confidential"

# CarePlanActivityStatus (http://hl7.org/fhir/R4/valueset-care-plan-activity-status.html).
ACTIVITY_STATUS = {
    ActionStatus.TO_DO: "not-started",
    ActionStatus.IN_PROGRESS: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.CANCELLED: "cancelled",
}
# Read back: the codes medhome does not send, to the nearest state ("scheduled" not started,
# "on-hold" still open, "stopped" ended without being done). "entered-in-error" and "unknown"
# are not an action and are not kept.
ACTION_FOR_ACTIVITY = {
    **{code: status for status, code in ACTIVITY_STATUS.items()},
    "scheduled": ActionStatus.TO_DO,
    "on-hold": ActionStatus.IN_PROGRESS,
    "stopped": ActionStatus.CANCELLED,
}
DUE_PREFIX = "Due "  # activity.detail.scheduledString: "Due 2026-12-04"

# GoalLifecycleStatus (http://hl7.org/fhir/R4/valueset-goal-status.html): a goal the plan
# holds but nobody started is "planned", one being worked on "active", met "completed",
# stopped "cancelled".
LIFECYCLE_STATUS = {
    GoalStatus.NOT_STARTED: "planned",
    GoalStatus.IN_PROGRESS: "active",
    GoalStatus.MET: "completed",
    GoalStatus.STOPPED: "cancelled",
}
# Read back, the codes medhome does not send to the nearest state; "entered-in-error" is not a
# goal and is not kept.
GOAL_FOR_LIFECYCLE = {
    **{code: status for status, code in LIFECYCLE_STATUS.items()},
    "proposed": GoalStatus.NOT_STARTED,
    "accepted": GoalStatus.NOT_STARTED,
    "on-hold": GoalStatus.IN_PROGRESS,
    "rejected": GoalStatus.STOPPED,
}

# CareTeam participant roles: medhome's own code system, the member's kind
# (careplan.models.MemberKind), outside role (ExternalRole) and the lead coordinator.
ROLE_SYSTEM = "urn:medhome:care-team-role"
LEAD = ("lead_coordinator", "Lead care coordinator")
