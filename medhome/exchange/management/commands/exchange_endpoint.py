"""Set a community organization's FHIR endpoint (or switch it off):

    manage.py exchange_endpoint <organization id> --base-url https://cbo.example/fhir \
        --token-env CBO_TOKEN --notify-secret-env CBO_NOTIFY
    manage.py exchange_endpoint <organization id> --inactive

Only the secrets' names are stored; their values live in settings.MEDHOME_EXCHANGE["secrets"]
or the environment. The admin edits the same rows.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from medhome.directory.models import Organization
from medhome.exchange.models import PartnerEndpoint


class Command(BaseCommand):
    help = "Set or deactivate a community organization's FHIR endpoint for the referral exchange."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("organization")
        parser.add_argument("--base-url", default="")
        parser.add_argument("--token-env", default="")
        parser.add_argument("--notify-secret-env", default="")
        parser.add_argument("--inactive", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organization = Organization.objects.get(pk=options["organization"])
        except (Organization.DoesNotExist, ValueError, ValidationError) as missing:
            raise CommandError("No such organization.") from missing
        endpoint = PartnerEndpoint.objects.filter(organization=organization).first()
        if options["inactive"]:
            if endpoint is None:
                raise CommandError("The organization has no endpoint.")
            endpoint.is_active = False
            endpoint.save(update_fields=["is_active", "updated_at"])
            self.stdout.write("Endpoint deactivated.")
            return
        endpoint = endpoint or PartnerEndpoint(organization=organization)
        endpoint.base_url = options["base_url"] or endpoint.base_url
        endpoint.token_env = options["token_env"] or endpoint.token_env
        endpoint.notify_secret_env = options["notify_secret_env"] or endpoint.notify_secret_env
        endpoint.is_active = True
        try:
            endpoint.full_clean()
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        endpoint.save()
        self.stdout.write(f"Endpoint {endpoint.pk} active.")
