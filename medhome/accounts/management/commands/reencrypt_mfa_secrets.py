"""Re-encrypt every TOTP key and recovery seed under the first key of MEDHOME_MFA_KEYS (after a
new key is put first); all or nothing."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from medhome.accounts import secrets_at_rest


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().filter(
                type__in=list(secrets_at_rest.SECRET_FIELDS)
            ):
                data = dict(authenticator.data)
                for field in secrets_at_rest.SECRET_FIELDS[authenticator.type]:
                    if isinstance(data.get(field), str):
                        data[field] = secrets_at_rest.reencrypt(data[field])
                if isinstance(data.get("migrated_codes"), list):
                    data["migrated_codes"] = [
                        secrets_at_rest.reencrypt(c) for c in data["migrated_codes"]
                    ]
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                count += 1
        self.stdout.write(f"{count} authenticators re-encrypted under the first MFA key.")
