"""Children straight through the families model (no services: many, fast)."""

from datetime import UTC, date, datetime

from medhome.families.models import Child, Family, PanelMembership
from medhome.practices.models import Practice

MOMENT = datetime(2026, 1, 1, 12, tzinfo=UTC)


def make_children(practice: Practice, births: list[tuple[date, str]]) -> list[Child]:
    family = Family.objects.create(practice=practice, name="Test family", created_at=MOMENT)
    children = [
        Child(
            practice=practice,
            family=family,
            legal_given_name=f"Child{n}",
            legal_family_name="Test",
            date_of_birth=born,
            sex_at_birth=sex,
            mrn=f"T-{n}",
            preferred_language="en",
            payer="medicaid",
            zip_code="02128",
            created_at=MOMENT,
            updated_at=MOMENT,
        )
        for n, (born, sex) in enumerate(births)
    ]
    made = Child.objects.bulk_create(children)
    # On the panel from birth, as every child registered through the services can be
    # (docs/clinical-rules.md#attribution): the due list counts only children on the panel.
    PanelMembership.objects.bulk_create(
        PanelMembership(
            practice=practice, child=child, starts_on=child.date_of_birth, created_at=MOMENT
        )
        for child in made
    )
    return made
