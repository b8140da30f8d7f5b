"""The OpenID Connect signing key, read by settings (so this module imports nothing of Django)."""

import os
from pathlib import Path


def oidc_private_key(var_dir: Path, *, local: bool) -> str:
    """The RS256 key's PEM: MEDHOME_OIDC_RSA_PRIVATE_KEY (`\\n` escapes accepted), else for a
    local environment one made under `var_dir` on first use (never committed: var/ is ignored),
    else "" (production without a key: OpenID Connect off)."""
    key = os.environ.get("MEDHOME_OIDC_RSA_PRIVATE_KEY", "").replace("\\n", "\n")
    if key or not local:
        return key
    path = var_dir / "oidc-rsa-local.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        partial.chmod(0o600)
        partial.replace(path)  # atomic: parallel test workers never read half a key
    return path.read_text()
