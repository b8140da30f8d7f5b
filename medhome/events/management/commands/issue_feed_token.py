"""manage.py issue_feed_token --practice NAME --name "Mercy Hospital ADT" [--sender ehr]: a bearer
token for a feed into one practice — a hospital's (events between visits, the default) or the
practice's own EHR's (ADT registers and merges patients, SIU the schedule). Shown once; only its
digest is stored."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.events.credentials import issue_feed_token
from medhome.events.models import Sender
from medhome.practices.models import Practice


class Command(BaseCommand):
    help = "Issue a bearer token for a hospital's or the practice EHR's feed into one practice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="the practice's name")
        parser.add_argument("--name", required=True, help="who will send with it")
        parser.add_argument(
            "--sender",
            choices=Sender.values,
            default=Sender.HOSPITAL,
            help="hospital (events between visits, the default) or ehr (the practice's EHR)",
        )

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
        _credential, token = issue_feed_token(
            actor=actor, name=options["name"], at=clock.now(), sender=options["sender"]
        )
        self.stdout.write(f"Feed token for {options['name']} (shown once): {token}")
        self.stdout.write("Send with the header  Authorization: Bearer <token>  to /feed/events/")
