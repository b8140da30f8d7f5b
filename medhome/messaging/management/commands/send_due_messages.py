"""Send the messages that are due (claims them first: several may run at once)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from medhome.core import clock
from medhome.messaging.services.sending import send_due_messages


class Command(BaseCommand):
    help = "Send due messages to families through the configured gateway."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=100)
        parser.add_argument("--loop", action="store_true", help="keep sending every few seconds")
        parser.add_argument("--every", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            sent = send_due_messages(limit=options["limit"], at=clock.now())
            self.stdout.write(f"sent {sent}")
            if not options["loop"]:
                return
            if sent < options["limit"]:
                time.sleep(options["every"])
