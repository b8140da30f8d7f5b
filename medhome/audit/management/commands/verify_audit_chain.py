from django.core.management.base import BaseCommand, CommandError

from medhome.audit.services import truncation, verify_chain
from medhome.practices.models import Practice


class Command(BaseCommand):
    help = "Checks every practice's audit hash chain and names the broken links."

    def handle(self, *args, **options):
        failures = 0
        for practice in Practice.objects.order_by("name"):
            broken = verify_chain(practice)
            if broken:
                failures += 1
                self.stderr.write(f"{practice.pk}: broken at sequence {broken[:10]}")
                if cut := truncation(practice):
                    self.stderr.write(f"{practice.pk}: {cut}")
            else:
                self.stdout.write(f"{practice.pk}: intact")
        if failures:
            raise CommandError(f"{failures} practice chain(s) broken")
