"""Roles and what each may do: the one table of permissions in medhome.

Every check in views and access_* functions asks for a capability, never for a role name, so
changing what a role may do is a change to this table alone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PEDIATRICIAN = "pediatrician", _("Pediatrician")
    NURSE_PRACTITIONER = "nurse_practitioner", _("Nurse practitioner")
    NURSE = "nurse", _("Nurse")
    CARE_COORDINATOR = "care_coordinator", _("Care coordinator")
    COMMUNITY_HEALTH_WORKER = "community_health_worker", _("Community health worker")
    FAMILY_SPECIALIST = "family_specialist", _("Family specialist (HealthySteps/DULCE)")
    BEHAVIORAL_HEALTH = "behavioral_health", _("Behavioral health clinician")
    LEGAL_PARTNER = "legal_partner", _("Legal partner")
    FRONT_DESK = "front_desk", _("Front desk")
    PRACTICE_ADMIN = "practice_admin", _("Practice admin")
    NETWORK_ANALYST = "network_analyst", _("Network analyst")
    # A paid member of the team with lived experience as a parent of the practice's families
    # (issue 19): runs parent groups and the family advisory council with the practice; sees no
    # clinical result beyond what a family shares with them.
    PARENT_PARTNER = "parent_partner", _("Parent partner")


class Capability:
    """Capabilities by name. Strings so that templates and tests can name them too."""

    CHART_READ = "chart.read"  # open a child's record and search the panel
    FAMILY_CREATE = "family.create"  # register a new family
    FAMILY_EDIT = "family.edit"  # change demographics and the family's preferences
    SCREENING_DETAIL = "screening.detail"  # see item-level screening answers, not only results
    SCREENING_RESULTS = "screening.results"  # see scores, bands and what is due next
    SCREENING_SEND = "screening.send"  # send a family link or hand the tablet to a caregiver
    ALERT_ACKNOWLEDGE = "alert.acknowledge"  # close a critical-answer alert with the action taken
    REFERRAL_SEND = "referral.send"  # refer a family to a community organization, with consent
    REFERRAL_RESPOND = "referral.respond"  # a community organization's staff: accept, update, close
    DIRECTORY_CURATE = "directory.curate"  # the practice's list of trusted partners and notes
    PLAN_EDIT = "plan.edit"  # edit the shared care plan
    USERS_MANAGE = "users.manage"  # manage the practice's staff and roles
    AUDIT_READ = "audit.read"  # see who opened a chart, when
    NETWORK_AGGREGATES = "network.aggregates"  # see counts across the network, never a child
    # The practice's own quality measures, and the children behind each figure (with chart.read)
    MEASURES_READ = "measures.read"
    # Book, move and cancel visits and record arrival, completion or a missed visit
    VISIT_BOOK = "visit.book"
    # Close schedule rows at the visit: guidance discussed, done elsewhere, vaccines addressed
    SCHEDULE_RECORD = "schedule.record"
    # Upload the practice's panel from a spreadsheet (children and caregivers in bulk)
    PANEL_IMPORT = "panel.import"
    # End, reopen a child's panel membership and change its primary care clinician
    # (docs/clinical-rules.md#attribution)
    ATTRIBUTION_MANAGE = "attribution.manage"
    # See the messages sent to families (the outbox, a caregiver's texts) and preview templates
    MESSAGES_READ = "messages.read"
    # A visit's billing summary and the day's billing CSV (codes the day's work supports; no
    # answers, and suggested social-needs Z codes only with screening.results). The clinicians
    # choose the visit's codes, the coordinator and the admin pass them to the billing team; the
    # front desk does not need which screens or confidential services a child had.
    BILLING_READ = "billing.read"
    # Someone outside the practice (a specialist, a home visitor, an Early Intervention
    # coordinator) invited onto one child's care team: reads that child's shared care plan and
    # the items the family consented to share with them, and adds progress notes
    # (docs/clinical-rules.md#outside-care-team). Never a practice role.
    CARE_TEAM_OUTSIDE = "careteam.outside"
    # Follow-up tasks are this role's day: My tasks is their landing page (coordinators;
    # community health workers land on their caseload, CASELOAD_HOME). It opens nothing; every
    # role with chart.read works tasks.
    TASKS_HOME = "tasks.home"
    # Write a team note on a child's chart and mention colleagues in it (medhome.notes). Every
    # practice role that opens charts except the legal partner, who reads the chart for the
    # family's legal needs from a partner organization and edits nothing; the front desk writes
    # notes because what a family says at the desk is often what the team needs to hear.
    NOTE_WRITE = "note.write"
    # The practice's programs that nurture parents (medhome.programs; domain-reference §14):
    # offer, enrol, change a tier, graduate, record a decline, and record a contact — a contact
    # only for a program the person's role delivers (the program's own list of roles). The chart's
    # forms need chart.read too; without it (a parent partner) only the caseload, a program's
    # family page and its contact form open, for the programs that name the role.
    PROGRAM_WORK = "programs.work"
    # Enrol a child outside a program's eligibility, with the reason (a clinician's judgement).
    PROGRAM_OVERRIDE = "programs.override"
    # Add the practice's programs from the catalogue or its own, adjust and stop them.
    PROGRAM_MANAGE = "programs.manage"
    # The caseload is this role's day: it is their landing page (community health workers,
    # family specialists and parent partners; domain-reference §14). It opens nothing by itself.
    CASELOAD_HOME = "programs.caseload_home"
    # Read a program's case review (medhome.casereview: DULCE's weekly review of every enrolled
    # family): the roles that plan care, and the legal partner who sits in DULCE's weekly
    # interdisciplinary meeting (domain-reference §14) — reading only; recording the review's
    # decisions stays with plan.edit.
    CASE_REVIEW_READ = "casereview.read"
    # Group well-child care (medhome.groupcare; domain-reference §14 CenteringParenting): form
    # cohorts, plan their sessions, record attendance — each child's visit in the session is a
    # well-child visit, so the roles that run visits run groups.
    GROUPCARE_RUN = "groupcare.run"
    # Parent groups (medhome.parentgroups): a parent circle, a reading group, a fathers' group —
    # schedule, sign-ups, attendance, topics; nothing clinical is recorded there.
    PARENT_GROUPS_RUN = "parentgroups.run"
    # The family advisory council (medhome.council): members and their consent, meetings,
    # compensation, recommendations and the practice's answer ("you said, we did").
    COUNCIL_MANAGE = "council.manage"
    # Improvement cycles (medhome.improvement: plan–do–study–act) linked to a measure and to the
    # council's recommendation they answer; the practice's quality leaders write them.
    IMPROVEMENT_EDIT = "improvement.edit"
    # Register the practice's SMART on FHIR apps and backend services, and revoke them (every
    # token of a revoked app stops working at once; medhome.smart).
    APPS_MANAGE = "apps.manage"
    # Break-glass (medhome.breakglass, docs/architecture.md#break-glass): open one child's
    # record beyond the role's rights, with a reason, for a limited time, read only, audited and
    # reported to the practice admin. Given to the practice roles that lack something it lifts
    # (BREAK_GLASS_LIFTS); the clinical team holds all of it already.
    BREAK_GLASS = "breakglass.request"
    # Review the practice's break-glass grants and mark each reviewed with a note.
    BREAK_GLASS_REVIEW = "breakglass.review"

    ALL = frozenset(
        {
            CHART_READ,
            FAMILY_CREATE,
            FAMILY_EDIT,
            SCREENING_DETAIL,
            SCREENING_RESULTS,
            SCREENING_SEND,
            ALERT_ACKNOWLEDGE,
            REFERRAL_SEND,
            REFERRAL_RESPOND,
            DIRECTORY_CURATE,
            PLAN_EDIT,
            USERS_MANAGE,
            AUDIT_READ,
            NETWORK_AGGREGATES,
            MEASURES_READ,
            VISIT_BOOK,
            SCHEDULE_RECORD,
            PANEL_IMPORT,
            ATTRIBUTION_MANAGE,
            MESSAGES_READ,
            BILLING_READ,
            CARE_TEAM_OUTSIDE,
            TASKS_HOME,
            NOTE_WRITE,
            PROGRAM_WORK,
            PROGRAM_OVERRIDE,
            PROGRAM_MANAGE,
            CASELOAD_HOME,
            CASE_REVIEW_READ,
            GROUPCARE_RUN,
            PARENT_GROUPS_RUN,
            COUNCIL_MANAGE,
            IMPROVEMENT_EDIT,
            APPS_MANAGE,
            BREAK_GLASS,
            BREAK_GLASS_REVIEW,
        }
    )


C = Capability

# What a break-glass grant may lift, for one child: reading the chart and the screening results.
# Never screening.detail: it is the clinical team's right that guards an adolescent's confidential
# items and a caregiver's own answers, which the domain reference (section 11, "Who the answers
# belong to") keeps with the clinical team absolutely; nor any right to change the record.
BREAK_GLASS_LIFTS = frozenset({C.CHART_READ, C.SCREENING_RESULTS})
_CLINICAL_TEAM = frozenset(
    {
        C.CHART_READ,
        C.FAMILY_CREATE,
        C.FAMILY_EDIT,
        C.SCREENING_DETAIL,
        C.SCREENING_RESULTS,
        C.SCREENING_SEND,
        C.REFERRAL_SEND,
        C.PLAN_EDIT,
        C.VISIT_BOOK,
        C.SCHEDULE_RECORD,
        C.MESSAGES_READ,
        C.NOTE_WRITE,
        C.PROGRAM_WORK,
        C.CASE_REVIEW_READ,
        C.GROUPCARE_RUN,
        C.PARENT_GROUPS_RUN,
    }
)
# Only licensed clinicians close a critical-answer alert (docs/clinical-rules.md#critical-answers).
_CLINICIANS = _CLINICAL_TEAM | {C.ALERT_ACKNOWLEDGE}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    # Practice leaders: the clinicians who lead quality work, the coordinator and the admin.
    Role.PEDIATRICIAN: _CLINICIANS
    | {C.MEASURES_READ, C.BILLING_READ, C.PROGRAM_OVERRIDE, C.IMPROVEMENT_EDIT},
    Role.NURSE_PRACTITIONER: _CLINICIANS
    | {C.MEASURES_READ, C.BILLING_READ, C.PROGRAM_OVERRIDE, C.IMPROVEMENT_EDIT},
    Role.NURSE: _CLINICIANS,
    Role.CARE_COORDINATOR: _CLINICAL_TEAM
    | {
        C.DIRECTORY_CURATE,
        C.MEASURES_READ,
        C.ATTRIBUTION_MANAGE,
        C.BILLING_READ,
        C.TASKS_HOME,
        C.PROGRAM_MANAGE,
        C.COUNCIL_MANAGE,
        C.IMPROVEMENT_EDIT,
    },
    Role.BEHAVIORAL_HEALTH: _CLINICIANS,
    # HealthySteps and DULCE family specialists work from their caseload (domain-reference §14).
    Role.FAMILY_SPECIALIST: _CLINICAL_TEAM | {C.CASELOAD_HOME},
    # CHWs work social needs with the family: they see results (not confidential adolescent
    # ones) and send links; item-level clinical answers stay with the clinical team.
    Role.COMMUNITY_HEALTH_WORKER: frozenset(
        {
            C.CHART_READ,
            C.FAMILY_EDIT,
            C.PLAN_EDIT,
            C.SCREENING_RESULTS,
            C.SCREENING_SEND,
            C.REFERRAL_SEND,
            C.DIRECTORY_CURATE,
            C.VISIT_BOOK,
            C.MESSAGES_READ,
            C.NOTE_WRITE,
            C.PROGRAM_WORK,
            C.CASELOAD_HOME,
            C.CASE_REVIEW_READ,
            C.PARENT_GROUPS_RUN,
        }
    ),
    # The medical-legal partner reads the chart to help with the family's legal needs; no edits.
    # It reads a program's case review too: it sits in DULCE's weekly meeting.
    Role.LEGAL_PARTNER: frozenset({C.CHART_READ, C.CASE_REVIEW_READ, C.BREAK_GLASS}),
    # The front desk books visits, checks families in, sends pre-visit links and hands the tablet
    # over; it never sees results. It also keeps the panel: who joined, who left and why, the
    # primary care clinician.
    Role.FRONT_DESK: frozenset(
        {
            C.CHART_READ,
            C.FAMILY_CREATE,
            C.FAMILY_EDIT,
            C.SCREENING_SEND,
            C.VISIT_BOOK,
            C.PANEL_IMPORT,
            C.ATTRIBUTION_MANAGE,
            C.MESSAGES_READ,
            C.NOTE_WRITE,
            C.BREAK_GLASS,
        }
    ),
    Role.PRACTICE_ADMIN: frozenset(
        {
            C.CHART_READ,
            C.FAMILY_CREATE,
            C.FAMILY_EDIT,
            C.USERS_MANAGE,
            C.AUDIT_READ,
            C.DIRECTORY_CURATE,
            C.MEASURES_READ,
            C.VISIT_BOOK,
            C.PANEL_IMPORT,
            C.ATTRIBUTION_MANAGE,
            C.MESSAGES_READ,
            C.BILLING_READ,
            C.NOTE_WRITE,
            C.PROGRAM_MANAGE,
            C.PARENT_GROUPS_RUN,
            C.COUNCIL_MANAGE,
            C.IMPROVEMENT_EDIT,
            C.APPS_MANAGE,
            C.BREAK_GLASS,
            # The admin is told of every grant and reviews it (never their own).
            C.BREAK_GLASS_REVIEW,
        }
    ),
    Role.NETWORK_ANALYST: frozenset({C.NETWORK_AGGREGATES}),
    # Parent partners run parent groups and the family council with the practice; they open no
    # chart and see no screening result (what a family shares with them is what it tells them).
    # They work the families enrolled in the programs their role delivers from their caseload,
    # which is their day, and a program's family page — never the chart
    # (docs/clinical-rules.md#parent-partners).
    Role.PARENT_PARTNER: frozenset(
        {C.PARENT_GROUPS_RUN, C.COUNCIL_MANAGE, C.PROGRAM_WORK, C.CASELOAD_HOME, C.BREAK_GLASS}
    ),
}

CLINICIAN_ROLES = frozenset({Role.PEDIATRICIAN, Role.NURSE_PRACTITIONER})

# Staff of a community organization (not a practice role): they answer the referrals sent to
# their organization and nothing else (docs/clinical-rules.md#referral-consent). If one of them
# is also on a child's care team, the family's consent to share with them says what they read.
PARTNER_CAPABILITIES = frozenset({C.REFERRAL_RESPOND, C.CARE_TEAM_OUTSIDE})
# An outside member invited onto a child's care team only (referrals.PartnerRole.CARE_TEAM):
# not the organization's referrals, only the children whose team they are on, under consent
# (docs/clinical-rules.md#outside-care-team).
OUTSIDE_MEMBER_CAPABILITIES = frozenset({C.CARE_TEAM_OUTSIDE})
PARTNER_ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    "staff": PARTNER_CAPABILITIES,
    "admin": PARTNER_CAPABILITIES,
    "care_team": OUTSIDE_MEMBER_CAPABILITIES,
}


def partner_capabilities_of(partner_role: str) -> frozenset[str]:
    return PARTNER_ROLE_CAPABILITIES.get(partner_role, frozenset())


def capabilities_of(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())
