"""The production static storage (hashed names and a manifest) collects every file: one that names
a file not shipped (a source map) failed `collectstatic`, and then every page answered 500."""

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings


@pytest.mark.parametrize("name", ["vendor/chart-4.5.1.umd.min.js", "vendor/htmx-2.0.8.min.js"])
def test_vendored_files_name_no_missing_source_map(name):
    text = (settings.BASE_DIR / "static" / name).read_text()
    assert "sourceMappingURL" not in text


def test_collectstatic_with_the_production_storage(tmp_path):
    storages = {
        **settings.STORAGES,
        # The manifest storage's post-processing is what failed; whitenoise's compression on top
        # of it adds time and nothing to this check.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    # override_settings resets the lazy staticfiles_storage on entry and exit (Django's
    # storages_changed receiver), so it reads the storage and root given here.
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        hashed = staticfiles_storage.url("vendor/chart-4.5.1.umd.min.js")
    assert hashed.startswith("/static/vendor/chart-4.5.1.umd.min.") and hashed.endswith(".js")
