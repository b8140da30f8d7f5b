"""`manage.py start_practice`: the first practice and its practice admin on an empty production
database (docs/deploy.md §6), or another practice later. Prints the one-time link by which a new
admin chooses their password; they set up two-step sign-in at their first login."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from medhome.core import clock
from medhome.staff.services import set_password_path, start_practice


class Command(BaseCommand):
    help = "Creates a practice and its first practice admin, and prints the admin's one-time link."

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="the practice's name")
        parser.add_argument("--state", required=True, help="two-letter US state code, e.g. RI")
        parser.add_argument("--phone", default="", help="the number families call")
        parser.add_argument("--network", default="", help="the network it joins (made if new)")
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-first-name", required=True)
        parser.add_argument("--admin-last-name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument(
            "--base-url",
            default="",
            help="where staff open medhome, e.g. https://medhome.example.org "
            "(default: https:// and the first of MEDHOME_ALLOWED_HOSTS)",
        )

    def handle(self, *args, **options):
        try:
            practice, membership = start_practice(
                practice_name=options["practice"],
                state=options["state"],
                phone=options["phone"],
                network_name=options["network"],
                admin_username=options["admin_username"],
                admin_first_name=options["admin_first_name"],
                admin_last_name=options["admin_last_name"],
                admin_email=options["admin_email"],
                at=clock.now(),
            )
        except ValidationError as invalid:
            problems = invalid.message_dict if hasattr(invalid, "error_dict") else {}
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in problems.items()]
            message = "; ".join(lines) or " ".join(invalid.messages)
            raise CommandError(f"Nothing was created. {message}") from None
        self.stdout.write(f"Practice {practice.name} ({practice.pk}) is ready.")
        user = membership.user
        if user.has_usable_password():
            self.stdout.write(f"{user.username} is its practice admin and signs in as before.")
            return
        base = options["base_url"].rstrip("/") or f"https://{settings.ALLOWED_HOSTS[0]}"
        self.stdout.write(
            f"{user.username} is its practice admin. Send them this one-time link to choose a "
            f"password (they set up two-step sign-in at their first login):\n"
            f"{base}{set_password_path(user)}"
        )
