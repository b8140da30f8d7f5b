"""Rows for the connections pages (practice/connections/): an Open Referral token of the
practice and the FHIR endpoint of the organization its referral went to."""

from medhome.core import clock
from medhome.directory.models import OpenReferralToken
from medhome.directory.openreferral_access import token_digest
from medhome.exchange.models import PartnerEndpoint


def connection_rows(referral) -> dict:
    token = OpenReferralToken.objects.create(
        practice=referral.practice,
        partner=f"211 of {referral.practice.name}",
        token_digest=token_digest(f"token-of-{referral.pk}"),
        created_at=clock.now(),
    )
    endpoint = PartnerEndpoint.objects.create(
        organization=referral.organization,
        base_url="https://fhir.partner.example/r4",
        token_env="MEDHOME_PARTNER_PANTRY_TOKEN",
    )
    return {"or_token": token, "endpoint": endpoint}
