"""The local SMS gateway for the demo and tests: a provider on the loopback address."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from medhome.messaging.gateways.server import serve


class Command(BaseCommand):
    help = "Run the local SMS gateway on 127.0.0.1 (accepts, delivers, bounces, replies STOP)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--delay", type=float, default=0.5, help="seconds before a receipt")

    def handle(self, *args: Any, **options: Any) -> None:
        server = serve(
            options["port"], token=settings.MEDHOME_SMS_WEBHOOK_TOKEN, delay=options["delay"]
        )
        self.stdout.write(f"local SMS gateway on http://127.0.0.1:{options['port']}/messages")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
