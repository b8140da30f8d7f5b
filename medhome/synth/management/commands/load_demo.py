"""manage.py load_demo: the demo network with a login per role; idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from medhome.core import clock
from medhome.referrals.services import sweep_follow_ups
from medhome.screening.alerts import escalate_overdue_alerts
from medhome.synth import demo_hooks
from medhome.synth.care_demo import load_demo_care, load_demo_outside_member
from medhome.synth.clinic import schedule_clinic, write_booked_screening_histories
from medhome.synth.council_demo import add_council_demo
from medhome.synth.demo import DEMO_URL, EASTSIDE, RIVERSIDE, load_demo
from medhome.synth.demo_history import write_demo_screening_history
from medhome.synth.experience_demo import add_experience_demo
from medhome.synth.groupcare_demo import add_groupcare_demo
from medhome.synth.management.commands.synth import parse_date, refuse_production
from medhome.synth.parent_partner_demo import add_parent_partner_demo
from medhome.synth.parentgroups_demo import add_parentgroups_demo
from medhome.synth.partners import load_demo_partners
from medhome.synth.positive_screens import load_demo_next_steps, write_positive_screens
from medhome.synth.program_demo import load_demo_programs
from medhome.synth.smart_demo import DEMO_SECRET, add_smart_demo_app
from medhome.synth.visit_history import write_demo_histories


class Command(BaseCommand):
    help = (
        "Create the demo network (Harbor Pediatric Collaborative: two practices, staff in "
        "every role, synthetic families) once, and print the logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", default="", help="date ages are computed at, YYYY-MM-DD (default today)"
        )

    def handle(self, *args, **options):
        refuse_production()
        as_of = parse_date(options["as_of"]) if options["as_of"] else clock.today()
        demo = load_demo(as_of=as_of, now=clock.now())
        if demo.ehr is not None:
            self.stdout.write(demo.ehr.summary())
        booked = sum(
            schedule_clinic(practice, as_of=as_of, created_at=clock.now())
            for practice in demo.network.practices.all()
        )
        if booked:
            self.stdout.write(f"Scheduled {booked} synthetic visits over the next two weeks.")
        # The EHR's schedule (FHIR Appointments, today's SIU) has no screening history: add the
        # booked children's past screens, once.
        sum(
            write_booked_screening_histories(practice, as_of=as_of, created_at=clock.now())
            for practice in demo.network.practices.all()
        )
        histories = sum(
            write_demo_histories(practice, as_of=as_of) for practice in demo.network.practices.all()
        )
        if histories:
            self.stdout.write(f"Wrote {histories} past synthetic visits (well-child and sick).")
        partner_logins = load_demo_partners(list(demo.network.practices.all()), now=clock.now())
        screens = sum(
            write_demo_screening_history(practice, as_of=as_of, now=clock.now())
            for practice in demo.network.practices.all()
        )
        if screens:
            self.stdout.write(
                f"Wrote {screens} past synthetic screens (and referrals after some positives)."
            )
        sweep_follow_ups(now=clock.now())
        # The past positive screens' next steps, then one toddler's M-CHAT-R at high risk.
        for practice in demo.network.practices.all():
            write_positive_screens(practice, as_of=as_of, seed=str(as_of))
            toddler = load_demo_next_steps(practice, as_of=as_of, now=clock.now())
            if toddler is not None:
                self.stdout.write(
                    f"Next steps after an M-CHAT-R at high risk at {practice.name}: "
                    f"{DEMO_URL}children/{toddler.pk}/"
                )
        # What `escalate_critical_alerts` does on a schedule (no background worker yet).
        escalate_overdue_alerts(now=clock.now())
        outside_login = None
        for practice in demo.network.practices.all():
            child = load_demo_care(
                practice, now=clock.now(), hospital_stay=practice.name == RIVERSIDE.name
            )
            if child is not None:
                self.stdout.write(
                    f"Care-plan story at {practice.name}: {DEMO_URL}children/{child.pk}/care-plan/"
                )  # what `sweep_referral_follow_ups` does on a schedule
            if outside_login is None:  # one outside member, on the first practice's story child
                outside_login = load_demo_outside_member(practice, now=clock.now())
        # The programs that nurture parents (Reach Out and Read, VIP, HealthySteps, DULCE, CHWs,
        # home visiting, Help Me Grow) and one DULCE infant per practice for the walk-through.
        for practice in demo.network.practices.all():
            infant = load_demo_programs(practice, today=as_of, now=clock.now())
            if infant is not None:
                self.stdout.write(
                    f"DULCE infant with an open benefits referral at {practice.name}: "
                    f"{DEMO_URL}children/{infant.pk}/"
                )
        self._circles_of_support(demo, as_of)
        # A SMART on FHIR app per practice, for the chart's "Launch app" (medhome.smart).
        for practice in demo.network.practices.all():
            app = add_smart_demo_app(practice)
            if app is not None:
                self.stdout.write(
                    f"SMART app at {practice.name}: client id {app.application.client_id}, "
                    f"secret {DEMO_SECRET}, discovery "
                    f"{DEMO_URL}fhir/.well-known/smart-configuration"
                )
        practices = sorted({login.practice for login in demo.logins})
        verb = "Created" if demo.created else "Already loaded:"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {demo.network.name} — {len(practices)} practices, "
                f"{demo.family_count:,} families, {demo.child_count:,} children."
            )
        )
        self.stdout.write(
            "Every family, child and staff member in this demo is synthetic (invented); "
            "any likeness to real people is chance. Differences between groups in the data "
            "are invented too."
        )
        self.stdout.write(f"\nOpen {DEMO_URL} and sign in as any of these:\n")
        width_user = max(len(login.username) for login in demo.logins)
        width_role = max(len(login.role) for login in demo.logins)
        rows = [
            f"  {login.username:<{width_user}}  {login.role:<{width_role}}  {login.practice}"
            for login in demo.logins
        ]
        self.stdout.write(f"  {'Username':<{width_user}}  {'Role':<{width_role}}  Practice")
        self.stdout.write("  " + "-" * (max(len(row) for row in rows) - 2))
        for row in rows:
            self.stdout.write(row)
        self.stdout.write("\nCommunity organizations (they see only the referrals sent to them):")
        for username, organization in partner_logins:
            self.stdout.write(f"  {username:<{width_user}}  {organization}")
        if outside_login is not None:
            self.stdout.write(
                "\nOutside member of a care team (sees one child's shared plan, with consent):"
            )
            self.stdout.write(f"  {outside_login[0]:<{width_user}}  {outside_login[1]}")
        self.stdout.write(f"\nPassword for every login: {settings.MEDHOME_DEMO_PASSWORD}")

    def _circles_of_support(self, demo, as_of) -> None:
        """Issue 19: every practice's parent partner caseload, parent groups and experience
        answers; at Eastside the walk-through — a Spanish group of six babies born in September
        at its 2-month session, the family council's recommendation and the W30 improvement
        cycle that answers it, marked on the run chart."""
        for practice in demo.network.practices.all():
            add_parent_partner_demo(practice, as_of)
            add_parentgroups_demo(practice, as_of)
            add_experience_demo(practice, as_of)
        eastside = demo.network.practices.filter(name=EASTSIDE.name).first()
        if eastside is None:
            return
        self.stdout.write(
            f"Group well-child care at {eastside.name}: " + add_groupcare_demo(eastside, as_of)
        )
        council = add_council_demo(eastside, as_of)
        for line in demo_hooks.run(demo.network, as_of):  # the apps above synth: improvement
            self.stdout.write(line)
        self.stdout.write(
            f"Family council at {eastside.name}: '{council.recommendation.title}', answered by an "
            f"improvement cycle on W30 ({DEMO_URL}improvement/)."
        )
