"""The council's staff pages as the parent partner uses them (council.manage, no chart.read),
their query counts, the network's read-only view and refusals outside the network."""

import re
from datetime import date

import pytest
from django.urls import reverse

from medhome.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from medhome.audit.models import AuditEvent
from medhome.council.models import Compensation, Council, Meeting, Member, Recommendation
from medhome.council.models import RecommendationStatus as S
from tests import council_factories as cf
from tests import factories

pytestmark = pytest.mark.django_db
CLINICAL_LINK = re.compile(
    r'href="/(children|families/[0-9a-f-]{36}/(?!you-said)|screening|referrals)'
)


@pytest.fixture
def client_partner(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.PARENT_PARTNER], practice_a)


def test_the_parent_partner_manages_the_council_without_reading_charts():
    assert Capability.COUNCIL_MANAGE in ROLE_CAPABILITIES[Role.PARENT_PARTNER]
    assert Capability.CHART_READ not in ROLE_CAPABILITIES[Role.PARENT_PARTNER]


def test_a_council_is_started_from_the_list(client_partner, practice_a):
    empty = client_partner.post(reverse("council:list"), {"name": "", "started_on": "2026-01-05"})
    started = client_partner.post(
        reverse("council:list"),
        {"name": "Parents' voice", "network_wide": "on", "started_on": "2026-01-05"},
    )

    assert empty.status_code == 400
    council = Council.objects.get(practice=practice_a)
    assert (council.name, council.network_wide) == ("Parents' voice", True)
    assert started["Location"] == reverse("council:detail", args=[council.pk])


def test_a_member_is_added_from_a_caregiver_link(client_partner, council, caregiver_a):
    url = reverse("council:add_member", args=[council.pk])

    form = client_partner.get(url, {"caregiver": str(caregiver_a.pk)})
    added = client_partner.post(
        url,
        {
            "name": "Mari",
            "language": "es",
            "reach_by": "text",
            "contact_detail": "+16175550142",
            "consent_given_on": "2026-01-05",
            "consent_method": "written",
            "caregiver": str(caregiver_a.pk),
        },
    )
    malformed = client_partner.get(url, {"caregiver": "not-an-id"})

    assert form.context["form"].initial["name"] == caregiver_a.given_name
    assert added.status_code == 302
    assert Member.objects.get(council=council).caregiver == caregiver_a
    assert malformed.status_code == 400


def test_a_member_form_shows_the_services_message(client_partner, council):
    refused = client_partner.post(
        reverse("council:add_member", args=[council.pk]),
        {
            "name": "Mari",
            "language": "es",
            "reach_by": "email",
            "contact_detail": "",
            "consent_given_on": "2026-01-05",
            "consent_method": "written",
        },
    )

    assert refused.status_code == 400
    assert "Write the number, email or address" in refused.content.decode()
    assert not Member.objects.exists()


def test_a_meeting_with_attendance_and_compensation_in_one_form(client_partner, council, member):
    stayed_home = cf.member(council, "Anselma Rookwood")
    key, other = member.pk.hex, stayed_home.pk.hex
    url = reverse("council:record_meeting", args=[council.pk])
    values = {
        "held_on": "2026-11-03",
        "format": "in_person",
        "place": "Community room",
        "agenda": "Evening hours",
        f"came_{key}": "on",
        f"amount_{key}": "50",
        f"form_{key}": "gift_card",
    }

    bad = client_partner.post(url, {**values, f"form_{key}": "", f"amount_{key}": "-1"})
    good = client_partner.post(url, values)

    assert bad.status_code == 400
    assert "cannot be negative" in bad.content.decode()
    assert good.status_code == 302
    meeting = Meeting.objects.get()
    assert [a.member for a in meeting.attendance.all()] == [member]
    paid = Compensation.objects.get()
    assert (paid.amount, paid.form, paid.paid_on) == (50, "gift_card", date(2026, 11, 3))
    assert other not in str(meeting.attendance.values_list("member", flat=True))


def test_a_recommendation_is_created_edited_and_moved_through_its_pages(
    client_partner, council, member
):
    created = client_partner.post(
        reverse("council:add_recommendation", args=[council.pk]),
        {
            "raised_on": "2026-11-03",
            "raised_by": [member.pk.hex],
            "asked_en": "Evening hours",
            "asked_es": "Horario de tarde",
        },
    )
    recommendation = Recommendation.objects.get()
    page = reverse("council:recommendation", args=[recommendation.pk])
    status = reverse("council:recommendation_status", args=[recommendation.pk])

    skipped = client_partner.post(status, {"status": S.DONE})
    client_partner.post(status, {"status": S.UNDER_REVIEW})
    client_partner.post(status, {"status": S.IN_PROGRESS})
    unanswered = client_partner.post(status, {"status": S.DONE})
    client_partner.post(
        page,
        {
            "asked_en": "Evening hours",
            "answer_en": "Open till 7.",
            "asked_es": "Horario de tarde",
            "answer_es": "Hasta las 7.",
        },
    )
    done = client_partner.post(status, {"status": S.DONE})
    final = client_partner.get(page)

    assert created["Location"] == page
    assert skipped.status_code == 400
    assert "A recommendation that is “Heard” cannot become “Done”." in skipped.content.decode()
    assert unanswered.status_code == 400
    assert "Write the practice&#x27;s answer in English, Spanish" in unanswered.content.decode()
    assert done.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == S.DONE
    assert recommendation.changes.count() == 5  # heard, 3 moves, one text edit
    assert "Done: a new request is a new recommendation." in final.content.decode()


