"""`manage.py start_practice`: the first practice and its admin on an empty database, the
one-time link that lets the admin choose a password, an existing account kept as it is, and bad
input refused with nothing created."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from medhome.accounts.models import User
from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.audit.services import verify_chain
from medhome.practices.models import Membership, Network, Practice
from tests import factories

pytestmark = pytest.mark.django_db

ARGS = {
    "practice": "Riverbend Pediatrics",
    "state": "ri",
    "phone": "401-555-0150",
    "network": "Ocean State Collaborative",
    "admin_username": "Ana.Admin",
    "admin_first_name": "Ana",
    "admin_last_name": "Okafor",
    "admin_email": "ana@riverbend.example",
    "base_url": "https://medhome.riverbend.example/",
}


def start(**changes):
    out = StringIO()
    call_command("start_practice", **{**ARGS, **changes}, stdout=out)
    return out.getvalue()


def test_the_first_practice_and_its_admin_with_a_one_time_link(client):
    printed = start()
    practice = Practice.objects.get()
    assert (practice.name, practice.state, practice.phone) == (
        "Riverbend Pediatrics",
        "RI",
        "401-555-0150",
    )
    assert practice.network == Network.objects.get(name="Ocean State Collaborative")
    admin = User.objects.get(username="ana.admin")
    assert not admin.has_usable_password()
    membership = Membership.objects.get(user=admin)
    assert (membership.practice, membership.role, membership.is_active) == (
        practice,
        Role.PRACTICE_ADMIN,
        True,
    )
    events = AuditEvent.objects.filter(practice=practice)
    assert sorted(events.values_list("object_type", flat=True)) == ["membership", "practice"]
    assert verify_chain(practice) == []
    link = printed.strip().splitlines()[-1]
    assert link.startswith("https://medhome.riverbend.example/")
    form = client.get(link.removeprefix("https://medhome.riverbend.example"), follow=True)
    assert form.status_code == 200
    chosen = "a long river bend 2026"
    answer = client.post(
        form.redirect_chain[-1][0], {"new_password1": chosen, "new_password2": chosen}
    )
    assert answer.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password(chosen)
    # Used once: the same link no longer opens the form.
    again = client.get(link.removeprefix("https://medhome.riverbend.example"), follow=True)
    assert b"new_password1" not in again.content


def test_an_existing_account_becomes_the_admin_as_it_is():
    user = factories.make_user("ana.admin")
    printed = start()
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)
    assert Membership.objects.get(user=user).role == Role.PRACTICE_ADMIN
    assert "signs in as before" in printed and "http" not in printed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"state": "Rhode Island"}, "state: Give the two-letter US state code, e.g. RI."),
        ({"admin_email": "not an email"}, "email: Enter a valid email address."),
        ({"practice": "  "}, "name: This field cannot be blank."),
    ],
)
def test_bad_input_creates_nothing(changes, message):
    with pytest.raises(CommandError) as refused:
        start(**changes)
    assert str(refused.value).startswith("Nothing was created.")
    assert message in str(refused.value)
    assert not Practice.objects.exists()
    assert not Network.objects.exists()
    assert not User.objects.exists()


def test_a_second_practice_of_the_same_name_is_refused():
    start()
    with pytest.raises(CommandError, match="A practice with this name already exists."):
        start(practice="riverbend pediatrics", admin_username="someone.else")
    assert Practice.objects.count() == 1
    assert not User.objects.filter(username="someone.else").exists()
