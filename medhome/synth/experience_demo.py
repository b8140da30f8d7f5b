"""Demo data of the family experience survey (medhome.experience): a few hundred synthetic
answers of medhome's own survey across the practice's languages, payers and sites, for the
measures dashboard's "Family experience" section, and one live survey link the end-to-end test
answers in Spanish on a phone. Only the synthetic population's people; nothing is sent."""

from datetime import date, datetime, time, timedelta
from random import Random

from django.db import transaction
from django.utils import timezone

from medhome.core import clock
from medhome.core.actor import Actor
from medhome.experience import definitions
from medhome.experience.models import Answer, Comment, EnteredBy, Invitation, Response
from medhome.families.models import Caregiver, Child
from medhome.portal.links import ISSUER, issue_link
from medhome.portal.models import Purpose
from medhome.practices.models import Practice, Site
from medhome.visits.models import Visit, VisitKind, VisitStatus

DEMO_ANSWERS = 300
# Invented, short, and naming nobody.
COMMENTS = {
    "en": ["The nurse was very patient with us.", "We waited a long time.", "Thank you!"],
    "es": ["La intérprete nos ayudó mucho.", "La espera fue larga.", "¡Gracias!"],
}


def _visit(practice: Practice, child: Child, site: Site | None, at: datetime) -> Visit:
    """A completed sick visit (sick: the well-child measures do not count it)."""
    return Visit.objects.create(
        practice=practice,
        child=child,
        site=site,
        starts_at=at,
        kind=VisitKind.SICK,
        status=VisitStatus.COMPLETED,
        created_at=at,
    )


def add_experience_demo(practice: Practice, today: date) -> int:
    """About DEMO_ANSWERS answered surveys over the last year (a completed visit, an invitation,
    a response and its answers each); returns how many. Answers lean best, with a gap by
    language so the strata show something."""
    if Invitation.objects.filter(practice=practice, survey_key=definitions.FAMILY_SURVEY).exists():
        return 0  # loaded before: the demo is loaded once, whatever runs it again
    rng = Random(19)
    zone = timezone.get_current_timezone()
    # The child's latest completed visit of the last year, from the demo's EHR history: the
    # survey asks about a visit that happened.
    last_visit: dict[object, Visit] = {}
    for visit in Visit.objects.filter(
        practice=practice,
        status=VisitStatus.COMPLETED,
        starts_at__gte=datetime.combine(today - timedelta(days=360), time(0), tzinfo=zone),
        starts_at__lt=datetime.combine(today - timedelta(days=2), time(0), tzinfo=zone),
    ).order_by("starts_at"):
        last_visit[visit.child_id] = visit
    children = list(
        Child.objects.filter(practice=practice, pk__in=list(last_visit))
        .select_related("family")
        .order_by("pk")[:DEMO_ANSWERS]
    )
    caregivers = {
        c.family_id: c
        for c in Caregiver.objects.filter(practice=practice).order_by(
            "family_id", "-is_primary_contact", "pk"
        )
    }
    survey = definitions.MEDHOME_VISIT
    made = 0
    with transaction.atomic():
        for child in children:
            caregiver = caregivers.get(child.family_id)
            asked_about = last_visit.get(child.pk)
            if caregiver is None or asked_about is None:
                continue
            visit = asked_about
            at = visit.starts_at
            day = clock.local_date(at)
            invitation = Invitation.objects.create(
                practice=practice,
                visit=visit,
                child=child,
                caregiver=caregiver,
                survey_key=survey.key,
                created_at=at + timedelta(hours=3),
                sent_at=at + timedelta(hours=3),
                answered_at=at + timedelta(days=1),
            )
            language = "es" if (caregiver.preferred_language or "").startswith("es") else "en"
            response = Response.objects.create(
                practice=practice,
                invitation=invitation,
                survey_key=survey.key,
                child=child,
                visit=visit,
                site=visit.site,
                language=language,
                channel="text",
                entered_by=EnteredBy.FAMILY,
                answered_on=day + timedelta(days=1),
                created_at=at + timedelta(days=1),
            )
            best = 0.8 if language == "en" else 0.65
            Answer.objects.bulk_create(
                Answer(
                    practice=practice,
                    response=response,
                    item=item.key,
                    value="definitely" if rng.random() < best else rng.choice(["somewhat", "no"]),
                )
                for item in survey.items
            )
            if rng.random() < 0.2:
                Comment.objects.create(
                    practice=practice,
                    response=response,
                    text=rng.choice(COMMENTS[language]),
                    may_show_name=rng.random() < 0.3,
                    created_at=response.created_at,
                )
            made += 1
    return made


def issue_demo_survey(practice: Practice, child: Child, caregiver: Caregiver, at: datetime) -> str:
    """A live survey link for the child's last visit (a completed one is made if none), bound to
    a new invitation; returns the token (shown once, as every family link)."""
    visit = (
        Visit.objects.filter(practice=practice, child=child, status=VisitStatus.COMPLETED)
        .exclude(pk__in=Invitation.objects.values("visit_id"))
        .order_by("-starts_at")
        .first()
    ) or _visit(practice, child, Site.objects.filter(practice=practice).first(), at)
    actor = Actor(
        user=None,
        practice=practice,
        role="system",
        capabilities=frozenset({ISSUER[Purpose.EXPERIENCE]}),
    )
    with transaction.atomic():
        link, token = issue_link(
            actor=actor,
            purpose=Purpose.EXPERIENCE,
            child=child,
            caregiver=caregiver,
            at=at,
            channel="text",
        )
        Invitation.objects.create(
            practice=practice,
            visit=visit,
            child=child,
            caregiver=caregiver,
            survey_key=definitions.FAMILY_SURVEY,
            link=link,
            created_at=at,
            sent_at=at,
        )
    return token