def test_the_pages_link_to_nothing_clinical(client_partner, council, member, partner):
    recommendation = cf.recommendation(council, raised_by=[member])
    cf.attended(cf.meeting(council, partner.user), member, partner.user)
    urls = [
        reverse("council:list"),
        reverse("council:detail", args=[council.pk]),
        reverse("council:add_member", args=[council.pk]),
        reverse("council:record_meeting", args=[council.pk]),
        reverse("council:add_recommendation", args=[council.pk]),
        reverse("council:recommendation", args=[recommendation.pk]),
    ]

    bodies = [client_partner.get(url).content.decode() for url in urls]

    assert [CLINICAL_LINK.findall(body) for body in bodies] == [[]] * len(urls)


def test_opening_a_council_is_audited(client_partner, council):
    cf.member(council, "Renata Solís", language="es")

    page = client_partner.get(reverse("council:detail", args=[council.pk])).content.decode()

    assert "Spanish" in page  # the member's language by name, not its tag

    assert AuditEvent.objects.filter(object_type="council", action="view").count() == 1


def _grow(council, user, n: int) -> None:
    for i in range(n):
        who = cf.member(council, f"Member number {i}")
        meeting = cf.meeting(council, user, held_on=date(2025 + i % 2, 3, 1 + i))
        cf.attended(meeting, who, user)
        cf.recommendation(council, english=f"Ask {i}", meeting=meeting, raised_by=[who])


def test_the_council_page_takes_the_same_queries_whatever_its_size(
    client_partner, council, partner, django_assert_max_num_queries
):
    url = reverse("council:detail", args=[council.pk])
    _grow(council, partner.user, 1)
    client_partner.get(url)
    with django_assert_max_num_queries(30) as small:
        client_partner.get(url)
    _grow(council, partner.user, 8)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client_partner.get(url)

    assert response.status_code == 200


def test_the_list_takes_the_same_queries_whatever_the_number_of_councils(
    client_partner, practice_a, practice_b, django_assert_max_num_queries
):
    cf.council(practice_a)
    cf.council(practice_b, name="Network", network_wide=True)
    with django_assert_max_num_queries(30) as small:
        client_partner.get(reverse("council:list"))
    for i in range(5):
        cf.council(practice_a, name=f"C{i}")
        cf.council(practice_b, name=f"N{i}", network_wide=True)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client_partner.get(reverse("council:list"))

    assert len(response.context["network_councils"]) == 6


# --- the network ------------------------------------------------------------------------------


def test_a_network_council_is_read_only_for_the_networks_other_practices(
    client_partner, practice_b, clinician_b
):
    network_council = cf.council(practice_b, name="Commonwealth parents", network_wide=True)
    who = cf.member(network_council, "Octavia Bramblecote")
    recommendation = cf.recommendation(network_council, english="Interpreters at every visit")

    listed = client_partner.get(reverse("council:list"))
    page = client_partner.get(reverse("council:detail", args=[network_council.pk]))
    refused = [
        client_partner.get(reverse("council:add_member", args=[network_council.pk])),
        client_partner.get(reverse("council:record_meeting", args=[network_council.pk])),
        client_partner.get(reverse("council:add_recommendation", args=[network_council.pk])),
        client_partner.get(reverse("council:recommendation", args=[recommendation.pk])),
        client_partner.post(
            reverse("council:recommendation_status", args=[recommendation.pk]),
            {"status": S.UNDER_REVIEW},
        ),
        client_partner.get(reverse("council:withdraw_member", args=[who.pk])),
    ]

    assert "Commonwealth parents" in listed.content.decode()
    body = page.content.decode()
    assert page.status_code == 200
    assert "Interpreters at every visit" in body and "Octavia" not in body
    assert "Read-only" in body
    assert [r.status_code for r in refused] == [404] * 6
    recommendation.refresh_from_db()
    assert recommendation.status == S.HEARD


def test_a_practice_own_council_is_not_the_networks(client_partner, practice_b):
    own_b = cf.council(practice_b, name="Riverbend parents")

    assert client_partner.get(reverse("council:detail", args=[own_b.pk])).status_code == 404
    assert "Riverbend parents" not in client_partner.get(reverse("council:list")).content.decode()


def test_another_networks_practice_is_refused_everything(log_in, staff_a):
    elsewhere = factories.make_practice(
        "Far Away Pediatrics", network=factories.make_network("Another network")
    )
    network_council = cf.council(elsewhere, name="Far parents", network_wide=True)
    recommendation = cf.recommendation(network_council, english="Far ask")
    client = log_in(
        staff_a[Role.PARENT_PARTNER], staff_a[Role.PARENT_PARTNER].memberships.get().practice
    )

    listed = client.get(reverse("council:list"))
    detail = client.get(reverse("council:detail", args=[network_council.pk]))
    item = client.get(reverse("council:recommendation", args=[recommendation.pk]))
    public_a = client.get(
        reverse(
            "council:you_said_we_did",
            args=[staff_a[Role.PARENT_PARTNER].memberships.get().practice_id],
        )
    )

    assert "Far parents" not in listed.content.decode()
    assert (detail.status_code, item.status_code) == (404, 404)
    assert "Far ask" not in public_a.content.decode()
