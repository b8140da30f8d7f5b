"""One synthetic household built from an rng: family, children, caregivers and their hours.

Pure functions: they read no clock, no global random and no database, and return unsaved model
instances whose primary keys come from the rng, so the same seed gives the same rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random

from medhome.families.models import AvailabilityWindow, Caregiver, Child, Family
from medhome.practices.models import Practice

from . import parameters as P
from .bulk import make, new_id
from .caregivers import build_caregivers, other_sex, sketch_caregivers
from .heritage import Heritage, draw_heritage, recorded_race
from .names import CHOSEN_ENGLISH_NAMES, CHOSEN_NAMES, NICKNAMES, POOLS, NamePool
from .places import City

ASIAN_LANGUAGE_POOLS = (POOLS["vietnamese"], POOLS["chinese"])


@dataclass(frozen=True)
class Place:
    """Where a household gets its care: the practice, its city, its clinicians."""

    practice: Practice
    city: City
    clinician_ids: tuple[int, ...] = ()


@dataclass
class MrnBook:
    """Medical record numbers of one practice: eight random digits, never issued twice."""

    issued: set[str] = field(default_factory=set)

    def issue(self, rng: Random) -> str:
        while True:
            mrn = str(rng.randrange(10_000_000, 100_000_000))
            if mrn not in self.issued:
                self.issued.add(mrn)
                return mrn


@dataclass
class Household:
    family: Family
    children: list[Child]
    caregivers: list[Caregiver]
    windows: list[AvailabilityWindow]


def draw_birth_dates(rng: Random, count: int, as_of: date) -> list[date]:
    """Birth dates of siblings, youngest first, at least MIN_SIBLING_GAP_DAYS apart or twins."""
    oldest_days = (P.MAX_AGE_YEARS + 1) * 365
    ages = sorted(
        max(1, int((P.AGE_YEARS.pick(rng) + rng.random()) * 365.25)) for _ in range(count)
    )
    twins = count > 1 and rng.random() < P.TWIN_SHARE
    days: list[int] = []
    for index, age in enumerate(ages):
        if index == 1 and twins:
            age = days[0]
        elif days and age - days[-1] < P.MIN_SIBLING_GAP_DAYS:
            age = days[-1] + P.MIN_SIBLING_GAP_DAYS + rng.randrange(400)
        days.append(min(age, oldest_days))
    return [as_of - timedelta(days=d) for d in days]


def draw_gestation(rng: Random) -> tuple[int | None, int | None]:
    """Completed weeks and days at birth: always for preterm children, sometimes for term."""
    band = P.GESTATION_BAND.pick(rng)
    weeks = P.GESTATION_WEEKS[band].pick(rng)
    if band != "term":
        return weeks, rng.randrange(7)
    if rng.random() >= P.TERM_GESTATION_RECORDED_SHARE:
        return None, None
    return weeks, rng.randrange(7) if rng.random() < P.TERM_GESTATION_DAYS_SHARE else None


def draw_payer(rng: Random, heritage: Heritage) -> str:
    if "aian" in heritage.categories:
        return P.PAYER_AIAN.pick(rng)
    return (P.PAYER_ENGLISH if heritage.language == "en" else P.PAYER_OTHER_LANGUAGE).pick(rng)


def member_id(rng: Random, payer: str) -> str:
    if payer in {"medicaid", "chip"}:
        return str(rng.randrange(10**11, 10**12))
    if payer == "commercial":
        prefix = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        return f"{prefix}{rng.randrange(10**8, 10**9)}"
    if payer == "other":
        return str(rng.randrange(10**9, 10**10))
    return ""


def _child_name(rng: Random, pool: NamePool, sex: str, taken: set[str]) -> str:
    """A given name for the sex at birth that no sibling has (after a few tries)."""
    if sex == "unknown":
        sex = rng.choice(("female", "male"))
    names = pool.girls if sex == "female" else pool.boys
    given = rng.choice(names)
    for _ in range(3):
        if given not in taken:
            break
        given = rng.choice(names)
    return given


def _names_for(rng: Random, pool: NamePool, sex: str, age: int, given: str) -> tuple[str, ...]:
    """(preferred name, gender identity, pronouns) a child has chosen to share, if any."""
    draw = rng.random()
    if age >= P.ADOLESCENT_AGE and sex != "unknown" and draw < P.NONBINARY_SHARE:
        return rng.choice(CHOSEN_NAMES["nonbinary"]), "Nonbinary", "they/them"
    if (
        age >= P.ADOLESCENT_AGE
        and sex != "unknown"
        and draw < P.NONBINARY_SHARE + P.TRANSGENDER_SHARE
    ):
        identity = other_sex(sex)
        label, pronouns = (
            ("Trans girl", "she/her") if identity == "female" else ("Trans boy", "he/him")
        )
        return rng.choice(CHOSEN_NAMES[identity]), label, pronouns
    pronouns = ""
    if age >= P.ADOLESCENT_AGE and sex != "unknown" and rng.random() < P.PRONOUNS_SHARE:
        pronouns = "she/her" if sex == "female" else "he/him"
    preferred = ""
    if given in NICKNAMES and rng.random() < P.NICKNAME_SHARE:
        preferred = NICKNAMES[given]
    elif (
        pool in ASIAN_LANGUAGE_POOLS
        and sex != "unknown"
        and rng.random() < P.CHOSEN_ENGLISH_NAME_SHARE
    ):
        preferred = rng.choice(CHOSEN_ENGLISH_NAMES[sex])
        preferred = "" if preferred == given else preferred
    return preferred, "", pronouns


def build_household(
    rng: Random, place: Place, size: int, mrns: MrnBook, *, as_of: date, at: datetime
) -> Household:
    """A family of `size` children (siblings share surname, address, language and payer)."""
    practice, city = place.practice, place.city
    heritage = draw_heritage(rng)
    race, race_detail = recorded_race(rng, heritage)
    children_surname, sketches = sketch_caregivers(rng, heritage)
    # A household goes by the children's surname; a foster home by the foster parents'.
    surname = children_surname
    if sketches[0].relationship == "foster_parent":
        surname = sketches[0].family_name
    family_name = f"Familia {surname}" if heritage.language == "es" else f"{surname} family"
    family = make(Family, id=new_id(rng), practice_id=practice.pk, name=family_name, created_at=at)
    payer = draw_payer(rng, heritage)
    address_line1 = f"{rng.randrange(2, 2400)} {rng.choice(city.streets)}"
    address_line2 = ""
    if rng.random() < P.APARTMENT_SHARE:
        address_line2 = f"Apt {rng.randrange(1, 7)}{rng.choice('ABCD')}"
    zip_code = rng.choice(city.zip_codes)
    clinician_id = rng.choice(place.clinician_ids) if place.clinician_ids else None
    births = draw_birth_dates(rng, size, as_of)
    children: list[Child] = []
    weeks: int | None = None
    days: int | None = None
    for index, born in enumerate(births):
        if not (index and born == births[index - 1]):  # twins share their gestation
            weeks, days = draw_gestation(rng)
        sex = P.SEX_AT_BIRTH.pick(rng)
        pool = rng.choice(heritage.given_pools)
        given = _child_name(rng, pool, sex, {c.legal_given_name for c in children})
        age = (as_of - born).days // 365
        preferred, identity, pronouns = _names_for(rng, pool, sex, age, given)
        child_payer = payer
        if rng.random() < P.SIBLING_OTHER_PAYER_SHARE and index:
            child_payer = draw_payer(rng, heritage)
        special_share = (
            P.SPECIAL_NEEDS_SHARE_VERY_PRETERM if (weeks or 40) < 32 else (P.SPECIAL_NEEDS_SHARE)
        )
        child = make(
            Child,
            id=new_id(rng),
            practice_id=practice.pk,
            family_id=family.pk,
            legal_given_name=given,
            legal_family_name=children_surname,
            preferred_name=preferred,
            date_of_birth=born,
            sex_at_birth=sex,
            gender_identity=identity,
            pronouns=pronouns,
            mrn=mrns.issue(rng),
            race_ethnicity=list(race),
            race_ethnicity_detail=race_detail,
            preferred_language=heritage.language,
            payer=child_payer,
            payer_member_id=member_id(rng, child_payer),
            address_line1=address_line1,
            address_line2=address_line2,
            city=city.name,
            state=city.state,
            zip_code=zip_code,
            has_special_health_care_needs=rng.random() < special_share,
            primary_clinician_id=clinician_id,
            gestational_age_weeks=weeks,
            gestational_age_days=days,
            created_at=at,
            updated_at=at,
        )
        child.refresh_derived_fields()
        children.append(child)
    caregivers, windows = build_caregivers(
        rng, practice.pk, city, family.pk, heritage, sketches, at
    )
    return Household(family, children, caregivers, windows)
