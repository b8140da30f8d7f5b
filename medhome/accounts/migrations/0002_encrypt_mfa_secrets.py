"""TOTP keys and recovery seeds stored before secrets_at_rest existed are encrypted in place."""

from django.db import migrations

FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def encrypt_existing(apps, schema_editor):
    from medhome.accounts import secrets_at_rest

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=FIELDS).iterator():
        data = dict(authenticator.data)
        changed = False
        for field in FIELDS[authenticator.type]:
            value = data.get(field)
            if isinstance(value, str) and not value.startswith(secrets_at_rest.PREFIX):
                data[field] = secrets_at_rest.encrypt(value)
                changed = True
        codes = data.get("migrated_codes")
        if isinstance(codes, list):
            data["migrated_codes"] = [
                c if c.startswith(secrets_at_rest.PREFIX) else secrets_at_rest.encrypt(c)
                for c in codes
            ]
            changed = True
        if changed:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("mfa", "0003_authenticator_type_uniq")]
    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
