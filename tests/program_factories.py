"""The practice's programs in tests (medhome.programs): rows written directly, as the sweeps need
one of each row per practice, and helpers acting through the services where rules matter."""

from datetime import timedelta

from medhome.core import clock


def program(practice, key: str = "dulce", **overrides):
    """One of the shipped programs on the practice's rows (copied like services.add_program)."""
    from medhome.programs.definitions import catalogue
    from medhome.programs.models import Program

    shipped = catalogue()[key]
    values = {
        "key": shipped.key,
        "definition": shipped.key,
        "min_age_days": shipped.min_age_days,
        "max_age_days": shipped.max_age_days,
        "roles": list(shipped.roles),
        "contact_kinds": list(shipped.contact_kinds),
        "tiers": [
            {
                "key": t.key,
                "name": str(t.name),
                "criteria": str(t.criteria),
                "contact_every_days": t.contact_every_days,
            }
            for t in shipped.tiers
        ],
        "universal": shipped.universal,
        "referral_need": shipped.referral_need,
        "contact_every_days": shipped.contact_every_days,
        "created_at": clock.now(),
    } | overrides
    return Program.objects.get_or_create(practice=practice, key=key, defaults=values)[0]


def program_rows(child, user, key: str = "chw") -> dict:
    """A program, the child's enrolment in it (on `user`'s caseload) and one contact, for the
    access sweeps (tests/url_matrix.py FILL)."""
    from medhome.programs.models import Contact, Enrolment

    chosen = program(child.practice, key)
    today = clock.today()
    enrolment = Enrolment.objects.create(
        practice=child.practice,
        program=chosen,
        child=child,
        status="enrolled",
        offered_on=today - timedelta(days=10),
        enrolled_on=today - timedelta(days=10),
        agreement="spoken",
        staff=user,
        updated_at=clock.now(),
    )
    contact = Contact.objects.create(
        practice=child.practice,
        program=chosen,
        enrolment=enrolment,
        child=child,
        kind=chosen.contact_kinds[0],
        on=today,
        recorded_at=clock.now(),
        staff=user,
        role="community_health_worker",
        setting="phone",
        outcome="reached",
        strengths="Keeps every appointment.",
    )
    return {"program": chosen, "enrolment": enrolment, "contact": contact}


def parent_partner_rows(child, user) -> dict:
    """The practice's own program that parent partners deliver, the child enrolled on `user`'s
    caseload, and one contact (docs/clinical-rules.md#parent-partners)."""
    from medhome.programs.models import Contact, Enrolment, Program

    chosen, _ = Program.objects.get_or_create(
        practice=child.practice,
        key="parent-to-parent",
        defaults={
            "definition": "",
            "name": "Parent to parent",
            "roles": ["parent_partner"],
            "contact_kinds": ["contact"],
            "contact_every_days": 30,
            "created_at": clock.now(),
        },
    )
    today = clock.today()
    enrolment = Enrolment.objects.create(
        practice=child.practice,
        program=chosen,
        child=child,
        status="enrolled",
        offered_on=today - timedelta(days=20),
        enrolled_on=today - timedelta(days=20),
        agreement="spoken",
        staff=user,
        updated_at=clock.now(),
    )
    contact = Contact.objects.create(
        practice=child.practice,
        program=chosen,
        enrolment=enrolment,
        child=child,
        kind="contact",
        on=today - timedelta(days=3),
        recorded_at=clock.now(),
        staff=user,
        role="parent_partner",
        setting="phone",
        strengths="Reads to the baby every night.",
        note="Team only: the mother mentioned feeling low.",
    )
    return {"pp_program": chosen, "pp_enrolment": enrolment, "pp_contact": contact}
