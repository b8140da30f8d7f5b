"""Every staff page with the capability it needs, its URL from a practice's rows and a valid
POST: the table tests/test_permissions.py walks for every role (derived from the one capability
table, accounts.roles). A new staff page gets an entry here."""

from dataclasses import dataclass

from django.urls import reverse

from medhome.accounts.roles import ROLE_CAPABILITIES, Capability, Role

from . import factories


@dataclass(frozen=True)
class AllOf:
    """A page that needs every one of these capabilities."""

    capabilities: tuple[str, ...]


@dataclass(frozen=True)
class AnyOf:
    """A page that opens with any one of these capabilities."""

    capabilities: tuple[str, ...]


def allowed(need: str | AllOf | AnyOf, role: str) -> bool:
    held = ROLE_CAPABILITIES[role]
    if isinstance(need, AllOf):
        return all(capability in held for capability in need.capabilities)
    if isinstance(need, AnyOf):
        return any(capability in held for capability in need.capabilities)
    return need in held


# The chart's program forms: programs.work and the chart (a parent partner works programs from a
# program's family page instead: docs/clinical-rules.md#parent-partners).
CHART_PROGRAM_WORK = AllOf((Capability.PROGRAM_WORK, Capability.CHART_READ))

# page → (capability it needs, URL, a valid POST or None when the page takes no POST)
PAGES = {
    # The families' comments (experience:comments) are not here: beyond measures.read they are
    # the practice's quality lead's only (medhome/experience/tests/test_experience.py).
    "experience quality lead": (
        Capability.USERS_MANAGE,
        lambda r: reverse("experience:quality_lead"),
        lambda r: {"user": r["membership"].user_id},
    ),
    "experience staff entry": (
        Capability.MEASURES_READ,
        lambda r: reverse("experience:staff_entry", kwargs={"child_id": r["child"].pk}),
        lambda r: {"q1": "always", "answered_on": "2026-01-05"},
    ),
    "search": (Capability.CHART_READ, lambda r: reverse("families:search"), lambda r: {"q": "ga"}),
    "chart": (
        Capability.CHART_READ,
        lambda r: reverse("families:chart", kwargs={"child_id": r["child"].pk}),
        None,
    ),
    "register family": (
        Capability.FAMILY_CREATE,
        lambda r: reverse("families:register"),
        lambda r: factories.register_form_data(child={"mrn": "NEW-1"}),
    ),
    "add child": (
        Capability.FAMILY_EDIT,
        lambda r: reverse("families:add_child", kwargs={"family_id": r["family"].pk}),
        lambda r: factories.child_form_data(legal_given_name="Mateo", mrn="NEW-2"),
    ),
    "edit child": (
        Capability.FAMILY_EDIT,
        lambda r: reverse("families:edit_child", kwargs={"child_id": r["child"].pk}),
        lambda r: factories.child_form_data_of(r["child"], preferred_name="Sofi"),
    ),
    "add caregiver": (
        Capability.FAMILY_EDIT,
        lambda r: reverse("families:add_caregiver", kwargs={"family_id": r["family"].pk}),
        lambda r: factories.caregiver_form_data(given_name="Abuela", relationship="grandmother"),
    ),
    "edit preferences": (
        Capability.FAMILY_EDIT,
        lambda r: reverse("families:edit_preferences", kwargs={"caregiver_id": r["caregiver"].pk}),
        lambda r: factories.preferences_form_data(r["caregiver"], strengths="Changed"),
    ),
    "my tasks": (Capability.CHART_READ, lambda r: reverse("tasks:list"), None),
    "outbox": (Capability.MESSAGES_READ, lambda r: reverse("messaging:outbox"), None),
    "message texts": (Capability.MESSAGES_READ, lambda r: reverse("messaging:preview"), None),
    "phone calls": (Capability.MESSAGES_READ, lambda r: reverse("messaging:calls"), None),
    "reaching families figures": (
        Capability.MEASURES_READ,
        lambda r: reverse("messaging:figures"),
        None,
    ),
    "recall list": (
        Capability.SCREENING_SEND,
        lambda r: reverse("messaging:recall"),
        lambda r: {"family": [r["family"].pk]},
    ),
    "family's messages": (
        Capability.MESSAGES_READ,
        lambda r: reverse("messaging:child", kwargs={"child_id": r["child"].pk}),
        None,
    ),
    "billing day CSV": (Capability.BILLING_READ, lambda r: reverse("billing:day"), None),
    "case review": (Capability.PLAN_EDIT, lambda r: reverse("casereview:list"), None),
    "family's case review": (
        Capability.PLAN_EDIT,
        lambda r: reverse("casereview:family", kwargs={"family_id": r["family"].pk}),
        None,
    ),
    # DULCE's weekly review: the legal partner sits in the meeting and reads it.
    "program's case review": (
        Capability.CASE_REVIEW_READ,
        lambda r: reverse("casereview:program", kwargs={"program_id": r["program"].pk}),
        None,
    ),
    "network": (Capability.NETWORK_AGGREGATES, lambda r: reverse("families:network"), None),
    "outside members of the care team": (
        Capability.PLAN_EDIT,
        lambda r: reverse("careplan:outside_members", kwargs={"plan_id": r["plan"].pk}),
        lambda r: {
            "name": "Nadia Fairweather",
            "external_role": "early_intervention",
            "email": "nadia@example.org",
            "new_organization": "Bay State Early Intervention",
        },
    ),
    "consent to share with an outside member": (
        Capability.PLAN_EDIT,
        lambda r: reverse(
            "careplan:outside_consent", kwargs={"outside_member_id": r["outside_member"].pk}
        ),
        lambda r: {"given_by": r["caregiver"].pk, "method": "verbal"},
    ),
    # The morning huddle is the whole care team's; results on it follow screening.results.
    "huddle sheet": (Capability.CHART_READ, lambda r: reverse("huddle:sheet"), None),
    "huddle sheet PDF": (Capability.CHART_READ, lambda r: reverse("huddle:pdf"), None),
    "programs": (Capability.CHART_READ, lambda r: reverse("programs:list"), None),
    "a program": (
        Capability.CHART_READ,
        lambda r: reverse("programs:detail", kwargs={"program_id": r["program"].pk}),
        None,
    ),
    # A caseload is anyone's who reads charts (empty for most) or works programs (a parent
    # partner's); a colleague's needs programs.manage.
    "caseload": (
        AnyOf((Capability.CHART_READ, Capability.PROGRAM_WORK)),
        lambda r: reverse("programs:caseload"),
        None,
    ),
    # A program's family page and its contact form: programs.work, without the chart.
    "a program's family page": (
        Capability.PROGRAM_WORK,
        lambda r: reverse("programs:family_page", kwargs={"child_id": r["child"].pk}),
        None,
    ),
    "record a contact from the family page": (
        Capability.PROGRAM_WORK,
        lambda r: reverse(
            "programs:family_contact",
            kwargs={"child_id": r["child"].pk, "program_id": r["pp_program"].pk},
        ),
        lambda r: {"kind": "contact", "setting": "phone", "strengths": "Intruder"},
    ),
    # The chart's Programs forms are for those who work programs and open charts; the offer
    # button (POST only) is swept by tests/test_tenancy.py and medhome/programs/tests.
    "enrol in a program": (
        CHART_PROGRAM_WORK,
        lambda r: reverse("programs:enrol", kwargs=_child_program(r)),
        lambda r: {"on": "2026-01-02", "agreement": "spoken"},
    ),
    "record a program contact": (
        CHART_PROGRAM_WORK,
        lambda r: reverse("programs:contact", kwargs=_child_program(r)),
        lambda r: {"kind": "chw_outreach", "setting": "phone", "outcome": "reached"},
    ),
    "an enrolment's steps": (
        CHART_PROGRAM_WORK,
        lambda r: reverse("programs:enrolment_action", kwargs={"enrolment_id": r["enrolment"].pk}),
        lambda r: {"action": "left", "on": "2026-01-02", "reason": "Moved away"},
    ),
    # Parent groups are run without chart.read: the parent partner opens every one of them.
    "parent groups": (Capability.PARENT_GROUPS_RUN, lambda r: reverse("parentgroups:list"), None),
    "add a parent group": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:create"),
        lambda r: _group_payload(r, "Story time"),
    ),
    "a parent group": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:detail", kwargs={"group_id": r["parent_group"].pk}),
        None,
    ),
    "change a parent group": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:edit", kwargs={"group_id": r["parent_group"].pk}),
        lambda r: _group_payload(r, "Renamed"),
    ),
    "sign a caregiver up for a group": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:sign_up", kwargs={"group_id": r["parent_group"].pk}),
        lambda r: {"caregiver": r["free_caregiver"].pk},
    ),
    "a group meeting's attendance": (
        Capability.PARENT_GROUPS_RUN,
        lambda r: reverse("parentgroups:attendance", kwargs={"meeting_id": r["meeting"].pk}),
        lambda r: {f"came-{r['caregiver'].pk}": "yes"},
    ),
    "team": (
        Capability.USERS_MANAGE,
        lambda r: reverse("staff:team"),
        lambda r: {
            "username": "new-colleague",
            "first_name": "Nia",
            "last_name": "Ng",
            "role": Role.NURSE,
        },
    ),
    "when the measures are computed": (
        Capability.USERS_MANAGE,
        lambda r: reverse("staff:measures_refresh"),
        lambda r: {"measures_refresh": "on_change"},
    ),
    "language coverage": (
        Capability.MEASURES_READ,
        lambda r: reverse("measures:language_coverage"),
        None,
    ),
    "a team member's languages": (
        Capability.USERS_MANAGE,
        lambda r: reverse("staff:member_languages", kwargs={"membership_id": r["membership"].pk}),
        lambda r: {"action": "add", "language": "vi", "proficiency": "fluent"},
    ),
    "improvement cycles": (Capability.MEASURES_READ, lambda r: reverse("improvement:list"), None),
    "an improvement cycle": (
        Capability.MEASURES_READ,
        lambda r: reverse("improvement:detail", kwargs={"cycle_id": r["cycle"].pk}),
        None,
    ),
    "start an improvement cycle": (
        Capability.IMPROVEMENT_EDIT,
        lambda r: reverse("improvement:new"),
        lambda r: _cycle_form(r),
    ),
    "edit an improvement cycle": (
        Capability.IMPROVEMENT_EDIT,
        lambda r: reverse("improvement:edit", kwargs={"cycle_id": r["cycle"].pk}),
        lambda r: _cycle_form(r),
    ),
    # The family council: coordinators, admins and parent partners (who read no charts).
    "family council": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:list"),
        lambda r: {"name": "Parents' voice", "started_on": "2026-01-05"},
    ),
    "a council": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:detail", kwargs={"council_id": r["council"].pk}),
        None,
    ),
    "add a council member": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:add_member", kwargs={"council_id": r["council"].pk}),
        lambda r: {
            "name": "Odalys",
            "language": "es",
            "reach_by": "text",
            "contact_detail": "+15555550111",
            "consent_given_on": "2026-01-05",
            "consent_method": "verbal",
        },
    ),
    "a council member withdraws": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse(
            "council:withdraw_member", kwargs={"council_member_id": r["council_member"].pk}
        ),
        lambda r: {"withdrawn_on": "2026-02-01"},
    ),
    "record a council meeting": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:record_meeting", kwargs={"council_id": r["council"].pk}),
        lambda r: {"held_on": "2026-02-01", "format": "video", "place": "Video", "agenda": "Hours"},
    ),
    "record a recommendation": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse("council:add_recommendation", kwargs={"council_id": r["council"].pk}),
        lambda r: {"raised_on": "2026-02-01", "asked_en": "Evening hours"},
    ),
    "a recommendation": (
        Capability.COUNCIL_MANAGE,
        lambda r: reverse(
            "council:recommendation", kwargs={"recommendation_id": r["recommendation"].pk}
        ),
        lambda r: {"asked_en": "Changed"},
    ),
    "group care": (Capability.GROUPCARE_RUN, lambda r: reverse("groupcare:list"), None),
    "a group": (
        Capability.GROUPCARE_RUN,
        lambda r: reverse("groupcare:cohort", kwargs={"cohort_id": r["cohort"].pk}),
        None,
    ),
    "a group session": (
        Capability.GROUPCARE_RUN,
        lambda r: reverse("groupcare:session", kwargs={"session_id": r["session"].pk}),
        None,
    ),
    # The practice's connections (medhome/exchange/urls_staff.py).
    "Open Referral API": (
        Capability.DIRECTORY_CURATE,
        lambda r: reverse("connections:openreferral"),
        lambda r: {"mode": "public"},
    ),
    "partner FHIR endpoints": (
        Capability.USERS_MANAGE,
        lambda r: reverse("connections:endpoints"),
        lambda r: {
            "organization": r["endpoint"].organization_id,
            "base_url": "https://intruder.example/fhir",
            "token_env": "MEDHOME_PARTNER_X",
        },
    ),
    "a partner FHIR endpoint": (
        Capability.USERS_MANAGE,
        lambda r: reverse("connections:endpoint", kwargs={"endpoint_id": r["endpoint"].pk}),
        lambda r: {"base_url": "https://intruder.example/fhir", "token_env": "MEDHOME_PARTNER_X"},
    ),
    "team member": (
        Capability.USERS_MANAGE,
        lambda r: reverse("staff:member", kwargs={"membership_id": r["membership"].pk}),
        lambda r: {"role": Role.NETWORK_ANALYST, "is_active": "on"},
    ),
    # Break-glass (medhome.breakglass): the roles it reaches beyond ask; the admin reviews.
    "emergency access": (
        Capability.BREAK_GLASS,
        lambda r: reverse("breakglass:request", kwargs={"child_id": r["child"].pk}),
        lambda r: {
            "reason_category": "urgent_care",
            "reason_text": "The child is unwell at the desk and the nurse is busy",
        },
    ),
    "emergency access grants": (
        Capability.BREAK_GLASS_REVIEW,
        lambda r: reverse("breakglass:grants"),
        None,
    ),
}


def _group_payload(rows: dict, name: str) -> dict:
    return {
        "kind": "reading_group",
        "name": name,
        "languages": ["en"],
        "leader": rows["parent_group"].leader_id,
        "capacity": 5,
        "is_active": "on",
    }


def _cycle_form(rows: dict) -> dict:
    return {
        "title": "Changed",
        "aim_what": "More visits",
        "aim_how_much": "10 points",
        "aim_by": "2027-01-02",
        "measure_key": "w30_1",
        "owner": str(rows["membership"].user_id),
    }


def _child_program(rows: dict) -> dict:
    return {"child_id": rows["child"].pk, "program_id": rows["program"].pk}
