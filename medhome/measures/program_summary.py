"""The programs part of the measures dashboard beside the rates
(docs/clinical-rules.md#program-reach): per running shipped program its contacts per enrolled
family (a mean), and HealthySteps' tier mix (counts per tier, not a rate). A fixed number of
queries whatever the programs."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery

from medhome.measures import program_definitions
from medhome.measures.periods import Period
from medhome.programs.models import Contact, Enrolment, EnrolmentChange, Program

HEALTHYSTEPS = "healthysteps"
SHIPPED = {definition: name for _short, definition, name in program_definitions.PROGRAM_MEASURES}
UNIVERSAL = {
    dict(program_definitions.PROGRAM_MEASURES_FOR)[s] for s in program_definitions.PROGRAM_UNIVERSAL
}


@dataclass(frozen=True)
class ProgramRow:
    program: Program
    contacts: int
    families: int  # enrolled in the period (a universal program: reached)

    @property
    def per_family(self) -> float | None:
        return round(self.contacts / self.families, 1) if self.families else None


def _enrolled_in(period: Period) -> Q:
    return Q(enrolled_on__isnull=False, enrolled_on__lte=period.end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )


def summary(practice_id, period: Period) -> dict:
    running = list(
        Program.objects.filter(
            practice_id=practice_id, is_active=True, definition__in=SHIPPED
        ).order_by("key")
    )
    contacts = {
        row["program_id"]: row
        for row in Contact.objects.filter(
            practice_id=practice_id, on__range=(period.start, period.end)
        )
        .values("program_id")
        .annotate(contacts=Count("pk"), families=Count("child__family", distinct=True))
    }
    enrolled = dict(
        Enrolment.objects.filter(_enrolled_in(period), practice_id=practice_id)
        .values("program_id")
        .annotate(families=Count("child__family", distinct=True))
        .values_list("program_id", "families")
    )
    rows = []
    for program in running:
        found = contacts.get(program.pk, {"contacts": 0, "families": 0})
        families = found["families"] if program.universal else enrolled.get(program.pk, 0)
        rows.append(ProgramRow(program, found["contacts"], families))
    return {"rows": rows, "tiers": tier_mix(running, period)}


def tier_mix(running: list[Program], period: Period) -> list[tuple[str, int]]:
    """HealthySteps' children enrolled in the period by their tier on its last day (the latest
    change recorded on or before it); [] where the practice does not run it."""
    program = next((p for p in running if p.definition == HEALTHYSTEPS), None)
    if program is None:
        return []
    tier_then = Subquery(
        EnrolmentChange.objects.filter(enrolment=OuterRef("pk"), on__lte=period.end)
        .order_by("-on", "-recorded_at")
        .values("to_tier")[:1]
    )
    counts = dict(
        Enrolment.objects.filter(_enrolled_in(period), program=program)
        .annotate(tier_then=tier_then)
        .order_by()
        .values("tier_then")
        .annotate(children=Count("pk"))
        .values_list("tier_then", "children")
    )
    return [(program.tier_name(t["key"]), counts.get(t["key"], 0)) for t in program.tiers]
