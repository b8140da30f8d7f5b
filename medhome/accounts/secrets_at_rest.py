"""The second factor's secrets encrypted at rest: a staff member's TOTP key and the seed of
their recovery codes never lie in the database in the clear (allauth calls the MFA adapter's
encrypt/decrypt around every read and write of them).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`, already a dependency). The keys come
from MEDHOME_MFA_KEYS (comma-separated Fernet keys: the first encrypts, every one decrypts),
then one key derived from the SECRET_KEY with HKDF (which encrypts while MEDHOME_MFA_KEYS is
unset). To rotate, put a new key first and run `manage.py reencrypt_mfa_secrets`; after it, the
old key and the SECRET_KEY can change (docs/deploy.md). A stored value carries the prefix
"fernet:"; anything else is refused, never taken as a plaintext secret.
"""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "fernet:"
# The allauth Authenticator types whose data hold a secret, and its keys there.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def derived_key(secret_key: str) -> bytes:
    """The Fernet key HKDF derives from a SECRET_KEY."""
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"medhome mfa secrets at rest"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    chosen = [key.strip().encode() for key in keys if key.strip()] + [derived_key(secret_key)]
    return MultiFernet([Fernet(key) for key in chosen])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.MEDHOME_MFA_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("an MFA secret is stored unencrypted")
    try:
        return fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise ValueError("an MFA secret does not decrypt with MEDHOME_MFA_KEYS") from None


def reencrypt(stored: str) -> str:
    """The same secret under the first key (MultiFernet.rotate)."""
    return PREFIX + fernet().rotate(stored.removeprefix(PREFIX).encode()).decode()
