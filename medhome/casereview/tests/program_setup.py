"""A DULCE family for the program review's tests: a 4-month-old enrolled today, a family
specialist's contact that named WIC (a draft benefits referral and the legal partner's part)."""

from dataclasses import dataclass
from datetime import timedelta

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import Child, Family
from medhome.programs import contacts as program_contacts
from medhome.programs import services as programs
from medhome.programs.models import Program
from medhome.programs.supports import note_supports
from medhome.referrals.models import Referral
from tests import factories, program_factories


@dataclass
class Dulce:
    program: Program
    family: Family
    infant: Child
    specialist: Actor
    benefits: Referral
    legal: Referral


def specialist_of(staff_a, practice_a) -> Actor:
    return factories.actor_for(staff_a[Role.FAMILY_SPECIALIST], practice_a, Role.FAMILY_SPECIALIST)


def enrol_infant(program: Program, family: Family, specialist: Actor, *, mrn: str) -> Child:
    today = clock.today()
    infant = factories.add_child(
        family, legal_given_name="Luna", mrn=mrn, date_of_birth=today - timedelta(days=125)
    )
    programs.enrol(
        actor=specialist,
        program=program,
        child=infant,
        on=today,
        at=clock.now(),
        agreement="spoken",
        staff=specialist.user,
    )
    return infant


def dulce_family(practice_a, family_a, staff_a, *, mrn: str = "LUNA-4M") -> Dulce:
    program = program_factories.program(practice_a, "dulce")
    specialist = specialist_of(staff_a, practice_a)
    infant = enrol_infant(program, family_a, specialist, mrn=mrn)
    contact = program_contacts.record_contact(
        actor=specialist,
        program=program,
        child=infant,
        kind="dulce_visit",
        on=clock.today(),
        at=clock.now(),
        strengths="Holds Luna skin to skin.",
    )
    [support] = note_supports(
        actor=specialist,
        contact=contact,
        supports=["wic"],
        organization=factories.organization("Eastside WIC Office"),
        legal_organization=factories.organization("Greater Boston Legal Services"),
        at=clock.now(),
    )
    assert support.referral is not None and support.legal_referral is not None
    return Dulce(program, family_a, infant, specialist, support.referral, support.legal_referral)
