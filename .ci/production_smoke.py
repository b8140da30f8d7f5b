"""A production build must serve a page (docs: security catalogue, item 10).

Run by .ci/run under MEDHOME_ENV=production with a throwaway key, host and SQLite database:
runs Django's deployment check (`check --deploy`, failing on any warning: HTTPS redirect, HSTS,
secure cookies, the secret key's strength, DEBUG off), collects the static files with the
production storage (hashed names and a manifest, so a vendored
file naming a source map that is not shipped fails here, not on the first page), migrates, and
asks for the login page over HTTPS as a browser would. Exits non-zero on any failure.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medhome.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> int:
    assert settings.ENV == "production" and not settings.DEBUG, "run under production settings"
    call_command("check", deploy=True, fail_level="WARNING")  # SystemCheckError on any warning
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    host = settings.ALLOWED_HOSTS[0]
    client = Client(HTTP_HOST=host)
    response = client.get("/accounts/login/", secure=True)
    if response.status_code != 200:
        print(f"production smoke: /accounts/login/ answered {response.status_code}")
        return 1
    body = response.content.decode()
    css = staticfiles_storage.url("css/medhome.css")
    if css not in body:
        print(f"production smoke: the login page does not link the hashed stylesheet {css}")
        return 1
    for name in ("vendor/htmx-2.0.8.min.js", "vendor/chart-4.5.1.umd.min.js"):
        staticfiles_storage.url(name)  # raises ValueError when the manifest lacks it
    print(f"production smoke: collectstatic and the login page ({css}) are fine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
