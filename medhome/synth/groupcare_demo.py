"""The demo's group well-child care story (issue 19's "done when"), recorded through the real
services: six Spanish-speaking families whose babies were born in the same month form a group,
its 2-month session was held with all six babies there (each group visit completed, so each
baby's 2-month visit row is done and W30 counts it), each mother's caregiver-depression screen
(the practice's instrument for the row, EPDS by default) keyed in at the session, and the 4- and
6-month sessions booked. Idempotent: a practice with the story's group is left alone. All of it
invented.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from medhome.accounts.roles import Capability, Role, capabilities_of
from medhome.core.actor import Actor
from medhome.ehr.patients import PatientData, upsert_patients
from medhome.families import services as families
from medhome.families.models import Caregiver, Child
from medhome.groupcare import attendance as groupcare_attendance
from medhome.groupcare import selectors as groupcare_selectors
from medhome.groupcare import services as groupcare
from medhome.groupcare.models import Cohort, Session
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Membership, Practice, Site
from medhome.screening import services as screening
from medhome.screening.models import Mode
from medhome.screening.rules import preferred
from medhome.synth.ehr.codes import MRN_SYSTEM

STORY_NAME = "Grupo de bebés de septiembre"
FAMILIES = (
    ("Valentina", "Ramírez", "Lucía"),
    ("Camila", "Herrera", "Mateo"),
    ("Daniela", "Ortiz", "Emilia"),
    ("Gabriela", "Castillo", "Santiago"),
    ("Mariana", "Vargas", "Isabella"),
    ("Paola", "Mendoza", "Tomás"),
)
# Negative on every item: the EPDS's printed positions, items 1, 2, 4 top, the others bottom
# (instruments/catalog/epds.py scores them 0).
EPDS_NEGATIVE = {str(n): ("a" if n in (1, 2, 4) else "d") for n in range(1, 11)}
TOPICS = {
    "2mo": ["Sueño seguro", "Alimentación", "Cómo se siente mamá"],
    "4mo": ["Rutinas", "Juego y lectura"],
    "6mo": ["Primeros alimentos", "Seguridad en casa"],
}


def _actor(practice: Practice, roles: tuple[str, ...]) -> Actor | None:
    membership = (
        Membership.objects.filter(practice=practice, role__in=roles, is_active=True)
        .select_related("user")
        .order_by("role", "user__username")
        .first()
    )
    if membership is None:
        return None
    return Actor(
        user=membership.user,
        practice=practice,
        role=membership.role,
        capabilities=capabilities_of(membership.role),
    )


def _registrar(practice: Practice) -> Actor:
    return Actor(
        user=None,
        practice=practice,
        role=Role.FRONT_DESK,
        capabilities=frozenset({Capability.FAMILY_CREATE, Capability.FAMILY_EDIT}),
        request_id="groupcare-demo",
    )


def _babies(practice: Practice, first_birth: date, at: datetime, clinician: Any) -> list[Child]:
    babies = []
    for n, (mother, surname, child) in enumerate(FAMILIES):
        _family, baby = families.register_family(
            actor=_registrar(practice),
            family_name=f"Familia {surname}",
            caregiver={
                "given_name": mother,
                "family_name": surname,
                "relationship": "mother",
                "is_legal_guardian": True,
                "is_birth_parent": True,
                "is_primary_contact": True,
                "phone": f"+1617555{200 + n:04d}",
                "email": "",
                "preferred_language": "es",
                "needs_interpreter": True,
                "preferred_channel": "text",
                "availability_note": "",
                "has_transportation_barrier": False,
                "transportation_note": "",
                "culture_and_identity": "",
                "strengths": "",
            },
            windows=[],
            child={
                "legal_given_name": child,
                "legal_family_name": surname,
                "preferred_name": "",
                "date_of_birth": first_birth + timedelta(days=n),
                "sex_at_birth": "female" if child in ("Lucía", "Emilia", "Isabella") else "male",
                "gender_identity": "",
                "pronouns": "",
                "mrn": f"GRP-{first_birth:%y%m}-{n + 1}",
                "race_ethnicity": ["hispanic"],
                "race_ethnicity_detail": "",
                "preferred_language": "es",
                "payer": "medicaid",
                "payer_member_id": f"MA-9{first_birth:%y%m}{n:03d}",
                "address_line1": f"{20 + n} Calle Ficticia",
                "address_line2": "",
                "city": "Boston",
                "state": "MA",
                "zip_code": "02128",
                "has_special_health_care_needs": False,
                "primary_clinician": clinician,  # the group's clinician facilitator
                "gestational_age_weeks": None,
                "gestational_age_days": None,
            },
            at=at,
            panel_from=first_birth + timedelta(days=n),
        )
        babies.append(baby)
    _from_the_ehr(practice, babies, at)
    return babies


def _from_the_ehr(practice: Practice, babies: list[Child], at: datetime) -> None:
    """The EHR's registration of the newborns follows the front desk's, as every demo child's
    record comes: upsert_patients finds each baby by MRN and attaches the EHR's identifier."""
    records = [
        PatientData(
            identifiers=((MRN_SYSTEM, baby.mrn),),
            mrn=baby.mrn,
            legal_given_name=baby.legal_given_name,
            legal_family_name=baby.legal_family_name,
            date_of_birth=baby.date_of_birth,
            sex_at_birth=baby.sex_at_birth,
            preferred_language=baby.preferred_language,
        )
        for baby in babies
    ]
    for outcome in upsert_patients(
        practice=practice, records=records, actor=_registrar(practice), at=at
    ):
        if isinstance(outcome, ValidationError):
            raise outcome


