"""manage.py openreferral --practice NAME (mode off|public|token, issue PARTNER, revoke ID,
list):
a practice's Open Referral API (/openreferral/<practice id>/). `issue` prints the partner's
token once; only its digest is stored. Every change is audited (openreferral_access)."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.directory.models import PublishMode
from medhome.directory.openreferral_access import (
    issue_token,
    mode_of,
    revoke_token,
    set_mode,
    tokens_of,
)
from medhome.practices.models import Practice


class Command(BaseCommand):
    help = "Publish a practice's Open Referral API and manage its partners' tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="the practice's name")
        actions = parser.add_subparsers(dest="action", required=True)
        mode = actions.add_parser("mode", help="off, public, or token (partners with a token)")
        mode.add_argument("mode", choices=PublishMode.values)
        issue = actions.add_parser("issue", help="a token for a partner, shown once")
        issue.add_argument("partner", help="who will read with it")
        revoke = actions.add_parser("revoke", help="revoke a token by its id (see list)")
        revoke.add_argument("token_id")
        actions.add_parser("list", help="the mode and the tokens (never the tokens themselves)")

    def handle(self, *args, **options):
        practice = Practice.objects.filter(name=options["practice"]).first()
        if practice is None:
            raise CommandError("No practice by that name.")
        # The operator running manage.py acts as the practice's curator for this one act.
        actor = Actor(
            user=None,
            practice=practice,
            role="operator",
            capabilities=frozenset({Capability.DIRECTORY_CURATE}),
        )
        action = options["action"]
        if action == "mode":
            set_mode(actor, options["mode"], clock.now())
            self.stdout.write(f"Open Referral API of {practice}: {options['mode']}")
            self.stdout.write(f"Base URL: /openreferral/{practice.pk}/")
        elif action == "issue":
            row, token = issue_token(actor, options["partner"], clock.now())
            self.stdout.write(f"Token {row.pk} for {row.partner} (shown once): {token}")
            self.stdout.write("Read with the header  Authorization: Bearer <token>")
            if mode_of(practice) != PublishMode.TOKEN:
                self.stdout.write(f"Note: the API's mode is {mode_of(practice)}, not token.")
        elif action == "revoke":
            try:
                row = revoke_token(actor, options["token_id"], clock.now())
            except (ObjectDoesNotExist, ValidationError, ValueError):
                raise CommandError("No token of this practice has that id.") from None
            self.stdout.write(f"Revoked the token of {row.partner}.")
        else:
            self.stdout.write(f"Mode: {mode_of(practice)}  Base URL: /openreferral/{practice.pk}/")
            for row in tokens_of(practice):
                state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
                self.stdout.write(f"{row.pk}  {row.partner}  {row.created_at:%Y-%m-%d}  {state}")
