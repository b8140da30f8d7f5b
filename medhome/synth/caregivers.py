"""A household's caregivers: who they are to the children, how to reach them, in their words.

Contact details agree with the preferred channel (text and phone need a phone, email and the
portal an email); hours (AvailabilityWindow rows) agree with the availability note.
"""

from dataclasses import dataclass
from datetime import datetime
from random import Random
from uuid import UUID

from phonenumber_field.phonenumber import PhoneNumber

from medhome.families.models import AvailabilityWindow, Caregiver
from medhome.families.names import name_key

from . import parameters as P
from .bulk import make, new_id
from .heritage import Heritage
from .names import NamePool
from .phrases import AVAILABILITY_PATTERNS, CULTURE, STRENGTHS, TRANSPORTATION
from .places import City, fictional_phone

AVAILABILITY = P.Weighted(dict(AVAILABILITY_PATTERNS))
CULTURE_BY_LANGUAGE = {
    language: sentences if language in {"en", "es"} else sentences + CULTURE["en"]
    for language, sentences in CULTURE.items()
}
# Parsed once: validating and formatting a number is the slowest step of a bulk insert.
_PHONES: dict[str, PhoneNumber] = {}


@dataclass(frozen=True)
class Sketch:
    """A caregiver before the contact details: who they are to the children."""

    relationship: str
    sex: str
    is_legal_guardian: bool
    given_name: str
    family_name: str
    is_birth_parent: bool = False


def other_sex(sex: str) -> str:
    return "male" if sex == "female" else "female"


def _adult_name(rng: Random, pools: tuple[NamePool, ...], sex: str) -> str:
    pool = rng.choice(pools)
    return rng.choice(pool.women if sex == "female" else pool.men)


def sketch_caregivers(rng: Random, heritage: Heritage) -> tuple[str, list[Sketch]]:
    """The children's surname and the household's caregivers, primary contact first."""
    kind = P.HOUSEHOLD_TYPE.pick(rng)
    pool, partner_pool = heritage.surname_pool, heritage.given_pools[-1]
    father = rng.choice(pool.surnames)
    mother = rng.choice(partner_pool.surnames if not pool.compound_surnames else pool.surnames)
    children = father
    if kind == "two_parents":
        if pool.compound_surnames and mother != father and rng.random() < P.COMPOUND_SURNAME_SHARE:
            children = f"{father} {mother}"
        elif mother != father and rng.random() < P.HYPHENATED_SURNAME_SHARE:
            children = f"{father}-{mother}"
        if rng.random() < P.SAME_SEX_PARENTS_SHARE:
            sex = rng.choice(("female", "male"))
            people = [("parent", sex, True, father), ("parent", sex, True, mother)]
        else:
            married = not pool.keeps_surname and rng.random() < P.MARRIED_NAME_SHARE
            people = [
                ("mother", "female", True, father if married else mother),
                ("father", "male", True, father),
            ]
            if rng.random() < 0.25:
                people.reverse()
    elif kind == "single_mother":
        own = rng.random() < P.SINGLE_MOTHER_OWN_SURNAME_SHARE
        children = mother if own else father
        people = [("mother", "female", True, mother)]
        if rng.random() < P.SECOND_CAREGIVER_SHARE[kind]:
            people.append(("grandmother", "female", False, mother))
    elif kind == "single_father":
        people = [("father", "male", True, father)]
    elif kind == "grandparents":
        grandparent = father if rng.random() < 0.6 else mother
        people = [("grandmother", "female", True, grandparent)]
        if rng.random() < P.SECOND_CAREGIVER_SHARE[kind]:
            people.append(("grandfather", "male", True, grandparent))
    elif kind == "foster":
        guardian = rng.random() < P.FOSTER_LEGAL_GUARDIAN_SHARE
        sex = rng.choice(("female", "male"))
        people = [("foster_parent", sex, guardian, mother)]
        if rng.random() < P.SECOND_CAREGIVER_SHARE[kind]:
            people.append(("foster_parent", other_sex(sex), guardian, mother))
    else:  # aunt_uncle, guardian: relatives or friends the court named
        surname = father if rng.random() < 0.5 else mother
        people = [(kind, rng.choice(("female", "male")), True, surname)]
    # Who gave birth, without drawing from rng (the rest of the population stays as it was):
    # a mother, or the first female parent of a couple; never a father, grandparent or foster
    # parent (synthetic: adoption is not modelled).
    birth_parent = next(
        (
            index
            for index, (relationship, sex, _guardian, _surname) in enumerate(people)
            if relationship == "mother" or (relationship == "parent" and sex == "female")
        ),
        None,
    )
    sketches = [
        Sketch(
            relationship,
            sex,
            guardian,
            _adult_name(rng, heritage.given_pools, sex),
            surname,
            is_birth_parent=index == birth_parent,
        )
        for index, (relationship, sex, guardian, surname) in enumerate(people)
    ]
    return children, sketches


