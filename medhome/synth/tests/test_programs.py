"""The synthetic programs (synth/programs.py): every row keeps the services' rules, a CHW's
caseload has families due today, overdue and not yet due, and the same seed gives the same rows."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from random import Random

import pytest
from django.db import transaction
from django.utils import timezone

from medhome.accounts.roles import capabilities_of
from medhome.core.actor import Actor
from medhome.families.languages import COMMON_LANGUAGES
from medhome.families.models import Child
from medhome.practices.models import Membership
from medhome.programs import contacts as program_contacts
from medhome.programs import selectors
from medhome.programs import services as program_services
from medhome.programs.models import Contact, Enrolment, EnrolmentChange, Program
from medhome.synth.panel import build_panel
from medhome.synth.program_rows import program_fields
from medhome.synth.programs import add_programs
from tests.factories import actor_for, add_child

AS_OF = date(2026, 12, 5)


@pytest.fixture
def panel(db):
    return build_panel(
        seed=7,
        children=500,
        practice_count=1,
        network_name="Programs test",
        as_of=AS_OF,
        history_years=None,
        programs=True,
    )


def _roles(practice_id):
    return dict(Membership.objects.filter(practice_id=practice_id).values_list("user_id", "role"))


def test_every_program_runs_and_every_row_keeps_the_services_rules(panel):
    (practice_id,) = panel.practice_ids
    programs = {p.key: p for p in Program.objects.filter(practice_id=practice_id)}
    assert set(programs) == {
        "reach_out_and_read", "vip", "healthysteps", "dulce", "chw", "home_visiting",
        "help_me_grow",
    }  # fmt: skip
    roles = _roles(practice_id)
    born = dict(Child.objects.filter(practice_id=practice_id).values_list("pk", "date_of_birth"))
    enrolments = {e.pk: e for e in Enrolment.objects.filter(practice_id=practice_id)}
    statuses = Counter((e.program.key, e.status) for e in enrolments.values())
    for wanted in (("dulce", "enrolled"), ("dulce", "graduated"), ("healthysteps", "enrolled")):
        assert statuses[wanted], wanted
    assert statuses[("vip", "enrolled")] and statuses[("chw", "declined")]
    for e in enrolments.values():
        start = e.enrolled_on or e.offered_on
        assert e.program.eligible_at((start - born[e.child_id]).days), e.program.key
        assert e.offered_on <= start <= AS_OF
        assert e.ended_on is None or start <= e.ended_on <= AS_OF
        assert e.status != "declined" or e.end_reason
        assert e.staff_id is None or roles[e.staff_id] in e.program.roles
        assert EnrolmentChange.objects.filter(enrolment=e).exists()
    tiers = Counter(e.tier for e in enrolments.values() if e.program.key == "healthysteps")
    # Tier 2 is short-term: most families are back in tier 1, the changes kept.
    changes = EnrolmentChange.objects.filter(enrolment__practice_id=practice_id)
    assert tiers["1"] and changes.filter(from_tier="1", to_tier="2").exists()
    assert changes.filter(from_tier="2", to_tier="1").exists()
    contacts = list(Contact.objects.filter(practice_id=practice_id).select_related("program"))
    kinds = Counter(c.kind for c in contacts)
    for kind in ("book_given", "dulce_visit", "hs_consult", "vip_session", "chw_outreach"):
        assert kinds[kind], kind
    for c in contacts:
        assert c.on <= AS_OF and c.role == roles[c.staff_id] and c.role in c.program.roles
        assert c.kind in c.program.contact_kinds
        if c.program.universal:
            assert c.enrolment_id is None
            assert c.program.eligible_at((c.on - born[c.child_id]).days)
            assert c.book_language in COMMON_LANGUAGES
        else:
            e = enrolments[c.enrolment_id]
            assert e.enrolled_on is not None and e.enrolled_on <= c.on
            assert e.ended_on is None or c.on <= e.ended_on
        assert (c.kind == "chw_outreach") == bool(c.outcome)
        assert c.kind not in ("hs_consult", "chw_outreach", "chw_visit") or c.setting
    books = Counter(c.book_language for c in contacts if c.kind == "book_given")
    assert books["en"] > books["es"] > 0


def test_a_sample_of_contacts_passes_the_services_validation(panel):
    (practice_id,) = panel.practice_ids
    at = timezone.make_aware(datetime.combine(AS_OF, time(18)))
    sample = []
    for kind in ("book_given", "dulce_visit", "hs_consult", "vip_session", "chw_outreach"):
        sample += list(
            Contact.objects.filter(practice_id=practice_id, kind=kind)
            .select_related("program", "child", "staff", "caregiver")
            .order_by("pk")[:3]
        )
    for c in sample:
        actor = Actor(
            user=c.staff, practice=c.child.practice, role=c.role,
            capabilities=capabilities_of(c.role),
        )  # fmt: skip
        with transaction.atomic():
            program_contacts.record_contact(
                actor=actor, program=c.program, child=c.child, kind=c.kind, on=c.on, at=at,
                setting=c.setting, outcome=c.outcome, topics=c.topics,
                book_language=c.book_language, goals=c.goals, strengths=c.strengths,
                protective_factors=c.protective_factors, caregiver=c.caregiver,
            )  # fmt: skip
            transaction.set_rollback(True)


def test_the_chw_caseload_has_families_due_today_overdue_and_not_due(panel):
    (practice_id,) = panel.practice_ids
    chw = Membership.objects.get(practice_id=practice_id, role="community_health_worker")
    actor = Actor(
        user=chw.user, practice=chw.practice, role=chw.role, capabilities=capabilities_of(chw.role)
    )
    rows = selectors.caseload(actor, staff=chw.user, today=AS_OF)
    assert 20 <= len(rows) <= 40
    due = Counter(
        "today" if r.due_on == AS_OF else "overdue" if r.due_on < AS_OF else "later"
        for r in rows
        if r.due_on is not None
    )
    assert due["today"] and due["overdue"] and due["later"]
    assert any(r.last_contact_on is None for r in rows)


def test_program_rows_copy_what_add_program_copies(practice_a, staff_a):
    admin = actor_for(staff_a["practice_admin"], practice_a, "practice_admin")
    shipped = program_services.add_program(
        actor=admin, definition="healthysteps", at=timezone.now()
    )
    for name, value in program_fields("healthysteps").items():
        assert getattr(shipped, name) == value, name


def _run(practice, children, seed):
    with transaction.atomic():
        add_programs(practice, children, AS_OF, Random(seed))
        rows = list(
            Contact.objects.filter(practice=practice)
            .order_by("pk")
            .values_list("pk", "kind", "on", "child_id")
        )
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_gives_the_same_rows_and_a_loaded_practice_is_left_alone(
    practice_a, staff_a, family_a
):
    children = [
        add_child(
            family_a,
            date_of_birth=AS_OF - timedelta(days=days),
            preferred_language="es",
            mrn=f"P{days}",
        )
        for days in (100, 400, 800, 1500)
    ]
    first = _run(practice_a, children, 3)
    assert first and first == _run(practice_a, children, 3)
    assert first != _run(practice_a, children, 4)
    add_programs(practice_a, children, AS_OF, Random(3))
    assert add_programs(practice_a, children, AS_OF, Random(3)) == {}
