"""The synthetic population: reproducible, realistic in its shares, valid, written in bulk."""

from collections import Counter
from datetime import date
from io import StringIO

import phonenumbers
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Model

from medhome.accounts.models import User
from medhome.accounts.roles import CLINICIAN_ROLES, Role
from medhome.families.languages import normalize_language
from medhome.families.models import AvailabilityWindow, Caregiver, Child, Family
from medhome.families.services import Window, validate_caregiver, validate_child, validate_windows
from medhome.practices.models import Membership, Network, Practice, Site
from medhome.synth.demo import DEMO_NETWORK, ROLE_LOGINS, load_demo
from medhome.synth.generator import (
    Population,
    build_practice,
    generate_population,
    plan_practices,
    streams,
    write_population,
    write_practices,
)
from medhome.synth.households import Place
from medhome.synth.places import CITIES, fictional_phone
from medhome.synth.run import SeedAlreadyLoaded, synthesize

AS_OF = date(2026, 11, 23)
HOUSEHOLD_TABLES: list[type[Model]] = [AvailabilityWindow, Caregiver, Child, Family]
ALL_TABLES: list[type[Model]] = [*HOUSEHOLD_TABLES, Site, Membership, Practice, Network]


def dump(tables: list[type[Model]] = ALL_TABLES) -> dict[str, list[tuple]]:
    """Every column of every row, primary keys included, in a canonical order."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values_list())
        for model in tables
    }


def wipe() -> None:
    for model in ALL_TABLES:
        model._default_manager.all().delete()


def in_memory(seed: int, children: int) -> Population:
    places_rng, people_rng = streams(seed, "memory")
    specs = plan_practices(places_rng, 2)
    places = [Place(build_practice(places_rng, None, spec)[0], spec.city) for spec in specs]
    return generate_population(rng=people_rng, places=places, children=children, as_of=AS_OF)


def rows_of(population: Population) -> list[tuple]:
    return [
        tuple(sorted((k, repr(v)) for k, v in vars(obj).items() if k != "_state"))
        for _, objs in population.tables()
        for obj in objs
    ]


def make_synth(seed: int = 7, children: int = 120, network: str = "Test network") -> Population:
    _, population = synthesize(
        seed=seed, children=children, practice_count=2, network_name=network, as_of=AS_OF
    )
    return population


@pytest.fixture(scope="module")
def population() -> Population:
    return in_memory(seed=11, children=2000)


@pytest.mark.django_db
def test_same_seed_gives_identical_rows_including_primary_keys() -> None:
    make_synth(seed=7)
    first = dump()
    wipe()
    make_synth(seed=7)

    assert dump() == first
    assert len(first["Child"]) == 120
    assert len(first["Practice"]) == 2


def test_different_seed_gives_different_rows() -> None:
    one, other = in_memory(seed=1, children=60), in_memory(seed=2, children=60)

    assert rows_of(one) != rows_of(other)
    assert {c.pk for c in one.children}.isdisjoint(c.pk for c in other.children)


@pytest.mark.django_db
def test_loading_a_seed_twice_into_one_network_is_refused() -> None:
    make_synth(seed=3)

    with pytest.raises(SeedAlreadyLoaded):
        make_synth(seed=3)
    with pytest.raises(CommandError, match="already loaded"):
        call_command("synth", children=120, seed=3, network="Test network", stdout=StringIO())


def test_shares_are_near_the_domain_reference(population: Population) -> None:
    children = population.children
    share = lambda hits: sum(hits) / len(children)  # noqa: E731

    assert len(children) == 2000
    assert 0.18 <= share(c.preferred_language == "es" for c in children) <= 0.32
    assert 0.40 <= share(c.payer in {"medicaid", "chip"} for c in children) <= 0.60
    assert 0.02 <= share(c.payer == "uninsured" for c in children) <= 0.09
    assert share((AS_OF - c.date_of_birth).days < 6 * 365.25 for c in children) >= 0.35
    assert 0.06 <= share(c.is_preterm for c in children) <= 0.15
    assert 0.35 <= share(c.race_ethnicity_group == "white" for c in children) <= 0.58
    assert 0.18 <= share(c.race_ethnicity_group == "hispanic" for c in children) <= 0.34


def test_households_hold_one_to_four_children_and_one_or_two_caregivers(
    population: Population,
) -> None:
    children = Counter(c.family_id for c in population.children)
    caregivers = Counter(c.family_id for c in population.caregivers)

    assert set(children.values()) == {1, 2, 3, 4}
    assert set(caregivers.values()) == {1, 2}
    assert children.keys() == caregivers.keys() == {f.pk for f in population.families}


def test_siblings_share_address_surname_and_language(population: Population) -> None:
    by_family: dict[object, list[Child]] = {}
    for child in population.children:
        by_family.setdefault(child.family_id, []).append(child)
    for siblings in by_family.values():
        assert len({(c.address_line1, c.zip_code, c.legal_family_name) for c in siblings}) == 1
        assert len({c.preferred_language for c in siblings}) == 1


def test_children_are_born_by_the_as_of_date_and_have_search_keys(
    population: Population,
) -> None:
    for child in population.children:
        assert child.date_of_birth <= AS_OF
        assert (AS_OF - child.date_of_birth).days < 22 * 366
        assert child.given_name_key and child.family_name_key
        assert bool(child.preferred_name_key) == bool(child.preferred_name)
        preterm_without_days = child.is_preterm and child.gestational_age_days is None
        assert not preterm_without_days


def test_a_mother_or_one_female_parent_is_the_birth_parent(population: Population) -> None:
    """CMS82 counts the mother's screen (docs/clinical-rules.md#measures): the generator records
    who gave
    birth, at most one per family, never a father, grandparent or foster parent."""
    births = Counter(c.family_id for c in population.caregivers if c.is_birth_parent)

    assert births and set(births.values()) == {1}
    for caregiver in population.caregivers:
        if caregiver.relationship == "mother":
            assert caregiver.is_birth_parent
        if caregiver.relationship in {"father", "grandmother", "grandfather", "foster_parent"}:
            assert not caregiver.is_birth_parent


def test_caregivers_have_what_their_channel_needs(population: Population) -> None:
    for caregiver in population.caregivers:
        if caregiver.preferred_channel in {"text", "phone"}:
            assert caregiver.phone
        if caregiver.preferred_channel in {"email", "portal"}:
            assert caregiver.email
        if caregiver.phone:
            assert phonenumbers.is_valid_number(caregiver.phone)
        if caregiver.email:
            assert caregiver.email.endswith(("@example.org", "@example.com"))
        if caregiver.preferred_language == "en":
            assert not caregiver.needs_interpreter


def test_every_fictional_number_of_every_city_is_valid() -> None:
    numbers = [
        fictional_phone(code, line)
        for city in CITIES
        for code in city.area_codes
        for line in range(100)
    ]
    invalid = [n for n in numbers if not phonenumbers.is_valid_number(phonenumbers.parse(n))]
    assert invalid == []


def test_mrns_are_unique_within_each_practice(population: Population) -> None:
    mrns = Counter((c.practice_id, c.mrn) for c in population.children)

    assert max(mrns.values()) == 1


@pytest.mark.django_db
def test_a_second_seed_joins_the_same_practices_without_reusing_mrns() -> None:
    make_synth(seed=1, children=300)
    make_synth(seed=2, children=300)

    assert Practice.objects.count() == 2
    assert Child.objects.count() == 600
    duplicates = Child.objects.values("practice", "mrn").annotate(n=Count("pk")).filter(n__gt=1)
    assert list(duplicates) == []


@pytest.mark.django_db
def test_written_rows_pass_the_family_services_validation() -> None:
    network = Network.objects.create(name="Validated")
    practice = Practice.objects.create(network=network, name="Validated Pediatrics", state="MA")
    doctor = User.objects.create(username="doctor@validated.test")
    Membership.objects.create(user=doctor, practice=practice, role=Role.PEDIATRICIAN)
    _, population = synthesize(
        seed=5, children=80, practice_count=1, network_name="Validated", as_of=AS_OF
    )

    children = Child.objects.filter(pk__in=[c.pk for c in population.children[:40]])
    for child in children:
        validate_child(child, today=AS_OF)
        assert normalize_language(child.preferred_language) == child.preferred_language
        assert child.primary_clinician_id == doctor.pk
    for caregiver in Caregiver.objects.filter(pk__in=[c.pk for c in population.caregivers[:40]]):
        validate_caregiver(caregiver)
        validate_windows(
            [Window(w.weekday, w.starts_at, w.ends_at) for w in caregiver.availability.all()]
        )


@pytest.mark.django_db
def test_fast_insert_stores_what_bulk_create_stores() -> None:
    first = in_memory(seed=9, children=40)
    write_practices(None, [p.practice for p in first.places], [])
    write_population(first)
    fast = dump(HOUSEHOLD_TABLES)
    for model in HOUSEHOLD_TABLES:
        model._default_manager.all().delete()

    for model, rows in in_memory(seed=9, children=40).tables():
        model._default_manager.bulk_create(rows)

    assert dump(HOUSEHOLD_TABLES) == fast
    assert len(fast["Child"]) == 40


@pytest.mark.django_db
def test_synth_command_creates_practices_with_sites_and_children() -> None:
    out = StringIO()
    call_command("synth", children=30, practices=3, seed=5, as_of="2026-11-23", stdout=out)

    practices = Practice.objects.filter(network__name="Synthetic network (seed 5)")
    assert practices.count() == 3
    for practice in practices:
        assert Site.objects.filter(practice=practice).count() in {1, 2}
    assert Child.objects.count() == 30
    assert "30 children" in out.getvalue()


@pytest.mark.django_db
def test_synth_is_refused_in_production(settings) -> None:
    settings.ENV = "production"

    with pytest.raises(CommandError, match="production"):
        call_command("synth", children=5, stdout=StringIO())
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", stdout=StringIO())
    assert not Child.objects.exists()


def assert_loaded_through_the_ehr() -> None:
    """The children, caregivers and visits came through the EHR import paths (synth/ehr)."""
    from medhome.ehr.models import Immunization, ImportRun, Observation
    from medhome.families.models import ChildIdentifier, PanelMembership
    from medhome.periodicity.models import RowCompletion
    from medhome.synth.ehr.codes import MRN_SYSTEM
    from medhome.visits.models import Visit

    assert ImportRun.objects.filter(status="done").count() == 2  # one export per practice
    children = Child.objects.count()
    assert ChildIdentifier.objects.filter(system=MRN_SYSTEM).count() == children
    # Every visit from the EHR, but the group well-child visits group care books in medhome.
    assert not Visit.objects.filter(external_id="").exclude(kind="group").exists()
    assert Immunization.objects.exists() and Observation.objects.exists()
    # Siblings share a family and its caregivers; families keep their own words and hours.
    assert Family.objects.filter(children__isnull=True).count() == 0
    assert Family.objects.count() < children
    assert Caregiver.objects.exclude(availability_note="").exists()
    assert AvailabilityWindow.objects.exists()
    # The panel's history is the practice's, not the day of the import.
    assert PanelMembership.objects.filter(starts_on__lt=AS_OF).count() > children / 2
    # What the import now reads itself: gestational age (none refused), each visit's site,
    # and the preventive-visit row of completed well-child visits.
    for run in ImportRun.objects.all():
        assert "gestational_age_out_of_range" not in run.counts["refused"]
        assert "unknown_code" not in run.counts["refused"]
    assert Child.objects.filter(gestational_age_weeks__lt=37).exists()
    assert (
        not Visit.objects.filter(site__isnull=True).exclude(external_id__startswith="SIU").exists()
    )
    assert RowCompletion.objects.filter(row="preventive_visit", source="ehr").exists()


@pytest.mark.django_db
def test_load_demo_is_idempotent_with_a_login_per_role(settings) -> None:
    first, second = StringIO(), StringIO()
    call_command("load_demo", as_of="2026-11-23", stdout=first)
    counts = {name: len(rows) for name, rows in dump().items()}
    call_command("load_demo", as_of="2026-11-23", stdout=second)

    assert {name: len(rows) for name, rows in dump().items()} == counts
    assert Family.objects.count() >= 300
    assert_loaded_through_the_ehr()
    network = Network.objects.get(name=DEMO_NETWORK)
    practices = list(Practice.objects.filter(network=network))
    assert len(practices) == 2
    for practice in practices:
        roles = set(Membership.objects.filter(practice=practice).values_list("role", flat=True))
        assert set(ROLE_LOGINS) <= roles
    assert Membership.objects.filter(role=Role.NETWORK_ANALYST).count() == 1
    floating = User.objects.annotate(n=Count("memberships")).filter(n=2)
    assert [u.username for u in floating] == ["coordinator@harbor.demo"]
    assert all(u.check_password(settings.MEDHOME_DEMO_PASSWORD) for u in User.objects.all())
    clinicians = set(
        Membership.objects.filter(role__in=CLINICIAN_ROLES).values_list("user_id", flat=True)
    )
    assert set(Child.objects.values_list("primary_clinician_id", flat=True)) <= clinicians
    for out in (first.getvalue(), second.getvalue()):
        assert "coordinator@riverside.demo" in out
        assert settings.MEDHOME_DEMO_PASSWORD in out
        assert "http://127.0.0.1:8000/" in out
        assert "synthetic" in out
    assert load_demo(as_of=AS_OF).created is False
    assert_case_review_finds_a_stuck_referral(practices)


def assert_case_review_finds_a_stuck_referral(practices: list[Practice]) -> None:
    """Every practice has a referral past its response follow-up with no answer, which the
    case-review list shows (docs/clinical-rules.md#case-review; casereview sits above synth,
    so the rule is read from referrals itself)."""
    from datetime import UTC, datetime

    from medhome.practices.calendar import calendar_of
    from medhome.referrals.followup import response_due
    from medhome.referrals.models import Referral
    from medhome.referrals.services.follow_up_settings import settings_for
    from medhome.referrals.states import AWAITING_RESPONSE

    moment = datetime(2026, 11, 23, 17, tzinfo=UTC)
    for practice in practices:
        follow_up, calendar = settings_for(practice), calendar_of(practice)
        waiting = Referral.objects.filter(
            practice=practice, status__in=AWAITING_RESPONSE, first_response_at__isnull=True
        )
        dues = [response_due(referral, follow_up, calendar=calendar) for referral in waiting]
        assert any(due is not None and due <= moment for due in dues)
