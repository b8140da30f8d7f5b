"""django-oauth-toolkit's settings for medhome's SMART on FHIR server (settings.OAUTH2_PROVIDER),
apart from the rest of the settings because they are one concern with many lines. Plain Python,
no Django import: medhome/settings.py calls it."""

from typing import Any


def smart_oauth_settings(*, is_local: bool) -> dict[str, Any]:
    return {
        "PKCE_REQUIRED": True,
        "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
        "REFRESH_TOKEN_EXPIRE_SECONDS": 90 * 24 * 3600,
        "ROTATE_REFRESH_TOKEN": True,
        # SMART App Launch (medhome.smart): the validator binds every token to its practice
        # and launch child, checks Backend Services JWTs, grants requested ∩ allowed.
        "OAUTH2_VALIDATOR_CLASS": "medhome.smart.validator.SmartValidator",
        "SCOPES_BACKEND_CLASS": "medhome.smart.validator.SmartScopes",
        "OAUTH2_BACKEND_CLASS": "medhome.smart.validator.SmartOAuthLibCore",
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": "",  # set below (SMART block), from MEDHOME_OIDC_RSA_PRIVATE_KEY
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        # RFC 9700 (OAuth security BCP): no "plain" PKCE, no implicit grant, no password grant.
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        # The rest of RFC 9700, which `check --deploy` asks for (W004–W008): a bearer token only in
        # the Authorization header, never in a URL (logs, Referer); the issuer named in the
        # authorization response (RFC 9207, against mix-up); tokens kept only as SHA-256 checksums
        # (a copy of the database grants nothing; hence no refresh grace period, which would have
        # to hand back a stored token); a replayed refresh token revokes its whole family.
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        # Redirect URIs over https only, except in the local environments (the demo's SMART app and
        # the tests' clients listen on http://127.0.0.1).
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if is_local else ["https"],
    }
