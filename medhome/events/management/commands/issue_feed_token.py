"""manage.py issue_feed_token --practice NAME --name "Mercy Hospital ADT": a bearer token for a
hospital's feed into one practice. Shown once; only its digest is stored."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.events.credentials import issue_feed_token
from medhome.practices.models import Practice


class Command(BaseCommand):
    help = "Issue a bearer token for a hospital's ADT/FHIR feed into one practice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="the practice's name")
        parser.add_argument("--name", required=True, help="who will send with it")

    def handle(self, *args, **options):
        practice = Practice.objects.filter(name=options["practice"]).first()
        if practice is None:
            raise CommandError("No practice by that name.")
        # The operator running manage.py acts as the practice's administrator for this one act.
        actor = Actor(
            user=None,
            practice=practice,
            role="operator",
            capabilities=frozenset({Capability.USERS_MANAGE}),
        )
        _credential, token = issue_feed_token(actor=actor, name=options["name"], at=clock.now())
        self.stdout.write(f"Feed token for {options['name']} (shown once): {token}")
        self.stdout.write("Send with the header  Authorization: Bearer <token>  to /feed/events/")
