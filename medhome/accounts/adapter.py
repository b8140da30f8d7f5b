from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest

from medhome.core import clock

from . import secrets_at_rest

MFA_APP = "allauth.mfa"


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by a practice admin (the team page), never by signing up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Within minutes of logging in, setting up the second factor asks for no password again.

        allauth counts only explicit reauthentications as recent; a fresh login (password, and the
        code once one exists) is as recent, and asking again right after it only confuses.
        Later on, changing or removing the second factor asks to reauthenticate as usual.
        """
        request = context.request
        if app == MFA_APP and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and clock.now().timestamp() - records[-1]["at"] < (
                account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class StaffMfaAdapter(DefaultMFAAdapter):
    """Passkeys are bound to medhome's own domain, and named after medhome, not the host; TOTP
    keys and recovery seeds are stored encrypted (secrets_at_rest)."""

    def encrypt(self, text: str) -> str:
        return secrets_at_rest.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secrets_at_rest.decrypt(encrypted_text)

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        # The request's host has passed ALLOWED_HOSTS; a pinned id keeps one passkey working
        # under every name the site answers to (and under the subdomains of the id).
        rp_id = settings.MEDHOME_WEBAUTHN_RP_ID or context.request.get_host().partition(":")[0]
        return {"id": rp_id, "name": "medhome"}
