"""Group well-child care in tests (medhome.groupcare): a cohort around the cast's child, its
membership, a session and the child's attendance with its group visit — rows written directly,
as the access sweeps need one of each per practice (tests/url_matrix.py FILL)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from medhome.core import clock

ZONE = ZoneInfo("America/New_York")


def groupcare_rows(child, user) -> dict:
    from medhome.groupcare.models import Attendance, Cohort, CohortMember, Session
    from medhome.practices.models import Site
    from medhome.visits.models import Visit

    practice = child.practice
    baby, born = child, child.date_of_birth
    site, _ = Site.objects.get_or_create(practice=practice, name="Group room site")
    now = clock.now()
    cohort = Cohort.objects.create(
        practice=practice,
        site=site,
        language="es",
        name="Grupo de septiembre",
        born_from=born,
        born_to=born + timedelta(days=20),
        facilitator=user,
        created_at=now,
    )
    member = CohortMember.objects.create(
        practice=practice, cohort=cohort, child=baby, joined_on=clock.today()
    )
    starts = datetime(2099, 11, 16, 10, 0, tzinfo=ZONE)
    session = Session.objects.create(
        practice=practice,
        cohort=cohort,
        visit_key="2mo",
        starts_at=starts,
        duration_minutes=120,
        place="Community room",
        topics=["Sleep"],
        created_at=now,
    )
    visit = Visit.objects.create(
        practice=practice,
        child=baby,
        site=site,
        clinician=user,
        starts_at=starts,
        kind="group",
        duration_minutes=120,
        created_at=now,
    )
    attendance = Attendance.objects.create(
        practice=practice, session=session, child=baby, visit=visit, updated_at=now
    )
    return {
        "cohort": cohort,
        "cohort_member": member,
        "session": session,
        "attendance": attendance,
    }
