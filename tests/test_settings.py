"""Settings come from the environment, with safe production defaults."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, medhome.settings as s; print(json.dumps({k: getattr(s, k) for k in ["
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
    "'SECURE_HSTS_SECONDS', 'MEDHOME_REQUIRE_MFA', 'ALLOWED_HOSTS', "
    "'MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN']}))"
)


STRONG_KEY = "k3Y-for-tests-only_" * 3  # 57 characters, more than 5 different


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MEDHOME_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and settings module
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings()  # MEDHOME_ENV unset means production

    assert result.returncode != 0
    assert "MEDHOME_SECRET_KEY must be set in production." in result.stderr


def test_production_defaults_are_the_safe_ones():
    result = load_settings(
        MEDHOME_SECRET_KEY=STRONG_KEY, MEDHOME_ALLOWED_HOSTS="medhome.example.org"
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "MEDHOME_REQUIRE_MFA": True,
        "ALLOWED_HOSTS": ["medhome.example.org"],
        "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": False,  # passkeys check the site's origin
    }


def test_the_demo_runs_over_plain_http_on_this_machine_without_debug():
    result = load_settings(MEDHOME_ENV="demo")

    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "MEDHOME_REQUIRE_MFA": False,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        # Not even the demo: fido2 already accepts http://localhost, the origin passkeys need.
        "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": False,
    }


def test_an_unknown_environment_name_is_refused():
    result = load_settings(MEDHOME_ENV="staging")

    assert result.returncode != 0
    assert "MEDHOME_ENV must be production, demo, dev, test or bench" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = load_settings(MEDHOME_SECRET_KEY="abcde", MEDHOME_ALLOWED_HOSTS="medhome.example.org")

    assert result.returncode != 0
    assert "ImproperlyConfigured: MEDHOME_SECRET_KEY is too weak for production" in result.stderr


def test_production_refuses_a_long_key_of_one_character():
    result = load_settings(MEDHOME_SECRET_KEY="x" * 60, MEDHOME_ALLOWED_HOSTS="medhome.example.org")

    assert result.returncode != 0
    assert "MEDHOME_SECRET_KEY is too weak for production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = load_settings(MEDHOME_SECRET_KEY=STRONG_KEY)

    assert result.returncode != 0
    assert "ImproperlyConfigured: MEDHOME_ALLOWED_HOSTS must name the host(s)" in result.stderr


MAILER_PROBE = (
    "import django, json; django.setup(); from django.core import mail;"
    " m = mail.mailers['default'];"
    " print(json.dumps([type(m).__name__, m.host, m.port, m.username, m.use_tls]))"
)


def test_production_email_goes_to_the_configured_relay():
    """Password resets and families' e-mail need a relay: production reads it from the
    environment (Django's SMTP mailer refuses to start without a host)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MEDHOME_")}
    clean.pop("DATABASE_URL", None)
    base = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "medhome.settings",
        "MEDHOME_SECRET_KEY": STRONG_KEY,
        "MEDHOME_ALLOWED_HOSTS": "medhome.example.org",
    }
    runs = [
        subprocess.run(  # noqa: S603 - our own interpreter and settings module
            [sys.executable, "-c", MAILER_PROBE],
            env={**base, **extra},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        for extra in (
            {},
            {
                "MEDHOME_EMAIL_HOST": "smtp.example.org",
                "MEDHOME_EMAIL_PORT": "2525",
                "MEDHOME_EMAIL_USER": "medhome",
                "MEDHOME_EMAIL_PASSWORD": "secret",
                "MEDHOME_EMAIL_TLS": "false",
            },
        )
    ]
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    assert [json.loads(run.stdout) for run in runs] == [
        ["EmailBackend", "localhost", 587, "", True],
        ["EmailBackend", "smtp.example.org", 2525, "medhome", False],
    ]
