"""manage.py demo_adt: a synthetic hospital sends an admission and a discharge (HL7 v2 ADT A01,
A03) for one demo child, through the same intake as the feed; also prints a feed token and a
curl command to send the discharge yourself. Refused in production."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from medhome.accounts.roles import Role, capabilities_of
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.events.credentials import issue_feed_token
from medhome.events.services import receive_hl7
from medhome.families.models import Child
from medhome.practices.models import Membership, Practice
from medhome.synth.demo import DEMO_URL, RIVERSIDE
from medhome.synth.management.commands.synth import refuse_production


def adt(event: str, control: str, child: Child, *, start: str, end: str = "") -> str:
    pv1 = ["PV1", "1", "I", "PEDS^^^SYNTH"] + [""] * 15 + ["SYN-VISIT-1"] + [""] * 24 + [start, end]
    name = f"{child.legal_family_name}^{child.legal_given_name}"
    return "\r".join(
        [
            "MSH|^~\\&|SYNTHEHR|SYNTHETIC GENERAL|MEDHOME|PEDS|"
            f"{start}||ADT^{event}^ADT_A01|{control}|P|2.5.1",
            f"EVN|{event}|{end or start}",
            f"PID|1||{child.mrn}^^^SYNTH^MR||{name}||{child.date_of_birth:%Y%m%d}|U",
            "|".join(pv1),
        ]
    )


class Command(BaseCommand):
    help = "Send a synthetic admission and discharge for a demo child (demo only)."

    def handle(self, *args, **options):
        refuse_production()
        practice = Practice.objects.get(name=RIVERSIDE.name)
        child = Child.objects.filter(practice=practice).order_by("date_of_birth").last()
        assert child is not None
        now = clock.now()
        start = (now - timedelta(days=2)).strftime("%Y%m%d%H%M%S")
        end = (now - timedelta(hours=3)).strftime("%Y%m%d%H%M%S")
        stamp = now.strftime("%Y%m%d%H%M%S")
        for event, control, finish in (("A01", f"A01-{stamp}", ""), ("A03", f"A03-{stamp}", end)):
            ack, message = receive_hl7(
                practice=practice, raw=adt(event, control, child, start=start, end=finish), at=now
            )
            self.stdout.write(f"{event}: {message.status}")
        self.stdout.write(
            f"Open the chart of {child.display_name} {child.legal_family_name}: "
            f"{DEMO_URL}children/{child.pk}/timeline/ — and the coordinator's {DEMO_URL}tasks/"
        )
        admin = Membership.objects.get(
            practice=practice, role=Role.PRACTICE_ADMIN, user__username__endswith="riverside.demo"
        )
        actor = Actor(
            user=admin.user,
            practice=practice,
            role=admin.role,
            capabilities=capabilities_of(admin.role),
        )
        _credential, token = issue_feed_token(actor=actor, name="demo hospital", at=now)
        sample = Path(settings.BASE_DIR) / "var" / "demo-adt-a03.hl7"
        sample.parent.mkdir(exist_ok=True)
        sample.write_text(adt("A03", f"A03-curl-{stamp}", child, start=start, end=end))
        self.stdout.write(
            "Send a discharge yourself, as a hospital would:\n"
            f"  curl -s -X POST -H 'Authorization: Bearer {token}' -H 'Content-Type: text/plain' "
            f"--data-binary @{sample} {DEMO_URL}feed/events/"
        )
