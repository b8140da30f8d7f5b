import pytest
from django.core.management import CommandError, call_command

from medhome.exchange.models import PartnerEndpoint
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_command_sets_and_deactivates_an_endpoint():
    pantry = factories.organization("Eastside Food Pantry")
    call_command(
        "exchange_endpoint",
        str(pantry.pk),
        "--base-url",
        "https://cbo.example/fhir",
        "--token-env",
        "CBO_TOKEN",
    )
    endpoint = PartnerEndpoint.objects.get(organization=pantry)
    assert (endpoint.base_url, endpoint.token_env, endpoint.is_active) == (
        "https://cbo.example/fhir",
        "CBO_TOKEN",
        True,
    )
    call_command("exchange_endpoint", str(pantry.pk), "--inactive")
    endpoint.refresh_from_db()
    assert endpoint.is_active is False


def test_the_command_refuses_bad_input():
    pantry = factories.organization("Eastside Food Pantry")
    with pytest.raises(CommandError, match="No such organization"):
        call_command("exchange_endpoint", "not-an-id")
    with pytest.raises(CommandError, match="base_url"):
        call_command(
            "exchange_endpoint", str(pantry.pk), "--base-url", "not a url", "--token-env", "X"
        )
    assert not PartnerEndpoint.objects.exists()