def _schedule(runner: Actor, cohort: Cohort, key: str, day: date, *, at: datetime) -> Session:
    """The session on the first working day from `day` and an hour when the facilitator is
    free (the demo's clinic is busy): the visits app refuses a clash, so the next hour is tried."""
    calendar = calendar_of(cohort.practice)
    refused: ValidationError | None = None
    for offset in range(10):
        candidate = day + timedelta(days=offset)
        if not calendar.is_business_day(candidate):
            continue
        for hour in (10, 13, 8, 14, 15):
            starts = datetime.combine(candidate, time(hour), tzinfo=calendar.zone)
            try:
                return groupcare.schedule_session(
                    actor=runner,
                    cohort=cohort,
                    visit_key=key,
                    starts_at=starts,
                    duration_minutes=90 if hour == 15 else 120,
                    place="Sala comunitaria, 2.º piso",
                    topics=TOPICS.get(key, []),
                    at=at,
                )
            except groupcare.DoubleBooked as clash:
                choices = {str(c.pk): "keep_both" for c, _v in clash.clashes}
                return groupcare.schedule_session(
                    actor=runner,
                    cohort=cohort,
                    visit_key=key,
                    starts_at=starts,
                    duration_minutes=90 if hour == 15 else 120,
                    place="Sala comunitaria, 2.º piso",
                    topics=TOPICS.get(key, []),
                    choices=choices,
                    at=at,
                )
            except ValidationError as error:
                refused = error
    assert refused is not None
    raise refused


def add_groupcare_demo(practice: Practice, today: date) -> str:
    """The story (module docstring) in `practice`, as of `today`; a short printable summary."""
    existing = Cohort.objects.filter(practice=practice, name=STORY_NAME).first()
    if existing is not None:
        return f"{existing.name}: already there"
    clinician = _actor(practice, (Role.PEDIATRICIAN, Role.NURSE_PRACTITIONER))
    helper = _actor(practice, (Role.FAMILY_SPECIALIST, Role.NURSE, Role.CARE_COORDINATOR))
    site = Site.objects.filter(practice=practice).order_by("name").first()
    if clinician is None or helper is None or site is None:
        return "group care demo skipped: the practice has no clinician, team member or site"
    zone = calendar_of(practice).zone
    # Born in one month, about 3 months before today (early September for 5 December).
    first_birth = today - timedelta(days=95)
    registered = datetime.combine(first_birth + timedelta(days=12), time(9), tzinfo=zone)
    now = datetime.combine(today, time(8), tzinfo=zone)
    with transaction.atomic():
        babies = _babies(practice, first_birth, registered, clinician.user)
        cohort = groupcare.form_cohort(
            actor=helper,
            name=STORY_NAME,
            site=site,
            language="es",
            born_from=first_birth,
            born_to=first_birth + timedelta(days=len(babies) - 1),
            facilitator_id=clinician.user.pk,
            co_facilitator_id=helper.user.pk,
            children=babies,
            at=registered,
        )
        births = [b.date_of_birth for b in babies]
        two_months, _shared = groupcare_selectors.suggest_day(
            births, "2mo", practice=practice, on=today
        )
        held = _schedule(helper, cohort, "2mo", two_months + timedelta(days=10), at=registered)
        _hold(clinician, held, babies)
        for key in ("4mo", "6mo"):
            day, _shared = groupcare_selectors.suggest_day(births, key, practice=practice, on=today)
            _schedule(helper, cohort, key, max(day, today + timedelta(days=1)), at=now)
    local = held.starts_at.astimezone(zone)
    return f"{cohort.name}: 6 families, 2-month session held {local:%Y-%m-%d %H:%M}, 4 and 6 booked"


def _hold(clinician: Actor, session: Session, babies: list[Child]) -> None:
    """All six there: each mother's screen keyed in from the paper form during the session, then
    each baby's group visit completed."""
    instrument = (preferred(groupcare_selectors.CAREGIVER_ROW) or ["epds"])[0]
    mothers: dict[Any, Caregiver] = {
        c.family_id: c
        for c in Caregiver.objects.filter(family_id__in=[b.family_id for b in babies])
    }
    start = session.starts_at
    for n, baby in enumerate(babies):
        at = start + timedelta(minutes=20 + 10 * n)
        administration = screening.start_administration(
            actor=clinician,
            child=baby,
            choice=f"{instrument}:caregiver",
            mode=Mode.STAFF_ENTRY,
            caregiver=mothers[baby.family_id],
            language="es",
            at=at,
        )
        screening.save_answers(
            actor=clinician,
            administration=administration,
            answers=EPDS_NEGATIVE if instrument == "epds" else {},
            submit=True,
            at=at + timedelta(minutes=5),
        )
    end = start + timedelta(minutes=session.duration_minutes - 5)
    for attendance in session.attendances.select_related("visit", "child"):
        groupcare_attendance.mark_attended(actor=clinician, attendance=attendance, at=end)
