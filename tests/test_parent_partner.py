"""The parent partner's sweep (docs/clinical-rules.md#parent-partners): logged in as the parent
partner of practice A, every staff URL of the matrix is either refused (403 or 404) or one of an
explicit list of non-clinical pages, and no allowed page shows a screening result, an alert, a
team note, a problem, a medication, a hospital event or a referral's detail of the practice's
rows (the tenancy sweep's rows, with a scored screen, a problem and a medication added)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.ehr.models import Condition, Medication
from medhome.practices.models import Membership
from medhome.screening.models import Administration

from . import program_factories
from .test_tenancy import rows_a  # noqa: F401 (the tenancy sweep's rows of practice A)
from .url_matrix import PARTNER_PAGES, POST_ONLY, PUBLIC, ROUTES, payload_for, url_for

pytestmark = pytest.mark.django_db

# What a parent partner opens, and why each is not clinical.
ALLOWED = {
    "practices:choose",  # which practice to work in
    "staff:my_languages",  # their own languages
    "programs:caseload",  # their caseload: the landing page
    "programs:family_page",  # the family's own words, the program's enrolments and contacts
    "programs:family_contact",  # recording a contact in a program their role delivers
    "breakglass:request",  # asking for emergency access: a form, nothing of the child shown
    "breakglass:end",  # ending one's own emergency access (none open here: back home)
}
# Their own account (django-allauth and its second factor): the login, the password, the
# authenticator app; no practice's row.
ACCOUNT_PREFIXES = ("account_", "mfa_")
# The apps built for them (issue 19): parent groups and the family council record nothing
# clinical; their pages are swept for clinical text all the same.
THEIR_APPS = ("parentgroups:", "council:")

STAFF_ROUTES = [(n, p) for n, p in ROUTES if n not in PUBLIC and n not in PARTNER_PAGES]

# Text of the practice's clinical rows that no page a parent partner opens may show.
CLINICAL = [
    "PHQ-9",  # the screen whose critical answer raised the alert
    "EPDS",  # the scored caregiver-depression screen
    "Edinburgh",
    "Parent asked to talk about mood",  # why the screen was started
    "Synthetic General ED",  # the hospital event
    "Called the family about the visit.",  # the team note
    "the mother mentioned feeling low",  # a contact's note for the team
    "Ran out of food this month",  # the referral's reason
    "Reactive airway disease",  # a problem from the EHR
    "Albuterol",  # a medication from the EHR
]


def _allowed(name: str) -> bool:
    return name in ALLOWED or name.startswith(ACCOUNT_PREFIXES + THEIR_APPS)


@pytest.fixture
def rows(rows_a, staff_a):  # noqa: F811
    child = rows_a["child"]
    stamp = timezone.now()
    Administration.objects.create(
        practice=child.practice,
        child=child,
        instrument_key="epds",
        instrument_version="1",
        mode="tablet",
        respondent="caregiver",
        language="en",
        status="scored",
        started_at=stamp,
        updated_at=stamp,
        submitted_at=stamp,
        administered_on=stamp.date(),
        total=19,
        band="positive",
        positive=True,
    )
    ehr = {"practice": child.practice, "child": child, "content_hash": "x", "imported_at": stamp}
    Condition.objects.create(
        **ehr, source_key="c1", code_system="http://snomed.info/sct", code="1", display=CLINICAL[8]
    )
    Medication.objects.create(**ehr, source_key="m1", display=f"{CLINICAL[9]} inhaler")
    partner = program_factories.parent_partner_rows(child, staff_a[Role.PARENT_PARTNER])
    # The program ids of the matrix are the parent partner's program's: its contact form opens.
    return {
        **rows_a,
        "program": partner["pp_program"],
        "enrolment": partner["pp_enrolment"],
        "contact": partner["pp_contact"],
    }


@pytest.fixture
def partner_client(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.PARENT_PARTNER], practice_a)


def test_every_staff_url_is_refused_or_an_allowed_non_clinical_page(partner_client, rows):
    opened, leaked = {}, {}
    for name, params in STAFF_ROUTES:
        url = url_for(name, params, rows)
        if name in POST_ONLY:
            response = partner_client.post(url, payload_for(name, rows))
        else:
            response = partner_client.get(url)
        if response.status_code in (403, 404):
            continue
        opened[name] = response.status_code
        body = response.content.decode()
        shown = [text for text in CLINICAL if text in body]
        if shown:
            leaked[name] = shown

    assert [name for name in opened if not _allowed(name)] == []
    assert leaked == {}
    # The pages of programs work do open (not refused by accident).
    assert {name: opened.get(name) for name in sorted(ALLOWED)} == {
        "practices:choose": 302,
        "programs:caseload": 200,
        "programs:family_contact": 200,
        "programs:family_page": 200,
        "staff:my_languages": 200,
        "breakglass:request": 200,
        "breakglass:end": 302,
    }


def test_the_chart_and_every_clinical_list_are_refused(partner_client, rows):
    child = rows["child"]
    refused = {
        name: partner_client.get(reverse(name, kwargs=kwargs)).status_code
        for name, kwargs in (
            ("families:chart", {"child_id": child.pk}),
            ("families:search", {}),
            ("screening:alerts", {}),
            ("screening:today", {}),
            ("screening:result", {"administration_id": rows["administration"].pk}),
            ("events:child", {"child_id": child.pk}),
            ("notes:child", {"child_id": child.pk}),
            ("timeline:child", {"child_id": child.pk}),
            ("huddle:sheet", {}),
            ("tasks:list", {}),
            ("programs:list", {}),
            ("programs:contact", {"child_id": child.pk, "program_id": rows["program"].pk}),
            ("programs:enrol", {"child_id": child.pk, "program_id": rows["program"].pk}),
            ("programs:enrolment_action", {"enrolment_id": rows["enrolment"].pk}),
        )
    }

    assert set(refused.values()) <= {403, 404}, refused


def test_the_parent_partner_lands_on_the_caseload_which_opens_the_family_page(
    partner_client, rows, practice_a
):
    landing = partner_client.post(reverse("practices:choose"), {"practice": str(practice_a.pk)})
    caseload = partner_client.get(landing["Location"])

    assert landing["Location"] == reverse("programs:caseload")
    body = caseload.content.decode()
    page = reverse("programs:family_page", kwargs={"child_id": rows["child"].pk})
    assert page in body
    assert reverse("families:chart", kwargs={"child_id": rows["child"].pk}) not in body
    assert reverse("tasks:list") not in body  # My tasks is for those who open charts


# --- the team: an admin gives a colleague the role --------------------------------------------


def test_an_admin_adds_a_parent_partner_who_lands_on_the_caseload(log_in, staff_a, practice_a):
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    form = admin.get(reverse("staff:team")).content.decode()
    added = admin.post(
        reverse("staff:team"),
        {
            "username": "new-parent-partner",
            "first_name": "Rosa",
            "last_name": "Quintero",
            "role": Role.PARENT_PARTNER,
        },
    )

    assert 'value="parent_partner"' in form
    assert added.status_code == 200
    membership = Membership.objects.get(user__username="new-parent-partner", practice=practice_a)
    assert membership.role == Role.PARENT_PARTNER
    landing = log_in(membership.user).post(
        reverse("practices:choose"), {"practice": str(practice_a.pk)}
    )
    assert landing["Location"] == reverse("programs:caseload")


def test_an_admin_changes_a_colleagues_role_to_parent_partner_and_the_chart_closes(
    log_in, staff_a, practice_a, child_a
):
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    chw = staff_a[Role.COMMUNITY_HEALTH_WORKER]
    colleague = log_in(chw, practice_a)
    chart = reverse("families:chart", kwargs={"child_id": child_a.pk})
    assert colleague.get(chart).status_code == 200
    membership = Membership.objects.get(user=chw, practice=practice_a)

    changed = admin.post(
        reverse("staff:member", kwargs={"membership_id": membership.pk}),
        {"role": Role.PARENT_PARTNER, "is_active": "on"},
    )

    assert changed.status_code in (200, 302)
    membership.refresh_from_db()
    assert membership.role == Role.PARENT_PARTNER
    assert colleague.get(chart).status_code == 403
    assert colleague.get(reverse("programs:caseload")).status_code == 200