def _phone(rng: Random, city: City) -> PhoneNumber:
    number = fictional_phone(rng.choice(city.area_codes), rng.randrange(100))
    if number not in _PHONES:
        _PHONES[number] = PhoneNumber.from_string(number)
    return _PHONES[number]


def _email(rng: Random, given: str, family: str) -> str:
    local = f"{name_key(given).replace(' ', '')}.{name_key(family).replace(' ', '')}"
    return f"{local}{rng.randrange(1, 100)}@{rng.choice(P.EMAIL_DOMAINS)}"


def own_words(rng: Random, sentences: tuple[str, ...], share: float) -> str:
    if rng.random() >= share:
        return ""
    chosen = [rng.choice(sentences)]
    if rng.random() < P.SECOND_SENTENCE_SHARE:
        second = rng.choice(sentences)
        if second != chosen[0]:
            chosen.append(second)
    return " ".join(chosen)


def build_caregivers(
    rng: Random,
    practice_id: UUID,
    city: City,
    family_id: UUID,
    heritage: Heritage,
    sketches: list[Sketch],
    at: datetime,
) -> tuple[list[Caregiver], list[AvailabilityWindow]]:
    language = heritage.language
    barrier = rng.random() < P.TRANSPORTATION_BARRIER_SHARE
    caregivers: list[Caregiver] = []
    windows: list[AvailabilityWindow] = []
    for index, sketch in enumerate(sketches):
        primary = index == 0
        speaks = language
        if not primary and language != "en" and rng.random() < P.SECOND_CAREGIVER_ENGLISH_SHARE:
            speaks = "en"
        channel = P.CHANNEL.pick(rng)
        has_phone = channel in {"text", "phone"} or rng.random() < P.PHONE_SHARE
        email_share = P.EMAIL_SHARE["en" if speaks == "en" else "other"]
        has_email = channel in {"email", "portal"} or rng.random() < email_share
        pattern = None
        if rng.random() < P.AVAILABILITY_SHARE * (1 if primary else 0.5):
            pattern = AVAILABILITY.pick(rng)
        writes = "es" if speaks == "es" else "en"
        caregiver = make(
            Caregiver,
            id=new_id(rng),
            practice_id=practice_id,
            family_id=family_id,
            given_name=sketch.given_name,
            family_name=sketch.family_name,
            relationship=sketch.relationship,
            is_legal_guardian=sketch.is_legal_guardian,
            is_birth_parent=sketch.is_birth_parent,
            is_primary_contact=primary,
            phone=_phone(rng, city) if has_phone else "",
            email=_email(rng, sketch.given_name, sketch.family_name) if has_email else "",
            preferred_language=speaks,
            needs_interpreter=speaks != "en" and rng.random() < P.INTERPRETER_SHARE,
            preferred_channel=channel,
            availability_note=pattern.note(speaks) if pattern else "",
            has_transportation_barrier=barrier and primary,
            transportation_note=rng.choice(TRANSPORTATION[writes]) if barrier and primary else "",
            culture_and_identity=own_words(
                rng, CULTURE_BY_LANGUAGE[speaks], P.CULTURE_SHARE if primary else 0.1
            ),
            strengths=own_words(rng, STRENGTHS[writes], P.STRENGTHS_SHARE if primary else 0.1),
            created_at=at,
            updated_at=at,
        )
        caregivers.append(caregiver)
        for days, starts_at, ends_at in pattern.hours if pattern else ():
            windows.extend(
                make(
                    AvailabilityWindow,
                    id=new_id(rng),
                    practice_id=practice_id,
                    caregiver_id=caregiver.pk,
                    weekday=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
                for day in days
            )
    return caregivers, windows
