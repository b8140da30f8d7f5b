"""The family's groups page (portal:parent_groups): open groups in the page's language, sign up
and withdraw only oneself, clear refusals in the family's language, nothing half-saved, and no
other family in sight."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.parentgroups import services
from medhome.parentgroups.models import SignUp
from medhome.portal import links
from medhome.portal.models import FamilyLink
from tests import factories
from tests import parentgroup_factories as pg

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(partner, caregiver_a) -> str:
    return services.send_groups_link(actor=partner, caregiver=caregiver_a, at=clock.now())[1]


def url(token: str) -> str:
    return reverse("portal:parent_groups", args=[token])


def join(client, token, group, lang="es"):
    return client.post(url(token), {"action": "join", "group": str(group.pk), "lang": lang})


def test_the_page_lists_open_groups_in_the_familys_language_first(
    client, token, circle, staff_a, practice_a
):
    pg.meeting(circle, days=4, topics=["sueño"])
    pg.meeting(circle, days=-4, topics=["old"])
    pg.meeting(circle, days=5, cancelled=True, topics=["cancelada"])
    english = pg.group(
        practice_a,
        staff_a[Role.PARENT_PARTNER],
        name="Dads' night",
        kind="fathers_group",
        languages=["en"],
    )
    pg.group(practice_a, staff_a[Role.PARENT_PARTNER], name="Closed circle", open_for_sign_up=False)
    pg.group(practice_a, staff_a[Role.PARENT_PARTNER], name="Stopped circle", is_active=False)

    response = client.get(url(token))

    body = response.content.decode()
    assert response.status_code == 200 and '<html lang="es">' in body
    assert [g.name for g in response.context["ours"]] == ["Círculo de padres"]
    assert [g.name for g in response.context["others"]] == [english.name]
    assert "Grupos en otros idiomas" in body and "Anótenme" in body
    assert "sueño" in body and "old" not in body and "cancelada" not in body
    assert "Closed circle" not in body and "Stopped circle" not in body


def test_the_caregiver_signs_up_and_withdraws_themselves(client, token, circle, caregiver_a):
    joined = join(client, token, circle)
    page = client.get(joined["Location"])
    withdrawn = client.post(url(token), {"action": "withdraw", "group": str(circle.pk)})

    assert joined.status_code == 302 and "done=joined" in joined["Location"]
    assert "Quedó anotado" in page.content.decode()
    assert withdrawn.status_code == 302
    row = SignUp.objects.get()
    assert (row.caregiver, row.how, row.signed_up_by, row.withdrawn_at is not None) == (
        caregiver_a,
        "family_link",
        None,
        True,
    )


def test_withdrawn_then_signed_up_again_from_the_link(client, token, circle):
    join(client, token, circle)
    client.post(url(token), {"action": "withdraw", "group": str(circle.pk)})

    again = join(client, token, circle)

    assert again.status_code == 302
    assert SignUp.objects.filter(withdrawn_at__isnull=True).count() == 1
    assert SignUp.objects.count() == 2


def test_a_full_group_says_so_in_spanish(client, token, circle, family_a):
    circle.capacity = 1
    circle.save()
    pg.sign_up(circle, factories.add_caregiver(family_a, given_name="Rafael"))

    page = client.get(url(token))
    tried = join(client, token, circle)

    assert "Este grupo está lleno." in page.content.decode()
    assert tried.status_code == 409
    assert "Este grupo está lleno." in tried.content.decode()
    assert SignUp.objects.count() == 1


def test_already_signed_up_says_so_in_english_when_the_page_is_english(
    client, token, circle, caregiver_a
):
    pg.sign_up(circle, caregiver_a)

    tried = join(client, token, circle, lang="en")

    assert tried.status_code == 409
    assert "You are already signed up for this group." in tried.content.decode()
    assert SignUp.objects.count() == 1


def test_a_closed_group_refuses_a_sign_up(client, token, circle):
    circle.open_for_sign_up = False
    circle.save()

    tried = join(client, token, circle)

    assert tried.status_code == 409
    assert "Este grupo no está recibiendo inscripciones ahora." in tried.content.decode()
    assert not SignUp.objects.exists()


def test_withdrawing_without_a_place_is_refused(client, token, circle):
    tried = client.post(url(token), {"action": "withdraw", "group": str(circle.pk)})

    assert tried.status_code == 409
    assert "No está anotado en este grupo." in tried.content.decode()


def test_another_practices_group_is_not_found_from_the_link(client, token, circle_b):
    tried = join(client, token, circle_b)
    malformed = client.post(url(token), {"action": "join", "group": "not-a-uuid"})

    assert (tried.status_code, malformed.status_code) == (404, 404)
    assert not SignUp.objects.exists()
    assert "Riverbend readers" not in client.get(url(token)).content.decode()


def test_an_unknown_action_is_a_400(client, token, circle):
    assert client.post(url(token), {"action": "delete", "group": str(circle.pk)}).status_code == 400


def test_the_page_never_names_other_families(client, token, circle, family_b, practice_a):
    neighbours = factories.register(
        practice_a,
        family_name="Okonkwo family",
        child=factories.child_values(legal_given_name="Chidi", mrn="OK-1"),
        caregiver=factories.caregiver_values(given_name="Adaeze", family_name="Okonkwo"),
    )[2]
    pg.sign_up(circle, neighbours)

    body = client.get(url(token)).content.decode()

    assert "Adaeze" not in body and "Okonkwo" not in body
    assert "7 lugares disponibles" in body  # a count of places, nobody's name


def test_an_expired_or_revoked_link_opens_nothing(client, partner, caregiver_a, circle):
    link, token = services.send_groups_link(actor=partner, caregiver=caregiver_a, at=clock.now())

    with time_machine.travel(clock.now() + timedelta(days=61)):
        expired = join(client, token, circle)
    links.revoke_link(actor=partner, link=link, at=clock.now())
    revoked = client.get(url(token))

    assert expired.status_code == 410 and "Este enlace ya venció" in expired.content.decode()
    assert revoked.status_code == 410
    assert not SignUp.objects.exists()


def test_a_link_of_another_purpose_does_not_open_the_groups(
    client, coordinator, child_a, caregiver_a
):
    _link, care_plan_token = links.issue_link(
        actor=coordinator, purpose="care_plan", child=child_a, caregiver=caregiver_a, at=clock.now()
    )

    assert client.get(url(care_plan_token)).status_code == 404
    assert FamilyLink.objects.count() == 1


def test_the_family_page_keeps_its_query_count(
    client, token, circle, staff_a, practice_a, django_assert_max_num_queries
):
    pg.meeting(circle, days=3)
    with django_assert_max_num_queries(20) as few:
        client.get(url(token))
    for i in range(5):
        more = pg.group(practice_a, staff_a[Role.PARENT_PARTNER], name=f"Group {i}")
        pg.meeting(more, days=2)
        pg.meeting(more, days=9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(token))
    assert len(response.context["ours"]) == 6
