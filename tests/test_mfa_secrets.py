"""The second factor's secrets at rest: encrypted, still working, refused in the clear, and
re-encrypted under a new key."""

import importlib
import io
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command

from medhome.accounts import secrets_at_rest

pytestmark = pytest.mark.django_db


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(autouse=True)
def _fresh_keys():
    secrets_at_rest._fernet.cache_clear()
    yield
    secrets_at_rest._fernet.cache_clear()


def test_a_totp_key_is_stored_encrypted_and_still_checks_a_code(clinician_a):
    secret = generate_totp_secret()
    totp = TOTP.activate(clinician_a, secret)
    stored = Authenticator.objects.get(pk=totp.instance.pk).data["secret"]
    assert stored.startswith("fernet:")
    assert secret not in stored
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(code_now(secret))


def test_recovery_codes_come_from_an_encrypted_seed(clinician_a):
    codes = RecoveryCodes.activate(clinician_a)
    stored = Authenticator.objects.get(pk=codes.instance.pk).data["seed"]
    assert stored.startswith("fernet:")
    assert len(codes.generate_codes()) > 0
    again = RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).generate_codes()
    assert again == codes.generate_codes()


def test_a_secret_in_the_clear_is_refused_not_used():
    with pytest.raises(ValueError, match="unencrypted"):
        secrets_at_rest.decrypt("JBSWY3DPEHPK3PXP")


def test_a_secret_under_an_unknown_key_is_refused():
    foreign = Fernet(Fernet.generate_key()).encrypt(b"JBSWY3DPEHPK3PXP").decode()
    with pytest.raises(ValueError, match="does not decrypt"):
        secrets_at_rest.decrypt("fernet:" + foreign)


def test_a_new_key_first_then_the_command_moves_every_secret_to_it(clinician_a, settings):
    secret = generate_totp_secret()
    totp = TOTP.activate(clinician_a, secret)
    new = Fernet.generate_key().decode()
    settings.MEDHOME_MFA_KEYS = [new]
    secrets_at_rest._fernet.cache_clear()
    said = io.StringIO()
    call_command("reencrypt_mfa_secrets", stdout=said)
    assert "1 authenticators re-encrypted" in said.getvalue()
    stored = Authenticator.objects.get(pk=totp.instance.pk).data["secret"]
    assert Fernet(new.encode()).decrypt(stored.removeprefix("fernet:").encode()).decode() == secret
    # The SECRET_KEY can now change: the new key alone reads it.
    settings.SECRET_KEY = "another-secret-key-" * 4
    secrets_at_rest._fernet.cache_clear()
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(code_now(secret))


def test_the_migration_encrypts_what_was_stored_in_the_clear(clinician_a):
    Authenticator.objects.create(user=clinician_a, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    Authenticator.objects.create(
        user=clinician_a, type="recovery_codes", data={"seed": "ab" * 40, "used_mask": 0}
    )
    migration = importlib.import_module("medhome.accounts.migrations.0002_encrypt_mfa_secrets")
    migration.encrypt_existing(apps, None)
    totp = Authenticator.objects.get(type="totp").data["secret"]
    seed = Authenticator.objects.get(type="recovery_codes").data
    assert secrets_at_rest.decrypt(totp) == "JBSWY3DPEHPK3PXP"
    assert secrets_at_rest.decrypt(seed["seed"]) == "ab" * 40
    assert seed["used_mask"] == 0
    migration.encrypt_existing(apps, None)  # twice: already encrypted values are left alone
    assert Authenticator.objects.get(type="totp").data["secret"] == totp
