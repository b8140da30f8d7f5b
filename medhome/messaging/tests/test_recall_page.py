"""The recall worklist (messaging:recall): who may use it, sending from it, its cost."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.messaging.models import Message, MessageKind
from medhome.messaging.services.recall import plan_recalls

from .helpers import AT, DAY, consent, family

pytestmark = pytest.mark.django_db

OVERDUE = date(2025, 12, 1)
URL = reverse("messaging:recall")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("medhome.core.clock.now", lambda: AT)


@pytest.fixture
def front_desk(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.FRONT_DESK], practice_a)


def families(practice, n, *, start=0):
    found = []
    for i in range(start, start + n):
        child, carer = family(practice, born=OVERDUE, mrn=f"M-{i}", phone=f"+1617555{i:04d}")
        consent(carer, "text")
        found.append(child)
    return found


def test_the_front_desk_sees_each_family_to_recall_and_how_to_reach_it(front_desk, practice_a):
    (child,) = families(practice_a, 1)

    page = front_desk.get(URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert child.legal_family_name in html
    assert "well-child visit overdue" in html
    assert "Spanish" in html and "Text message" in html
    assert "Monday 17:00–19:00" in html
    assert "Send recall" in html
    assert "good times" in html
    assert AuditEvent.objects.filter(object_type="recall_list", action="search").exists()


@pytest.mark.parametrize("role", [Role.PRACTICE_ADMIN, Role.LEGAL_PARTNER, Role.NETWORK_ANALYST])
def test_roles_that_send_no_family_link_may_not_recall(log_in, staff_a, practice_a, role):
    (child,) = families(practice_a, 1)
    client = log_in(staff_a[role], practice_a)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"family": [child.family_id]}).status_code == 403
    one = reverse("messaging:recall_family", args=[child.family_id])
    assert client.post(one).status_code == 403
    assert not Message.objects.exists()


def test_sending_to_all_selected_plans_one_recall_per_child(front_desk, practice_a):
    children = families(practice_a, 3)

    response = front_desk.post(URL, {"family": [c.family_id for c in children]}, follow=True)

    assert Message.objects.filter(kind=MessageKind.RECALL).count() == 3
    assert "3 recalls planned" in response.content.decode()
    assert set(
        AuditEvent.objects.filter(object_type="messaging.message").values_list(
            "actor_id", flat=True
        )
    ) == {response.wsgi_request.user.pk}


def test_another_practices_family_in_a_post_is_left_out_with_a_message(
    front_desk, practice_a, practice_b
):
    (own,) = families(practice_a, 1)
    (other,) = families(practice_b, 1, start=5)

    response = front_desk.post(
        URL, {"family": [own.family_id, other.family_id, "not-an-id"]}, follow=True
    )

    html = response.content.decode()
    assert "2 of the chosen families are not on this practice&#x27;s list" in html
    assert list(Message.objects.values_list("child", flat=True)) == [own.pk]


def test_sending_with_nothing_ticked_says_so(front_desk, practice_a):
    families(practice_a, 1)

    response = front_desk.post(URL, {}, follow=True)

    assert "Tick at least one family" in response.content.decode()
    assert not Message.objects.exists()


def test_one_familys_button_swaps_its_row_for_its_recall(front_desk, practice_a):
    (child,) = families(practice_a, 1)
    one = reverse("messaging:recall_family", args=[child.family_id])

    row = front_desk.post(one, HTTP_HX_REQUEST="true")

    assert row.status_code == 200
    html = row.content.decode()
    assert html.lstrip().startswith(f'<tr id="recall-{child.family_id}"')
    assert "recalled on 03/09/2026" in html
    assert "Send recall" not in html
    assert Message.objects.filter(child=child).count() == 1


def test_one_familys_button_without_htmx_goes_back_to_the_list(front_desk, practice_a):
    (child,) = families(practice_a, 1)
    one = reverse("messaging:recall_family", args=[child.family_id])

    response = front_desk.post(one)

    assert response.status_code == 302 and response["Location"] == URL
    assert Message.objects.filter(child=child).count() == 1


def test_another_practices_family_button_answers_404(front_desk, practice_b):
    (other,) = families(practice_b, 1)

    response = front_desk.post(reverse("messaging:recall_family", args=[other.family_id]))

    assert response.status_code == 404
    assert not Message.objects.exists()


def test_a_family_recalled_lately_shows_when_and_cannot_be_ticked(front_desk, practice_a):
    (child,) = families(practice_a, 1)
    plan_recalls(practice=practice_a, on=DAY, at=AT)

    html = front_desk.get(URL).content.decode()

    assert "recalled on 03/09/2026" in html
    assert f'value="{child.family_id}"' not in html
    assert "Held until a good time" in html


def test_the_page_costs_the_same_queries_for_two_families_or_six(front_desk, practice_a):
    families(practice_a, 2)
    front_desk.get(URL)  # the session and the caches warm
    with CaptureQueriesContext(connection) as few:
        front_desk.get(URL)
    families(practice_a, 4, start=2)
    plan_recalls(practice=practice_a, on=DAY, at=AT)

    with CaptureQueriesContext(connection) as many:
        page = front_desk.get(URL)

    assert page.content.decode().count('<tr id="recall-') == 6
    assert len(many) == len(few)
